import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getPool } from "@bytelab/db";
import type { SeriesResponse } from "@bytelab/service/schemas";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@bytelab/db/testing";
import { type Chromium, launchChromium } from "./chromium";
import { chartsDrawn, legendOf, openPage, SHOTS_DIR, shoot, shown } from "./runs-pages";
import { ensureSeedWorker, type SeededSweep, seedSweep } from "./runs-seed";
import { ensureWebBuild, logPath, type RunningWeb, startWebApp } from "./web-app";

// The compare page in headless Chromium against the production build: 12 runs (2 architectures x 2 learning
// rates x 3 seeds, val/bpb long enough to be downsampled) and a sweep of 100 runs.

let db: TestDatabase;
let web: RunningWeb | undefined;
let browser: Chromium | undefined;
let logs: string;
let small: SeededSweep;
let wide: SeededSweep;

beforeAll(async () => {
  logs = mkdtempSync(join(tmpdir(), "bytelab-compare-browser-"));
  await ensureWebBuild(logPath(logs, "build"));
  db = await createTestDatabase("web_compare");
  const pool = getPool(db.url);
  const workerId = await ensureSeedWorker(db.prisma, "compare-browser-seed");
  small = await seedSweep(db.prisma, pool, {
    name: "cmp",
    architectures: ["hnet", "transformer"],
    lrs: [0.001, 0.003],
    seeds: [0, 1, 2],
    steps: 1500,
    trainEvery: 5,
    evalEvery: 2, // 750 val/bpb points per run: more than the 500 buckets, so the chart is downsampled
    workerId,
  });
  wide = await seedSweep(db.prisma, pool, {
    name: "wide",
    architectures: ["transformer", "hourglass", "hnet", "megabyte"],
    lrs: [0.0005, 0.001, 0.002, 0.004, 0.008],
    seeds: [0, 1, 2, 3, 4],
    steps: 200,
    trainEvery: 10,
    evalEvery: 10,
    extraMetrics: false,
    workerId,
    rng: 3,
  });
  const started = await Promise.allSettled([
    startWebApp({
      databaseUrl: db.url,
      redisUrl: inject("redisUrl"),
      workerPid: null,
      logFile: logPath(logs, "web"),
    }).then((w) => {
      web = w;
    }),
    launchChromium().then((b) => {
      browser = b;
    }),
  ]);
  for (const s of started) if (s.status === "rejected") throw s.reason;
  console.log(`[compare.browser] screenshots in ${SHOTS_DIR}`);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await web?.stop();
  await db?.drop();
  rmSync(logs, { recursive: true, force: true });
});

const open = (path: string, theme: "dark" | "light" = "dark") => openPage(browser!, web!.origin, path, theme);
const TITLE = "val/bpb vs step";

async function series(query: string): Promise<SeriesResponse> {
  const response = await fetch(`${web!.origin}/api/v1/series?${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as SeriesResponse;
}

async function runNames(ids: readonly string[]): Promise<Map<string, string>> {
  const runs = await db.prisma.run.findMany({
    where: { id: { in: [...ids] } },
    select: { id: true, name: true },
  });
  return new Map(runs.map((r) => [r.id, r.name]));
}

/** Downloads what clicking `button` saves; its suggested file name and bytes. */
async function download(page: Page, button: string): Promise<{ name: string; bytes: Buffer }> {
  const [file] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: button }).click(),
  ]);
  const path = await file.path();
  return { name: file.suggestedFilename(), bytes: readFileSync(path) };
}

describe("compare page", () => {
  it("one line per run: names in the legend and point counts exactly as the series API sends them", async () => {
    const ids = small.runIds;
    const { page, problems } = await open(`/compare?runs=${ids.join(",")}&group=none`);
    await chartsDrawn(page);
    const legend = await legendOf(page, TITLE);
    const names = await runNames(ids);
    expect(legend.map((l) => l.name)).toEqual(ids.map((id) => names.get(id)));
    const api = await series(`runs=${ids.join(",")}&metrics=val/bpb&x=step&scale=linear&points=500`);
    const points = new Map(api.series.map((s) => [names.get(s.runId), s.y.filter((y) => y !== null).length]));
    for (const l of legend) expect(l.points, l.name).toBe(points.get(l.name));
    expect(api.series.every((s) => s.downsampled && s.stored === 750)).toBe(true);
    expect(await page.locator('[data-chart="lines"] path.recharts-line-curve').count()).toBe(12);
    expect(await shown(page.getByRole("figure", { name: TITLE }))).toMatch(
      /downsampled on the server: [\d,]+ of 9,000 stored points/,
    );
    await shoot(page, "compare-runs", "dark");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("groups replicates (every key but seed): mean lines with N=3 in the legend, min-max or stderr band", async () => {
    for (const theme of ["dark", "light"] as const) {
      const { page, problems } = await open(`/compare?runs=${small.runIds.join(",")}`, theme);
      await chartsDrawn(page);
      const legend = await legendOf(page, TITLE);
      expect(legend.map((l) => [l.name, l.n])).toEqual([
        ["hnet, optimizer.lr=0.001", 3],
        ["hnet, optimizer.lr=0.003", 3],
        ["transformer, optimizer.lr=0.001", 3],
        ["transformer, optimizer.lr=0.003", 3],
      ]);
      expect(
        await page.getByRole("figure", { name: TITLE }).locator(".chart-legend-n").allInnerTexts(),
      ).toEqual(["N=3", "N=3", "N=3", "N=3"]);
      // Four bands (min-max) behind the four means.
      expect(await page.locator('[data-chart="lines"] path.recharts-area-area').count()).toBe(4);
      await page.getByLabel("Band").selectOption("stderr");
      await page.waitForURL(/band=stderr/);
      await shoot(page, "compare-groups", theme);
      expect(problems).toEqual([]);
      await page.close();
    }
  });

  it("keeps x-axis, scales and smoothing in the URL: the link reopens the same view", async () => {
    const { page, problems } = await open(`/compare?runs=${small.runIds.join(",")}`);
    await chartsDrawn(page);
    await page.getByLabel("x-axis").selectOption("flops");
    await page.getByLabel("x scale").selectOption("log");
    await page.getByLabel("y scale").selectOption("log");
    await page.getByLabel(/Smoothing \(EMA\)/).fill("0.8");
    await page.waitForURL(/x=flops&xscale=log&yscale=log&smooth=0.8/);
    await chartsDrawn(page);
    expect(await page.getByRole("figure", { name: "val/bpb vs training FLOPs" }).isVisible()).toBe(true);
    const again = await open(new URL(page.url()).pathname + new URL(page.url()).search);
    expect(await again.page.getByLabel("x-axis").inputValue()).toBe("flops");
    expect(await again.page.getByLabel("x scale").inputValue()).toBe("log");
    await chartsDrawn(again.page);
    expect((await legendOf(again.page, "val/bpb vs training FLOPs")).length).toBe(4);
    expect(problems).toEqual([]);
    expect(again.problems).toEqual([]);
    await page.close();
    await again.page.close();
  });

  it("exports the chart as PNG and SVG and its data as CSV (header and one row per drawn point)", async () => {
    const { page, problems } = await open(`/compare?runs=${small.runIds.join(",")}&group=none`);
    await chartsDrawn(page);
    const legend = await legendOf(page, TITLE);
    const png = await download(page, `Download ${TITLE} as PNG`);
    expect(png.name).toBe("compare-val-bpb-step.png");
    expect(png.bytes.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
    expect(png.bytes.length).toBeGreaterThan(10_000);
    const svg = await download(page, `Download ${TITLE} as SVG`);
    const svgText = svg.bytes.toString("utf8");
    expect(svgText.startsWith("<svg")).toBe(true);
    expect(svgText).toContain(TITLE);
    expect(svgText.match(/recharts-line-curve/g)?.length).toBe(12);
    expect(svgText).not.toContain("var(--"); // colours resolved: the file stands alone
    const csv = await download(page, `Download the data of ${TITLE} as CSV`);
    const lines = csv.bytes.toString("utf8").trimEnd().split("\n");
    expect(lines[0]).toBe("series,id,step,val/bpb,lo,hi,runs");
    expect(lines.length - 1).toBe(legend.reduce((n, l) => n + l.points, 0));
    expect(problems).toEqual([]);
    await page.close();
  });

  it("draws 100 runs on one chart (a whole sweep by its id)", async () => {
    for (const theme of ["dark", "light"] as const) {
      const t0 = performance.now();
      const { page, problems } = await open(`/compare?sweep=${wide.sweepId}&group=none`, theme);
      await chartsDrawn(page, 60_000);
      const ms = performance.now() - t0;
      expect(await page.locator('[data-chart="lines"] path.recharts-line-curve').count()).toBe(100);
      const legend = await legendOf(page, TITLE);
      expect(legend).toHaveLength(100);
      expect(legend.every((l) => l.points === 20)).toBe(true);
      console.log(`[compare.browser] 100 runs drawn in ${ms.toFixed(0)} ms (${theme})`);
      await shoot(page, "compare-100-runs", theme);
      expect(problems).toEqual([]);
      await page.close();
    }
  });

  it("hyperparameter view and parallel coordinates across the varied keys", async () => {
    const { page, problems } = await open(`/compare?runs=${small.runIds.join(",")}`);
    await chartsDrawn(page);
    const hp = page.getByRole("figure", { name: "best val/bpb vs optimizer.lr" });
    await hp.waitFor();
    expect(await hp.locator(".recharts-scatter-symbol").count()).toBe(12);
    const parallel = page.getByRole("figure", {
      name: /^Parallel coordinates: \d+ varied keys? and best val\/bpb$/,
    });
    expect(await parallel.locator("path.recharts-line-curve").count()).toBe(12);
    await page.getByLabel("Hyperparameter key").selectOption("architecture");
    await page.waitForURL(/hp=architecture/);
    expect(await page.getByRole("figure", { name: "best val/bpb vs architecture" }).isVisible()).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("without runs: says how to pick some and offers the sweeps", async () => {
    for (const theme of ["dark", "light"] as const) {
      const { page, status, problems } = await open("/compare", theme);
      expect(status).toBe(200);
      expect(await shown(page.locator("main"))).toContain("Nothing to compare yet");
      expect(await page.getByRole("link", { name: "wide" }).getAttribute("href")).toBe(
        `/compare?sweep=${wide.sweepId}`,
      );
      await shoot(page, "compare-empty", theme);
      expect(problems).toEqual([]);
      await page.close();
    }
  });
});
