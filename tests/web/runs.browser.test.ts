import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getPool } from "@bytelab/db";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@bytelab/db/testing";
import { type Chromium, launchChromium } from "./chromium";
import { chartsDrawn, legendOf, openPage, SHOTS_DIR, shoot, shown } from "./runs-pages";
import { ensureSeedWorker, type SeededSweep, seedSweep } from "./runs-seed";
import { ensureWebBuild, logPath, type RunningWeb, startWebApp } from "./web-app";

// The runs table and the run page as a person uses them: the production build against a database seeded with
// two sweeps (58 runs, learning curves, H-Net stage telemetry), in headless Chromium.

let db: TestDatabase;
let web: RunningWeb | undefined;
let browser: Chromium | undefined;
let logs: string;
let grid: SeededSweep;
const TOTAL = 18 + 40;

beforeAll(async () => {
  logs = mkdtempSync(join(tmpdir(), "bytelab-runs-browser-"));
  await ensureWebBuild(logPath(logs, "build"));
  db = await createTestDatabase("web_runs");
  const pool = getPool(db.url);
  const workerId = await ensureSeedWorker(db.prisma, "runs-browser-seed");
  const statuses = ["COMPLETED", "COMPLETED", "COMPLETED", "RUNNING", "FAILED", "COMPLETED"] as const;
  grid = await seedSweep(db.prisma, pool, {
    name: "lr-grid",
    architectures: ["hnet", "transformer"],
    lrs: [0.001, 0.003, 0.01],
    seeds: [0, 1, 2],
    steps: 400,
    evalEvery: 20,
    workerId,
    status: (i) => statuses[i % statuses.length]!,
  });
  // 40 more runs of other architectures: the table has two pages of 50.
  await seedSweep(db.prisma, pool, {
    name: "extra",
    architectures: ["megabyte", "hourglass"],
    lrs: [0.002, 0.004, 0.006, 0.008, 0.01],
    seeds: [0, 1, 2, 3],
    steps: 100,
    evalEvery: 25,
    workerId,
    rng: 7,
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
  console.log(`[runs.browser] screenshots in ${SHOTS_DIR}`);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await web?.stop();
  await db?.drop();
  rmSync(logs, { recursive: true, force: true });
});

const origin = () => web!.origin;
const open = (path: string, theme: "dark" | "light" = "dark", allowStatus?: number[]) =>
  openPage(browser!, origin(), path, theme, allowStatus ? { allowStatus } : {});

/** The shown text of every cell of one column (by its header's text) of the runs table. */
async function column(page: import("playwright-core").Page, header: string): Promise<string[]> {
  const headers = await page.locator("table.runs-table thead th").allInnerTexts();
  const index = headers.findIndex((h) => h.replace(/[▲▼]/g, "").trim() === header);
  expect(index, `column ${header} in ${headers.join(" | ")}`).toBeGreaterThanOrEqual(0);
  return page.locator(`table.runs-table tbody tr:not(.group-row) td:nth-child(${index + 1})`).allInnerTexts();
}

describe("runs table", () => {
  it("lists the runs in a real table, 50 a page, with every column; no console errors", async () => {
    const { page, status, problems } = await open("/runs");
    expect(status).toBe(200);
    await expect.poll(() => page.locator("table.runs-table tbody tr").count()).toBe(50);
    expect(await shown(page.locator(".runs-count"))).toBe(`Runs 1–50 of ${TOTAL}`);
    const headers = (await page.locator("table.runs-table thead th").allInnerTexts()).map((h) => h.trim());
    for (const h of [
      "Status",
      "Run",
      "Sweep",
      "Best val bpb",
      "Last val bpb",
      "Test bpb",
      "Params",
      "FLOPs per byte",
      "Bytes seen",
      "Throughput",
      "Worker · device",
      "Duration",
    ])
      expect(headers).toContain(h);
    // Every row checkbox is labelled with its run.
    const labels = await page
      .locator("table.runs-table tbody input[type=checkbox]")
      .evaluateAll((els) => els.map((e) => e.getAttribute("aria-label")));
    expect(labels.every((l) => l?.startsWith("Select run "))).toBe(true);
    for (const theme of ["dark", "light"] as const) {
      const v = theme === "dark" ? { page } : await open("/runs", theme);
      await shoot(v.page, "runs", theme);
      if (v.page !== page) await v.page.close();
    }
    expect(problems).toEqual([]);
    await page.close();
  });

  it("filters by status (URL holds the filter) and pages with the cursor", async () => {
    const { page, problems } = await open("/runs");
    await page.getByRole("checkbox", { name: "completed", exact: true }).check();
    await page.waitForURL(/status=COMPLETED/);
    await expect.poll(async () => [...new Set(await column(page, "Status"))]).toEqual(["COMPLETED"]);
    const completed = await db.prisma.run.count({ where: { status: "COMPLETED" } });
    await expect.poll(() => shown(page.locator(".runs-count"))).toContain(`of ${completed}`);
    await page.getByRole("link", { name: /Next page/ }).click();
    await page.waitForURL(/cursor=/);
    await expect.poll(() => shown(page.locator(".runs-count"))).toBe(`Runs 51–${completed} of ${completed}`);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("sorts on the server by best val bpb with the header button (mouse and keyboard)", async () => {
    const { page, problems } = await open("/runs?limit=100");
    await page.getByRole("button", { name: "Best val bpb" }).click();
    await page.waitForURL(/sort=bestValBpb&order=asc/);
    const th = page.locator("th", { has: page.getByRole("button", { name: "Best val bpb" }) });
    await expect.poll(() => th.getAttribute("aria-sort")).toBe("ascending");
    const values = (await column(page, "Best val bpb")).filter((v) => v !== "–").map(Number);
    expect(values.length).toBeGreaterThan(40);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    // Runs without a val/bpb (queued) come last.
    expect((await column(page, "Best val bpb")).at(-1)).toBe(
      (await column(page, "Best val bpb")).includes("–") ? "–" : values.at(-1)?.toFixed(4),
    );
    await page.getByRole("button", { name: "Best val bpb" }).focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(/sort=bestValBpb&order=desc/);
    await expect.poll(() => th.getAttribute("aria-sort")).toBe("descending");
    const desc = (await column(page, "Best val bpb")).filter((v) => v !== "–").map(Number);
    expect(desc).toEqual([...desc].sort((a, b) => b - a));
    expect(problems).toEqual([]);
    await page.close();
  });

  it("filters by a config key=value and by architecture", async () => {
    const { page, problems } = await open("/runs");
    await page.getByLabel("Config filter").fill("optimizer.lr=0.003");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/config=optimizer.lr%3D0.003/);
    await expect.poll(async () => (await column(page, "Run")).length).toBe(6);
    expect((await column(page, "Run")).every((n) => n.includes("-lr0.003-"))).toBe(true);
    await page.getByRole("checkbox", { name: "hnet", exact: true }).check();
    await page.waitForURL(/architecture=hnet/);
    await expect.poll(async () => (await column(page, "Run")).length).toBe(3);
    expect(await shown(page.getByRole("list", { name: "config filters" }))).toContain("optimizer.lr=0.003");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("groups the page's rows by a config key", async () => {
    const { page, problems } = await open(`/runs?sweep=${grid.sweepId}`);
    await page.getByLabel("Group by").selectOption("optimizer.lr");
    await page.waitForURL(/group=optimizer.lr/);
    const groups = page.locator("tr.group-row");
    await expect.poll(() => groups.count()).toBe(3);
    expect(await groups.allInnerTexts()).toEqual(
      expect.arrayContaining([
        expect.stringContaining("optimizer.lr = 0.001"),
        expect.stringContaining("6 runs"),
      ]),
    );
    for (const theme of ["dark", "light"] as const) {
      const v =
        theme === "dark" ? { page } : await open(`/runs?sweep=${grid.sweepId}&group=optimizer.lr`, theme);
      await shoot(v.page, "runs-grouped", theme);
      if (v.page !== page) await v.page.close();
    }
    expect(problems).toEqual([]);
    await page.close();
  });

  it("selects runs and opens them on the compare page", async () => {
    const { page, problems } = await open(`/runs?sweep=${grid.sweepId}&sort=name&order=asc`);
    const boxes = page.locator("table.runs-table tbody input[type=checkbox]");
    const names = (await column(page, "Run")).slice(0, 3);
    for (let i = 0; i < 3; i++) await boxes.nth(i).check();
    const compare = page.getByRole("link", { name: "Compare 3 runs" });
    await compare.click();
    await page.waitForURL(/\/compare\?runs=/);
    const ids = new URL(page.url()).searchParams.get("runs")!.split(",");
    expect(ids).toHaveLength(3);
    for (const id of ids) expect(grid.runIds).toContain(id);
    await chartsDrawn(page);
    await page.getByLabel("Group runs").selectOption("none");
    const legend = await legendOf(page, "val/bpb vs step");
    expect(legend.map((l) => l.name.split("/").at(-1)).sort()).toEqual(names.sort());
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe("run page", () => {
  it("shows a finished H-Net run: facts, curves, compression per stage, events, config with its varying keys", async () => {
    const run = await db.prisma.run.findFirstOrThrow({
      where: { sweepId: grid.sweepId, architecture: "hnet", status: "COMPLETED" },
      orderBy: { name: "asc" },
    });
    for (const theme of ["dark", "light"] as const) {
      const { page, status, problems } = await open(`/runs/${run.id}`, theme);
      expect(status).toBe(200);
      expect(await shown(page.getByRole("heading", { level: 1 }))).toBe(run.name.split("/").at(-1));
      await chartsDrawn(page);
      const curves = await legendOf(page, "Learning curves: train and val bits per byte");
      expect(curves.map((c) => c.name)).toEqual(["train/bpb", "val/bpb"]);
      // 400 train points: more than the 800 buckets? no: stored as they are; val every 20 steps.
      expect(curves[0]!.points).toBe(400);
      expect(curves[1]!.points).toBe(20);
      const stages = await legendOf(page, "H-Net compression ratio per stage (bytes per chunk)");
      expect(stages.map((s) => s.name)).toEqual(["stage 0"]);
      expect(await page.locator(".status-history li").count()).toBe(3);
      const varying = await page.locator(".config-varying").allInnerTexts();
      expect(varying.join(" ")).toContain('"lr"');
      expect(varying.join(" ")).toContain('"seed"');
      expect(await page.getByRole("button", { name: "Show chunk boundaries" }).isVisible()).toBe(true);
      await page.getByRole("button", { name: "Show chunk boundaries" }).click();
      await expect.poll(() => shown(page.locator(".run-boundaries"))).toContain("no checkpoint yet");
      await shoot(page, "run-hnet", theme);
      expect(problems).toEqual([]);
      await page.close();
    }
  });

  it("shows a failed run's error and offers re-run behind a confirmation", async () => {
    const run = await db.prisma.run.findFirstOrThrow({ where: { sweepId: grid.sweepId, status: "FAILED" } });
    const { page, problems } = await open(`/runs/${run.id}`);
    await chartsDrawn(page);
    expect(await shown(page.getByRole("region", { name: "error" }))).toContain("seeded failure");
    await page.getByRole("button", { name: "Re-run" }).click();
    const dialog = page.getByRole("dialog", { name: "Re-run this run?" });
    expect(await dialog.isVisible()).toBe(true);
    await dialog.getByRole("button", { name: "Keep it" }).click();
    expect(await dialog.isVisible()).toBe(false);
    await shoot(page, "run-failed", "dark");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("a run id that does not exist: 404 page that says so and links to /runs", async () => {
    for (const theme of ["dark", "light"] as const) {
      const { page, status, problems } = await open("/runs/no-such-run", theme, [404]);
      expect(status).toBe(404);
      expect(await shown(page.getByRole("heading", { level: 1 }))).toBe("Run not found");
      expect(await shown(page.locator("main"))).toContain("no-such-run");
      expect(await page.getByRole("link", { name: "Back to all runs" }).getAttribute("href")).toBe("/runs");
      await shoot(page, "run-not-found", theme);
      expect(problems).toEqual([]);
      await page.close();
    }
  });
});
