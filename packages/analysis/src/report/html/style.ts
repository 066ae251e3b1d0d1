/** The page's only stylesheet (inline: the report is one file that works offline). */
export const REPORT_CSS = `
:root{--fg:#1b232c;--muted:#5b6670;--line:#dde1e6;--bg:#f7f8fa;--accent:#0b5cad}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",Arial,sans-serif}
main{max-width:1240px;margin:0 auto;padding:28px 28px 60px}
h1{font-size:24px;margin:0 0 4px}
h2{font-size:18px;margin:36px 0 10px;padding-top:8px;border-top:1px solid var(--line)}
h3{font-size:15px;margin:20px 0 8px}
p{margin:6px 0}
.meta{color:var(--muted);font-size:13px}
.meta code{font-size:12px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 14px;min-width:150px}
.card .k{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card .v{font-size:18px;font-weight:600}
nav{font-size:13px;margin:8px 0 0}
nav a{color:var(--accent);margin-right:14px;text-decoration:none}
.warn{background:#fff8e6;border:1px solid #f0d48a;border-radius:8px;padding:8px 14px;margin:12px 0}
.warn li{margin:2px 0}
.figure{background:#fff;border:1px solid var(--line);border-radius:8px;padding:8px;margin:10px 0;overflow-x:auto}
.figure svg{display:block;max-width:100%;height:auto;margin:0 auto}
.tablewrap{overflow-x:auto;margin:8px 0}
.tablewrap table{margin:0}
td.fitcol{min-width:200px;overflow-wrap:anywhere}
td.wrap{white-space:normal}
td.nowrap{white-space:nowrap}
tr.error-row td{padding-top:0;border-top:none}
tr.has-error td{border-bottom:none}
table{border-collapse:collapse;background:#fff;border:1px solid var(--line);border-radius:8px;margin:8px 0;font-size:13px;width:100%}
th,td{padding:6px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{background:#eef1f4;font-weight:600}
tbody tr:nth-child(even){background:#fafbfc}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.best{font-weight:700}
td.best .small{font-weight:400}
.small{font-size:12px;color:var(--muted)}
.sw{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px;vertical-align:baseline}
.badge{display:inline-block;padding:0 7px;border-radius:10px;font-size:11px;font-weight:600;line-height:18px;white-space:nowrap}
.s-COMPLETED{background:#e3f4ea;color:#1d6b3c}.s-DIVERGED{background:#fde8e4;color:#a2311a}.s-FAILED{background:#fde8e4;color:#a2311a}
.s-CANCELLED{background:#eceff2;color:#4a5561}.s-RUNNING{background:#e4eefb;color:#1b4f8f}.s-QUEUED{background:#eceff2;color:#4a5561}
.prov{background:#fff1d6;color:#8a5a00}.ok{background:#e3f4ea;color:#1d6b3c}.extrap{background:#eceff2;color:#4a5561}
.err{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;color:#a2311a;white-space:pre-wrap;word-break:break-word;background:#fdf3f1;border-left:3px solid #e0a196;padding:4px 8px;max-height:12em;overflow:auto}
.nr{color:var(--muted);font-style:italic}
ul.reasons{margin:4px 0 0 18px;padding:0;font-size:12px;color:#6b4700}
td.n ul.reasons{text-align:left}
td.empty{background:#fdf6ec}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
footer{margin-top:40px;color:var(--muted);font-size:12px}
@media print{body{background:#fff}.figure,table,.card{break-inside:avoid}}
`;
