import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { z } from "zod";
import type { Backend } from "../backend/backend";
import { EXIT, UsageError } from "../exit";
import { backendAction, epilogue } from "./common";

const budgetList = z.string().transform((text, ctx) => {
  const parts = text
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  const values = parts.map(Number);
  const bad = parts.filter((_, i) => !(Number.isFinite(values[i]) && values[i]! > 0));
  if (parts.length === 0 || bad.length > 0) {
    ctx.addIssue({
      code: "custom",
      message: `--budgets must be a comma-separated list of positive FLOP counts, e.g. 1e15,1e16,1e17 (bad: ${bad.join(", ") || "empty"})`,
    });
    return z.NEVER;
  }
  return values;
});

const optionsSchema = z.object({
  out: z.string().min(1).optional(),
  budgets: budgetList.optional(),
  metric: z.string().min(1, "--metric must be a metric name, e.g. val/bpb"),
  resamples: z.coerce
    .number()
    .int("--resamples must be an integer")
    .min(0, "--resamples must be >= 0")
    .max(100_000, "--resamples must be <= 100000"),
  seed: z.coerce.number().int("--seed must be an integer").min(0, "--seed must be >= 0"),
  png: z.boolean(),
  json: z.boolean().optional(),
});
type ReportCommandOptions = z.input<typeof optionsSchema>;

/** A folder name from a sweep id (ids are cuids, but nothing stops a caller passing something odd). */
function defaultOutDir(sweepId: string): string {
  return `bytelab-report-${sweepId.replace(/[^A-Za-z0-9_-]+/g, "_").slice(0, 80)}`;
}

async function reportCommand(backend: Backend, sweepId: string, raw: ReportCommandOptions): Promise<number> {
  const parsed = optionsSchema.safeParse(raw);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join("; "));
  const opts = parsed.data;
  const report = await backend.sweepReport(sweepId, {
    metric: opts.metric,
    resamples: opts.resamples,
    seed: opts.seed,
    ...(opts.budgets ? { budgets: opts.budgets } : {}),
  });
  const { renderReportHtml, reportCharts } = await import("@bytelab/analysis/report");
  const outDir = resolve(opts.out ?? defaultOutDir(sweepId));
  mkdirSync(outDir, { recursive: true });
  const htmlPath = join(outDir, "report.html");
  writeFileSync(htmlPath, renderReportHtml(report));
  writeFileSync(join(outDir, "report.json"), `${JSON.stringify(report, null, 2)}\n`);
  const say = opts.json ? (line: string) => console.error(line) : (line: string) => console.log(line);
  if (opts.json) console.log(JSON.stringify(report, null, 2));
  say(`report: ${htmlPath}`);
  say(`  ${report.summary.runs} runs, architectures: ${report.summary.architectures.join(", ") || "none"}`);
  for (const a of report.scaling.architectures) {
    const fit = a.fit;
    say(
      fit
        ? `  ${a.architecture}: E=${fit.params.E.toFixed(3)} alpha=${fit.params.alpha.toFixed(3)} (${fit.data.points} runs)${fit.provisional ? " provisional" : ""}`
        : `  ${a.architecture}: no fit (${a.skipped})`,
    );
  }
  for (const w of report.warnings) say(`  note: ${w}`);

  if (opts.png) {
    const { renderChartsToPng } = await import("../report/png");
    const { chromiumPath } = await import("../report/chromium");
    const charts = reportCharts(report);
    const result = await renderChartsToPng(charts, outDir, chromiumPath());
    if ("skipped" in result)
      console.error(
        `bytelab report: PNG charts not written: ${result.skipped}. The HTML report was written.`,
      );
    else for (const path of result.written) say(`png: ${path}`);
  }
  return EXIT.ok;
}

/**
 * `bytelab report <sweepId>`: the sweep's analysis from the service (locally, or GET
 * /api/v1/sweeps/{id}/report with --api), written as DIR/report.html (self-contained, rendered here),
 * DIR/report.json (the same data) and, with --png, one PNG per chart rendered by headless Chromium.
 */
export function registerReportCommand(program: Command): void {
  program
    .command("report")
    .description(
      "write a self-contained HTML report (and PNG charts) of a sweep: scaling fits, comparisons, runs",
    )
    .argument("<sweepId>", "id of the sweep (see `bytelab sweep list`)")
    .option("--out <dir>", "output folder (default: ./bytelab-report-<sweepId>)")
    .option(
      "--budgets <flops>",
      "comma-separated training-FLOP budgets for the compute-matched table, e.g. 1e15,1e16",
    )
    .option("--metric <name>", "held-out metric for fits and comparisons", "val/bpb")
    .option("--resamples <n>", "bootstrap resamples per fit (0: no intervals)", "1000")
    .option("--seed <n>", "bootstrap seed", "0")
    .option("--png", "also render every chart to PNG with headless Chromium", false)
    .option("--json", "print the report's JSON (what report.json holds) on stdout; the files are written too")
    .addHelpText(
      "after",
      epilogue(`
Examples:
  npx bytelab report cmb1x2y3z0000abcd --budgets 1e15,1e16 --png
  npx bytelab --api http://ci-box:3000 report "$SWEEP_ID" --out report/   # a CI artifact

The analysis is the service's (the dashboard's scaling page shows the same numbers); the HTML is rendered
here, so a remote report needs no database. Chromium for --png: /usr/bin/chromium or BYTELAB_CHROMIUM.`),
    )
    .action(
      backendAction((backend, sweepId: string, raw: ReportCommandOptions) =>
        reportCommand(backend, sweepId, raw),
      ),
    );
}
