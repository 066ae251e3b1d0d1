import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServiceContext, type OwnedServiceContext, submitSweep } from "@bytelab/service";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@bytelab/db/testing";
import { fastWorkerEnv, startWorkerProcess, type WorkerProcess } from "../reliability/helpers/worker-process";
import { type Chromium, launchChromium } from "./chromium";
import { chartsDrawn, legendOf, openPage, SHOTS_DIR, shoot, shown } from "./runs-pages";
import { ensureWebBuild, logPath, type RunningWeb, startWebApp } from "./web-app";

// A run page while the run trains: a real trainer worker process (its own queue), a tiny sweep submitted
// through the service (an H-Net and a Transformer, 200 steps each, eval every 20, checkpoints every 50), the
// production build in headless Chromium. The page's curve must grow without a reload, then show COMPLETED;
// the H-Net run's chunk boundaries come from its last checkpoint.

const STEPS = 200;
const TITLE = "Learning curves: train and val bits per byte";
let db: TestDatabase;
let web: RunningWeb | undefined;
let browser: Chromium | undefined;
let worker: WorkerProcess | undefined;
let ctx: OwnedServiceContext;
let logs: string;
let home: string;
let runIds: string[] = [];

const spec = (name: string) => ({
  name,
  base: {
    dataset: "brown",
    seqLen: 64,
    batchSize: 4,
    logInterval: 1,
    eval: { interval: 20, windows: 2, testWindows: 2, batchSize: 2, robustness: { rates: [] } },
    checkpoint: { interval: 50, keep: 2 },
  },
  architectures: [
    {
      architecture: "hnet",
      model: {
        arch_layout: ["T1", ["T1"], "T1"],
        d_model: [16, 24],
        d_intermediate: [32, 48],
        attn_cfg: { num_heads: [2, 2], rotary_emb_dim: [8, 8], window_size: [-1, -1] },
      },
    },
    { architecture: "transformer", model: { n_layer: 1, n_head: 2, n_embd: 16, block_size: 64 } },
  ],
  seeds: [0],
  budget: { steps: STEPS },
});

beforeAll(async () => {
  logs = mkdtempSync(join(tmpdir(), "bytelab-runs-live-"));
  home = mkdtempSync(join(tmpdir(), "bytelab-runs-live-home-"));
  await ensureWebBuild(logPath(logs, "build"));
  db = await createTestDatabase("web_runs_live");
  const redisUrl = inject("redisUrl");
  const queueName = `web-live-${randomBytes(3).toString("hex")}`;
  worker = await startWorkerProcess(
    `web-live-${process.pid}`,
    fastWorkerEnv({ DATABASE_URL: db.url, REDIS_URL: redisUrl, WORKER_QUEUE: queueName, BYTELAB_HOME: home }),
  );
  const started = await Promise.allSettled([
    startWebApp({
      databaseUrl: db.url,
      redisUrl,
      workerPid: worker.proc.pid!,
      logFile: logPath(logs, "web"),
      env: { BYTELAB_WORKER_ALIVE_MS: "600000" },
    }).then((w) => {
      web = w;
    }),
    launchChromium().then((b) => {
      browser = b;
    }),
  ]);
  for (const s of started) if (s.status === "rejected") throw s.reason;
  ctx = createServiceContext({ databaseUrl: db.url, redisUrl, queueName });
  const submitted = await submitSweep(ctx, { spec: spec(`live-${queueName}`) });
  runIds = submitted.created.map((r) => r.runId);
  expect(runIds).toHaveLength(2);
  console.log(`[runs-live.browser] screenshots in ${SHOTS_DIR}`);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await web?.stop();
  await worker?.stop();
  await ctx?.close();
  await db?.drop();
  rmSync(logs, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}\n${worker?.output().slice(-3000)}`,
      );
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function trainPoints(page: Page): Promise<number> {
  const legend = await legendOf(page, TITLE);
  return legend.find((l) => l.name === "train/bpb")?.points ?? 0;
}

describe("run page of a training run", () => {
  it("grows the curve while the run trains (no reload), then shows it COMPLETED", async () => {
    const running = await waitFor(
      "a run RUNNING with its first metrics",
      async () => {
        const run = await db.prisma.run.findFirst({
          where: { id: { in: runIds }, status: "RUNNING", stats: { some: { name: "train/bpb" } } },
          select: { id: true, name: true },
        });
        return run;
      },
      180_000,
    );
    const { page, problems } = await openPage(browser!, web!.origin, `/runs/${running.id}`);
    await page.evaluate(() => {
      (window as unknown as { __sameDocument: boolean }).__sameDocument = true;
    });
    await chartsDrawn(page);
    expect((await shown(page.locator(".run-facts .status-badge"))).toLowerCase()).toBe("running");
    const first = await waitFor("train/bpb points on the chart", () => trainPoints(page), 30_000);
    const grown = await waitFor(
      "the curve to grow",
      async () => {
        const n = await trainPoints(page);
        return n > first ? n : null;
      },
      60_000,
    );
    expect(grown).toBeGreaterThan(first);
    await shoot(page, "run-live-running", "dark");
    await waitFor(
      "the page to show COMPLETED",
      async () => (await shown(page.locator(".run-facts .status-badge"))).toLowerCase() === "completed",
      240_000,
    );
    await chartsDrawn(page);
    await waitFor("every step on the chart", async () => (await trainPoints(page)) === STEPS, 10_000);
    // Still the same document: the page updated itself, it was never reloaded.
    expect(
      await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument),
    ).toBe(true);
    expect(await page.evaluate(() => performance.getEntriesByType("navigation").length)).toBe(1);
    const val = (await legendOf(page, TITLE)).find((l) => l.name === "val/bpb");
    expect(val?.points).toBeGreaterThanOrEqual(STEPS / 20);
    expect(await page.locator(".live-dot").count()).toBe(0);
    const history = await page.locator(".status-history li").allInnerTexts();
    expect(history.join("\n")).toContain("QUEUED -> RUNNING");
    expect(history.join("\n")).toContain("RUNNING -> COMPLETED");
    await waitFor(
      "a checkpoint in the table",
      async () => (await page.locator(".artifacts-table tbody tr").count()) > 0,
      20_000,
    );
    await shoot(page, "run-live-completed", "dark");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("shows the H-Net run's chunk boundaries over validation text from its last checkpoint", async () => {
    await waitFor(
      "both runs COMPLETED",
      async () => (await db.prisma.run.count({ where: { id: { in: runIds }, status: "COMPLETED" } })) === 2,
      300_000,
    );
    const hnet = await db.prisma.run.findFirstOrThrow({
      where: { id: { in: runIds }, architecture: "hnet" },
    });
    for (const theme of ["dark", "light"] as const) {
      const { page, problems } = await openPage(browser!, web!.origin, `/runs/${hnet.id}`, theme);
      await chartsDrawn(page);
      expect(
        (await legendOf(page, "H-Net compression ratio per stage (bytes per chunk)")).map((l) => l.name),
      ).toEqual(["stage 0"]);
      await page.getByRole("button", { name: "Show chunk boundaries" }).click();
      const text = page.locator(".boundary-text");
      await text.waitFor({ timeout: 120_000 });
      expect(Number(await text.getAttribute("data-chunks"))).toBeGreaterThan(10);
      expect(await shown(page.locator(".run-boundaries"))).toMatch(
        /Checkpoint at step 200 · \d+ bytes in windows of 64 · stage 0: \d+ chunks/,
      );
      await shoot(page, "run-live-hnet-boundaries", theme);
      expect(problems).toEqual([]);
      await page.close();
    }
  });

  it("lists both runs COMPLETED in the runs table and compares them", async () => {
    const { page, problems } = await openPage(browser!, web!.origin, "/runs");
    expect(await page.locator("table.runs-table tbody tr").count()).toBe(2);
    expect(
      (await page.locator("table.runs-table tbody .status-badge").allTextContents()).map((t) =>
        t.toLowerCase(),
      ),
    ).toEqual(["completed", "completed"]);
    await page.getByRole("checkbox", { name: "Select every run on this page" }).check();
    await page.getByRole("link", { name: "Compare 2 runs" }).click();
    await page.waitForURL(/\/compare\?runs=/);
    await chartsDrawn(page);
    const legend = await legendOf(page, "val/bpb vs step");
    expect(legend.map((l) => l.name).sort()).toEqual(["hnet", "transformer"]);
    expect(legend.every((l) => l.n === 1 && l.points >= STEPS / 20)).toBe(true);
    await shoot(page, "compare-live", "dark");
    expect(problems).toEqual([]);
    await page.close();
  });
});
