// Chart export in the browser: the chart's SVG (what Recharts drew) made self-contained, a PNG drawn from it
// on a canvas, and downloads. Theme colours are CSS variables in the page; a file has no page around it, so
// every colour, font and stroke is resolved to its computed value first.

export interface LegendItem {
  name: string;
  color: string;
  dash?: string | undefined;
  n?: number | undefined;
}

const SVG_NS = "http://www.w3.org/2000/svg";
/** Presentation properties copied from the computed style onto each exported element. */
const STYLE_PROPS = [
  "fill",
  "fill-opacity",
  "stroke",
  "stroke-width",
  "stroke-dasharray",
  "stroke-opacity",
  "opacity",
  "font-family",
  "font-size",
  "font-weight",
  "text-anchor",
  "dominant-baseline",
  "visibility",
] as const;

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A CSS variable's value on the document root (e.g. the panel colour of the current theme). */
export function cssVar(name: string, fallback: string): string {
  if (typeof document === "undefined") return fallback;
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

/** Resolves a colour that may be `var(--x)` to its current value. */
export function resolveColor(color: string): string {
  const m = /^var\((--[\w-]+)\)$/.exec(color.trim());
  return m ? cssVar(m[1]!, "#888") : color;
}

/** Copies computed presentation styles of `source` and its descendants onto the same nodes of `target`. */
function inlineStyles(source: Element, target: Element): void {
  const style = getComputedStyle(source);
  const parts: string[] = [];
  for (const p of STYLE_PROPS) {
    const v = style.getPropertyValue(p);
    if (v) parts.push(`${p}:${v}`);
  }
  target.setAttribute("style", parts.join(";"));
  // Recharts writes colours as attributes; make them concrete too.
  for (const attr of ["fill", "stroke"]) {
    const a = target.getAttribute(attr);
    if (a?.includes("var(")) target.setAttribute(attr, style.getPropertyValue(attr));
  }
  const s = source.children;
  const t = target.children;
  for (let i = 0; i < s.length && i < t.length; i++) inlineStyles(s[i]!, t[i]!);
}

/**
 * The chart as a standalone SVG document: background, title, the chart as drawn, and the legend below it
 * (at most `maxLegend` entries, then "+N more").
 */
export function chartSvg(
  svg: SVGSVGElement,
  opts: { title: string; legend?: readonly LegendItem[]; note?: string; maxLegend?: number },
): { text: string; width: number; height: number } {
  const box = svg.getBoundingClientRect();
  const width = Math.round(box.width) || Number(svg.getAttribute("width")) || 800;
  const chartHeight = Math.round(box.height) || Number(svg.getAttribute("height")) || 400;
  const clone = svg.cloneNode(true) as SVGSVGElement;
  inlineStyles(svg, clone);
  // Tooltips and cursor are interaction state, not part of the picture.
  for (const el of clone.querySelectorAll(".recharts-tooltip-cursor, .recharts-active-dot")) el.remove();

  const bg = cssVar("--panel", "#ffffff");
  const text = cssVar("--text", "#111111");
  const muted = cssVar("--muted", "#666666");
  const font = cssVar("--font-sans", "sans-serif").replace(/"/g, "'");
  const legend = opts.legend ?? [];
  const maxLegend = opts.maxLegend ?? 40;
  const shown = legend.slice(0, maxLegend);
  const colWidth = 240;
  const cols = Math.max(1, Math.floor((width - 20) / colWidth));
  const legendRows = Math.ceil((shown.length + (legend.length > maxLegend ? 1 : 0)) / cols);
  const titleH = 30;
  const noteH = opts.note ? 18 : 0;
  const legendH = legendRows > 0 ? legendRows * 18 + 10 : 0;
  const height = titleH + chartHeight + noteH + legendH;

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="${SVG_NS}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${escapeXml(font)}">`,
    `<rect width="100%" height="100%" fill="${bg}"/>`,
    `<text x="10" y="20" font-size="15" font-weight="600" fill="${text}">${escapeXml(opts.title)}</text>`,
  );
  clone.setAttribute("x", "0");
  clone.setAttribute("y", String(titleH));
  clone.setAttribute("width", String(width));
  clone.setAttribute("height", String(chartHeight));
  clone.removeAttribute("style");
  clone.removeAttribute("class");
  parts.push(new XMLSerializer().serializeToString(clone));
  let y = titleH + chartHeight;
  if (opts.note) {
    parts.push(`<text x="10" y="${y + 13}" font-size="11" fill="${muted}">${escapeXml(opts.note)}</text>`);
    y += noteH;
  }
  const entries = [...shown.map((l) => ({ ...l, more: false }))];
  if (legend.length > maxLegend)
    entries.push({ name: `+${legend.length - maxLegend} more (see CSV)`, color: muted, more: true });
  entries.forEach((l, i) => {
    const cx = 10 + (i % cols) * colWidth;
    const cy = y + 14 + Math.floor(i / cols) * 18;
    if (!l.more)
      parts.push(
        `<line x1="${cx}" y1="${cy - 4}" x2="${cx + 18}" y2="${cy - 4}" stroke="${resolveColor(l.color)}" stroke-width="2.5"${l.dash ? ` stroke-dasharray="${l.dash}"` : ""}/>`,
      );
    const label = l.n !== undefined ? `${l.name} (N=${l.n})` : l.name;
    const clipped = label.length > 34 ? `${label.slice(0, 33)}…` : label;
    parts.push(
      `<text x="${cx + (l.more ? 0 : 24)}" y="${cy}" font-size="12" fill="${text}">${escapeXml(clipped)}</text>`,
    );
  });
  parts.push("</svg>");
  return { text: parts.join(""), width, height };
}

/** Draws an SVG document on a canvas (scale x its size, for sharp images) and encodes it as PNG. */
export async function svgToPng(
  svg: { text: string; width: number; height: number },
  scale = 2,
): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg.text], { type: "image/svg+xml;charset=utf-8" }));
  try {
    const img = new Image();
    img.decoding = "sync";
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error("the chart's SVG could not be drawn as an image"));
      img.src = url;
    });
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(svg.width * scale);
    canvas.height = Math.round(svg.height * scale);
    const g = canvas.getContext("2d");
    if (!g) throw new Error("this browser gives no 2D canvas");
    g.scale(scale, scale);
    g.drawImage(img, 0, 0, svg.width, svg.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("PNG encoding failed"))), "image/png"),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Saves a blob under `fileName` (the browser's download). */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  a.rel = "noopener";
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Give the download a moment to start before the URL goes away.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file name from a chart title: "val/bpb vs step" -> "val-bpb-vs-step". */
export function fileSlug(title: string): string {
  return (
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 80) || "chart"
  );
}
