import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SweepReport } from "@bytelab/analysis/report";
import { createServiceContext, type OwnedServiceContext, sweepReport } from "@bytelab/service";
import type { Locator } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@bytelab/db/testing";
import { type Chromium, launchChromium } from "./chromium";
import { LADDER_BUDGETS, LADDER_SIZES, type SeededLadder, seedLadder } from "./sweeps-ladder-seed";
import { openPage, shootBothThemes, text } from "./sweeps-pages";
import { ensureWebBuild, logPath, type RunningWeb, startWebApp } from "./web-app";

// The scaling page on a finished ladder (seeded: 2 architectures x 3 sizes x 3 FLOP budgets): fitted laws with
// bootstrap bands and the extrapolation, crossings, iso-FLOP curves per architecture, the compute-matched and
// seed tables; the numbers those of sweepReport (what `bytelab report` prints) to the digit.

let db: TestDatabase;
let web: RunningWeb | undefined;
let browser: Chromium | undefined;
let ctx: OwnedServiceContext | undefined;
let logs: string;
let ladder: SeededLadder;
let report: SweepReport;

beforeAll(async () => {
  logs = mkdtempSync(join(tmpdir(), "bytelab-scaling-logs-"));
  await ensureWebBuild(logPath(logs, "build"));
  db = await createTestDatabase("web_scaling");
  ladder = await seedLadder(db.prisma, db.url, "seeded-ladder");
  ctx = createServiceContext({ databaseUrl: db.url, redisUrl: inject("redisUrl") });
  report = await sweepReport(ctx, ladder.sweepId);
  const [app, chromium] = await Promise.all([
    startWebApp({
      databaseUrl: db.url,
      redisUrl: inject("redisUrl"),
      workerPid: null,
      logFile: logPath(logs, "web"),
    }),
    launchChromium(),
  ]);
  web = app;
  browser = chromium;
}, 360_000);

afterAll(async () => {
  await browser?.close();
  await web?.stop();
  await ctx?.close();
  await db?.drop();
  rmSync(logs, { recursive: true, force: true });
});

type Entry = [name: string | null, points: number];
const entriesOf = (figure: Locator) =>
  figure
    .locator("li[data-series]")
    .evaluateAll((els) =>
      els.map((e) => [e.getAttribute("data-series"), Number(e.getAttribute("data-points"))]),
    )
    .then((x) => x as Entry[]);

describe("scaling page of a ladder", () => {
  it("draws each architecture's runs and fitted law with its band, extrapolation and crossings", async () => {
    expect(report.scaling.architectures.every((a) => a.fit !== null)).toBe(true);
    const visit = await openPage(browser!, web!.origin, `/sweeps/${ladder.sweepId}/scaling`);
    const { page } = visit;
    const chart = page.getByRole("figure", { name: "Scaling: final val/bpb vs training FLOPs" });
    await chart.locator(".recharts-surface").first().waitFor();
    const entries = await entriesOf(chart);
    for (const arch of report.scaling.architectures) {
      const fit = arch.fit!;
      const main = entries.find(([n]) => n?.startsWith(`${arch.architecture}: L(C) = `));
      expect(main, arch.architecture).toBeDefined();
      // The law in the legend, with the report's rounding; every run of the architecture a point.
      expect(main![0]).toContain(`${fit.params.E.toFixed(3)} + `);
      expect(main![0]).toContain(`C^-${fit.params.alpha.toFixed(3)}`);
      expect(main![1]).toBe(arch.points.filter((p) => p.used).length);
      expect(main![1]).toBe(LADDER_SIZES.length * LADDER_BUDGETS.length);
      if (fit.band.some((b) => b.extrapolated))
        expect(entries.map(([n]) => n)).toContain(`${arch.architecture}: extrapolated`);
    }
    // A band is drawn per fit (bootstrap intervals), and one marker per crossing.
    expect(await chart.locator(".recharts-area").count()).toBeGreaterThanOrEqual(
      report.scaling.architectures.length,
    );
    const crossings = report.scaling.crossings.reduce((n, c) => n + c.crossings.length, 0);
    expect(await chart.locator(".recharts-reference-line").count()).toBe(crossings);

    // The fit table: E, A, α as the report has them.
    for (const arch of report.scaling.architectures) {
      const row = page.locator(`table.fit-table tr[data-architecture="${arch.architecture}"]`);
      const cells = await text(row);
      expect(cells).toContain(arch.fit!.params.E.toFixed(3));
      expect(cells).toContain(arch.fit!.params.alpha.toFixed(3));
    }
    expect(visit.problems).toEqual([]);
    await page.close();
  });

  it("draws iso-FLOP curves per architecture: one line per budget through its sizes, and the parabola", async () => {
    const visit = await openPage(browser!, web!.origin, `/sweeps/${ladder.sweepId}/scaling`);
    const { page } = visit;
    for (const arch of ladder.architectures) {
      const chart = page.getByRole("figure", { name: `Iso-FLOP curves: ${arch}` });
      await chart.locator(".recharts-surface").first().waitFor();
      const entries = await entriesOf(chart);
      const runs = entries.filter(([n]) => /^[\d.]+e\d+ FLOPs$/.test(n ?? ""));
      expect(runs.map(([n]) => n)).toEqual(
        LADDER_BUDGETS.map((b) => `${b.toExponential(2).replace("e+", "e")} FLOPs`),
      );
      for (const [, points] of runs) expect(points).toBe(LADDER_SIZES.length);
      // Three sizes per budget: a parabola each (the seeded law has its optimum inside the sizes).
      expect(entries.filter(([n]) => /parabola \(optimum/.test(n ?? ""))).toHaveLength(LADDER_BUDGETS.length);
    }
    expect(await page.locator("table.matched-table tbody tr").count()).toBe(report.comparison.rows.length);
    expect(await page.locator("table.seeds-table tbody tr").count()).toBe(report.seeds.groups.length);
    expect(visit.problems).toEqual([]);
    await page.close();
  });

  it("renders in both themes (screenshots), and the sweep page of the ladder too", async () => {
    const problems = [
      ...(await shootBothThemes(
        browser!,
        web!.origin,
        `/sweeps/${ladder.sweepId}/scaling`,
        "scaling-ladder",
        (p) => p.locator(".recharts-surface").first().waitFor(),
      )),
      ...(await shootBothThemes(browser!, web!.origin, `/sweeps/${ladder.sweepId}`, "sweep-ladder")),
    ];
    expect(problems).toEqual([]);
  }, 120_000);
});
