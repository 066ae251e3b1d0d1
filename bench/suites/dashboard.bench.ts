import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { Page } from "playwright-core";
import { createPrismaClient, migrate } from "../../packages/db/src";
import { listRuns, querySeries } from "../../packages/service/src";
import { startEmbeddedPostgres } from "../../scripts/services/embedded-postgres";
import { freePort } from "../../scripts/services/free-port";
import { startRedisServer } from "../../scripts/services/redis-server";
import { launchChromium } from "../../tests/web/chromium";
import { ensureSeedWorker, seedSweep } from "../../tests/web/runs-seed";
import { ensureWebBuild, startWebApp } from "../../tests/web/web-app";
import type { BenchReport, BenchSuite } from "../lib";

// The dashboard as a person feels it, on the production build (`next start`) in headless Chromium:
// - the compare page with 100 runs x 100,000 val/bpb points each (10M points in Postgres): time from navigation
//   to the chart drawn with all 100 lines (the series come from GET /api/v1/series: downsampled on the server
//   to 500 buckets per line on one shared grid), and the series query's own time (service call and HTTP);
// - the runs table with 10,000 runs sorted by best val bpb (metric_stats): page load time, and listRuns.
// The suite seeds its own throwaway Postgres (embedded) and starts its own redis-server.

const COMPARE_RUNS = 100;
const POINTS_PER_RUN = 100_000;
const TABLE_RUNS = 10_000;
const PAGE_LOADS = 5;
const QUERY_REPEATS = 7;

const median = (values: number[]) => {
  const s = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const max = (v: number[]) => (v.some((x) => !Number.isFinite(x)) ? Number.NaN : Math.max(...v));

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const out = await fn();
  return [out, performance.now() - t0];
}

/**
 * Opens `url` in a fresh tab and returns ms from navigation start (performance.timeOrigin) until `ready`
 * holds in the page, measured by the page's own clock.
 */
async function pageLoad(
  newPage: () => Promise<Page>,
  url: string,
  ready: string,
  problems: string[],
): Promise<number> {
  const page = await newPage();
  page.on("pageerror", (e) => problems.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(m.text());
  });
  try {
    await page.goto(url, { waitUntil: "commit", timeout: 60_000 });
    const handle = await page.waitForFunction(
      `(() => { if (!(${ready})) return false; return performance.now(); })()`,
      undefined,
      { timeout: 60_000, polling: "raf" },
    );
    return Number(await handle.jsonValue());
  } catch (error) {
    // One failed load (e.g. a rebuild of the shared .next under the server) must not lose the whole run.
    problems.push(
      `${url.slice(0, 80)}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
    );
    return Number.NaN;
  } finally {
    await page.close();
  }
}

/**
 * `next start` on a fresh production build that serves `paths` (HTTP 200). apps/web/.next is shared with
 * anyone building on this machine: when a rebuild replaces the chunks under the server (ChunkLoadError),
 * wait for that build and start again.
 */
async function startStableWeb(databaseUrl: string, redisUrl: string, logs: string, paths: string[]) {
  for (let attempt = 1; ; attempt++) {
    const build = await ensureWebBuild(join(logs, `build-${attempt}.log`), 900_000);
    console.log(`  web build ${build.action} (${build.seconds.toFixed(0)} s)`);
    const web = await startWebApp({
      databaseUrl,
      redisUrl,
      workerPid: null,
      logFile: join(logs, `web-${attempt}.log`),
    });
    const statuses = await Promise.all(
      paths.map(
        async (p) =>
          (await fetch(`${web.origin}${p}`).then((r) => r.arrayBuffer().then(() => r.status))) as number,
      ),
    );
    if (statuses.every((s) => s === 200)) return web;
    await web.stop();
    if (attempt >= 3) throw new Error(`the web app answered ${statuses.join(", ")} for ${paths.join(", ")}`);
    console.log(`  the web app answered ${statuses.join(", ")} (a build replaced it?): starting again`);
  }
}

const suite: BenchSuite = {
  name: "dashboard",
  description: `dashboard pages in headless Chromium: compare ${COMPARE_RUNS} runs x ${POINTS_PER_RUN.toLocaleString()} points, runs table of ${TABLE_RUNS.toLocaleString()} runs`,
  async run(): Promise<BenchReport> {
    const dir = mkdtempSync(join(tmpdir(), "bytelab-bench-dashboard-"));
    chmodSync(dir, 0o755);
    const server = await startEmbeddedPostgres({
      dataDir: join(dir, "pg"),
      port: await freePort(),
      persistent: false,
    });
    const redis = await startRedisServer({ port: await freePort(), dataDir: null });
    const admin = new pg.Client({ connectionString: server.adminUrl });
    await admin.connect();
    await admin.query("CREATE DATABASE bench_dashboard");
    await admin.end();
    const url = server.urlFor("bench_dashboard");
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    pool.on("error", (e) => console.error(`bench pool: ${e.message}`));
    const prisma = createPrismaClient(url);
    const cleanups: Array<() => Promise<unknown>> = [];
    try {
      await migrate(url);
      const workerId = await ensureSeedWorker(prisma, "bench-dashboard");
      console.log(`  seeding ${COMPARE_RUNS} runs x ${POINTS_PER_RUN.toLocaleString()} val/bpb points...`);
      const [compare, seedSeconds] = await timed(() =>
        seedSweep(prisma, pool, {
          name: "compare-100",
          architectures: ["transformer", "hourglass", "hnet", "megabyte"],
          lrs: [0.0005, 0.001, 0.002, 0.004, 0.008],
          seeds: [0, 1, 2, 3, 4],
          steps: POINTS_PER_RUN,
          trainEvery: POINTS_PER_RUN, // one train point: the compared metric is val/bpb
          evalEvery: 1,
          extraMetrics: false,
          workerId,
          batch: 100_000,
        }),
      );
      console.log(`  ${compare.points.toLocaleString()} points in ${(seedSeconds / 1000).toFixed(0)} s`);
      console.log(`  seeding ${TABLE_RUNS.toLocaleString()} runs for the runs table...`);
      const lrs = Array.from({ length: 50 }, (_, i) => Number((1e-4 * 1.1 ** i).toPrecision(4)));
      const table = await seedSweep(prisma, pool, {
        name: "table-10k",
        architectures: ["transformer", "hourglass", "hnet", "megabyte"],
        lrs,
        seeds: Array.from({ length: 50 }, (_, i) => i),
        steps: 50,
        trainEvery: 10,
        evalEvery: 10,
        extraMetrics: false,
        workerId,
        rng: 5,
      });
      await pool.query("VACUUM ANALYZE");
      const runCount = Number((await pool.query("SELECT count(*) AS n FROM runs")).rows[0].n);
      const pointCount = Number((await pool.query("SELECT sum(count) AS n FROM metric_stats")).rows[0].n);

      const logs = mkdtempSync(join(tmpdir(), "bytelab-bench-dashboard-logs-"));
      cleanups.push(async () => rmSync(logs, { recursive: true, force: true }));
      const web = await startStableWeb(url, redis.url, logs, [
        `/compare?runs=${compare.runIds.slice(0, 2).join(",")}`,
        "/runs",
      ]);
      cleanups.push(() => web.stop());
      const browser = await launchChromium();
      cleanups.push(() => browser.close());
      const newPage = () => browser.context.newPage();

      // The series query: service call (the database work) and the HTTP route (plus JSON), warm.
      const ids = compare.runIds;
      const seriesQuery = { runs: ids, metrics: ["val/bpb"], x: "step" as const, points: 500 };
      const service: number[] = [];
      let drawn = 0;
      for (let i = 0; i < QUERY_REPEATS; i++) {
        const [answer, ms] = await timed(() => querySeries(pool, seriesQuery));
        service.push(ms);
        drawn = answer.series.reduce((n, s) => n + s.x.length, 0);
      }
      const serviceLog: number[] = [];
      for (let i = 0; i < QUERY_REPEATS; i++)
        serviceLog.push(
          (await timed(() => querySeries(pool, { ...seriesQuery, x: "flops", scale: "log" })))[1],
        );
      const http: number[] = [];
      let bytes = 0;
      const seriesUrl = `${web.origin}/api/v1/series?runs=${ids.join(",")}&metrics=val/bpb&x=step&scale=linear&points=500`;
      for (let i = 0; i < QUERY_REPEATS; i++) {
        const [body, ms] = await timed(async () => (await fetch(seriesUrl)).text());
        http.push(ms);
        bytes = body.length;
      }

      // The compare page: navigation -> all 100 lines drawn.
      const problems: string[] = [];
      const linesDrawn = `document.querySelectorAll('[data-chart="lines"] path.recharts-line-curve').length >= ${COMPARE_RUNS}`;
      const compareUrl = `${web.origin}/compare?runs=${ids.join(",")}&group=none`;
      const cold = await pageLoad(newPage, compareUrl, linesDrawn, problems);
      const compareLoads: number[] = [];
      for (let i = 0; i < PAGE_LOADS; i++)
        compareLoads.push(await pageLoad(newPage, compareUrl, linesDrawn, problems));
      // Grouped over seeds (the default view): 20 mean lines with min-max bands from the same 100 runs.
      const groupedDrawn = `document.querySelectorAll('[data-chart="lines"] path.recharts-line-curve').length >= 20`;
      const grouped: number[] = [];
      for (let i = 0; i < PAGE_LOADS; i++)
        grouped.push(
          await pageLoad(newPage, `${web.origin}/compare?runs=${ids.join(",")}`, groupedDrawn, problems),
        );
      // FLOPs on a log x-axis (log-spaced buckets: points where buckets are narrow, rollups where they are wide).
      const logLoads: number[] = [];
      for (let i = 0; i < PAGE_LOADS; i++)
        logLoads.push(await pageLoad(newPage, `${compareUrl}&x=flops&xscale=log`, linesDrawn, problems));

      // The runs table at 10,000 runs, sorted by best val bpb.
      const tableQuery = { sort: "bestValBpb" as const, order: "asc" as const, limit: 50 };
      const listMs: number[] = [];
      let total = 0;
      for (let i = 0; i < QUERY_REPEATS; i++) {
        const [list, ms] = await timed(() => listRuns(pool, tableQuery));
        listMs.push(ms);
        total = list.total;
      }
      const rowsShown = `document.querySelectorAll('table.runs-table tbody tr').length >= 50`;
      const tableLoads: number[] = [];
      for (let i = 0; i < PAGE_LOADS; i++)
        tableLoads.push(
          await pageLoad(newPage, `${web.origin}/runs?sort=bestValBpb&order=asc`, rowsShown, problems),
        );
      const filtered: number[] = [];
      for (let i = 0; i < PAGE_LOADS; i++)
        filtered.push(
          await pageLoad(
            newPage,
            `${web.origin}/runs?sweep=${table.sweepId}&architecture=hnet&sort=bestValBpb&order=asc&limit=200`,
            `document.querySelectorAll('table.runs-table tbody tr').length >= 200`,
            problems,
          ),
        );
      if (problems.length)
        console.log(`  browser problems: ${[...new Set(problems)].slice(0, 5).join(" | ")}`);

      const ok = (ms: number, target: number) => (ms <= target ? "yes" : "NO");
      const rows: Array<Array<string | number>> = [
        ["compare page, 100 runs, navigation -> 100 lines drawn (cold)", cold, cold, "2,000", ok(cold, 2000)],
        [
          "compare page, 100 runs (warm)",
          median(compareLoads),
          max(compareLoads),
          "2,000",
          ok(median(compareLoads), 2000),
        ],
        [
          "compare page, 100 runs grouped (20 means + bands)",
          median(grouped),
          max(grouped),
          "2,000",
          ok(median(grouped), 2000),
        ],
        [
          "compare page, 100 runs, x = FLOPs (log)",
          median(logLoads),
          max(logLoads),
          "2,000",
          ok(median(logLoads), 2000),
        ],
        [
          "series query, 100 runs, step (service)",
          median(service),
          max(service),
          "300",
          ok(median(service), 300),
        ],
        [
          "series query, 100 runs, FLOPs log (service)",
          median(serviceLog),
          max(serviceLog),
          "300",
          ok(median(serviceLog), 300),
        ],
        ["GET /api/v1/series, 100 runs (HTTP + JSON)", median(http), max(http), "–", "–"],
        ["runs table, 10k runs by best val bpb: listRuns", median(listMs), max(listMs), "–", "–"],
        [
          "runs table page, 10k runs by best val bpb (50 rows)",
          median(tableLoads),
          max(tableLoads),
          "2,000",
          ok(median(tableLoads), 2000),
        ],
        [
          "runs table page, filtered + sorted (200 rows)",
          median(filtered),
          max(filtered),
          "2,000",
          ok(median(filtered), 2000),
        ],
      ];
      return {
        title: `Dashboard (${runCount.toLocaleString()} runs, ${pointCount.toLocaleString()} points in Postgres; ms)`,
        columns: ["measurement", "median ms", "max ms", "target ms", "meets"],
        rows,
        summary: [
          `compare: ${COMPARE_RUNS} lines x up to 500 buckets = ${drawn.toLocaleString()} points drawn of ${(COMPARE_RUNS * POINTS_PER_RUN).toLocaleString()} stored (min/max kept per bucket); series answer ${(bytes / 1e6).toFixed(1)} MB of JSON`,
          "peers sample to 320-1,000 points per line and slow down past 100 runs; here every line keeps 500 buckets on one shared grid and 100 runs draw in one chart",
          `runs table: ${total.toLocaleString()} runs matching, keyset pages of 50 sorted by best val/bpb from metric_stats`,
          `page times are the page's own clock from navigation start to the lines / rows in the DOM (${PAGE_LOADS} loads each, fresh tab)`,
        ],
        data: {
          compareRuns: COMPARE_RUNS,
          pointsPerRun: POINTS_PER_RUN,
          pointsDrawn: drawn,
          seriesBytes: bytes,
          seedSeconds: seedSeconds / 1000,
          compareColdMs: cold,
          compareMs: compareLoads,
          compareGroupedMs: grouped,
          compareLogMs: logLoads,
          seriesServiceMs: service,
          seriesServiceLogMs: serviceLog,
          seriesHttpMs: http,
          listRunsMs: listMs,
          runsTableMs: tableLoads,
          runsTableFilteredMs: filtered,
          browserProblems: [...new Set(problems)],
        },
      };
    } finally {
      for (const c of cleanups.reverse()) await c().catch(() => undefined);
      await pool.end();
      await prisma.$disconnect();
      await redis.stop();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default suite;
