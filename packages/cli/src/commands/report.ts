import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { z } from "zod";

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
  databaseUrl: z.string().optional(),
  budgets: budgetList.optional(),
  metric: z.string().min(1, "--metric must be a metric name, e.g. val/bpb"),
  resamples: z.coerce
    .number()
    .int("--resamples must be an integer")
    .min(0, "--resamples must be >= 0")
    .max(100_000, "--resamples must be <= 100000"),
  seed: z.coerce.number().int("--seed must be an integer").min(0, "--seed must be >= 0"),
  png: z.boolean(),
});
type ReportCommandOptions = z.input<typeof optionsSchema>;

const envSchema = z.object({ BYTELAB_CHROMIUM: z.string().min(1).optional() });

/** A folder name from a sweep id (ids are cuids, but nothing stops a caller passing something odd). */
function defaultOutDir(sweepId: string): string {
  return `bytelab-report-${sweepId.replace(/[^A-Za-z0-9_-]+/g, "_").slice(0, 80)}`;
}

/**
 * `bytelab report <sweepId>`: reads a sweep, its runs and their metric series from Postgres, builds the report
 * (@bytelab/analysis/report) and writes DIR/report.html (self-contained), DIR/report.json (the same data) and,
 * with --png, one PNG per chart rendered by headless Chromium.
 */
export function registerReportCommand(program: Command): void {
  program
    .command("report")
    .description(
      "write a self-contained HTML report (and PNG charts) of a sweep: scaling fits, comparisons, runs",
    )
    .argument("<sweepId>", "id of the sweep (sweeps.id)")
    .option("--out <dir>", "output folder (default: ./bytelab-report-<sweepId>)")
    .option("--database-url <url>", "Postgres URL (default: DATABASE_URL)")
    .option(
      "--budgets <flops>",
      "comma-separated training-FLOP budgets for the compute-matched table, e.g. 1e15,1e16",
    )
    .option("--metric <name>", "held-out metric for fits and comparisons", "val/bpb")
    .option("--resamples <n>", "bootstrap resamples per fit (0: no intervals)", "1000")
    .option("--seed <n>", "bootstrap seed", "0")
    .option("--png", "also render every chart to PNG with headless Chromium", false)
    .action(async (sweepId: string, raw: ReportCommandOptions) => {
      const parsed = optionsSchema.safeParse(raw);
      if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join("; "));
      const opts = parsed.data;
      const env = envSchema.parse(process.env);
      const [{ buildSweepReport, renderReportHtml, reportCharts }, db, { loadSweepForReport }] =
        await Promise.all([
          import("@bytelab/analysis/report"),
          import("@bytelab/db"),
          import("../report/load-sweep"),
        ]);
      const databaseUrl = db.resolveDatabaseUrl(opts.databaseUrl);
      let input: Awaited<ReturnType<typeof loadSweepForReport>>;
      try {
        input = await loadSweepForReport(databaseUrl, sweepId, [opts.metric, "test/bpb", "train/bpb"]);
      } finally {
        await db.disconnectPrisma();
      }

      const report = buildSweepReport(input, {
        heldOutMetric: opts.metric,
        resamples: opts.resamples,
        seed: opts.seed,
        ...(opts.budgets ? { budgets: opts.budgets } : {}),
      });
      const outDir = resolve(opts.out ?? defaultOutDir(sweepId));
      mkdirSync(outDir, { recursive: true });
      const htmlPath = join(outDir, "report.html");
      writeFileSync(htmlPath, renderReportHtml(report));
      writeFileSync(join(outDir, "report.json"), `${JSON.stringify(report, null, 2)}\n`);
      console.log(`report: ${htmlPath}`);
      console.log(
        `  ${report.summary.runs} runs, architectures: ${report.summary.architectures.join(", ") || "none"}`,
      );
      for (const a of report.scaling.architectures) {
        const fit = a.fit;
        console.log(
          fit
            ? `  ${a.architecture}: E=${fit.params.E.toFixed(3)} alpha=${fit.params.alpha.toFixed(3)} (${fit.data.points} runs)${fit.provisional ? " provisional" : ""}`
            : `  ${a.architecture}: no fit (${a.skipped})`,
        );
      }
      for (const w of report.warnings) console.log(`  note: ${w}`);

      if (opts.png) {
        const { renderChartsToPng, DEFAULT_CHROMIUM } = await import("../report/png");
        const charts = reportCharts(report);
        const result = await renderChartsToPng(charts, outDir, env.BYTELAB_CHROMIUM ?? DEFAULT_CHROMIUM);
        if ("skipped" in result)
          console.error(
            `bytelab report: PNG charts not written: ${result.skipped}. The HTML report was written.`,
          );
        else for (const path of result.written) console.log(`png: ${path}`);
      }
    });
}
