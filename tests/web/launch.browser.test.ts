import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SweepReport } from "@bytelab/analysis/report";
import { createServiceContext, type OwnedServiceContext, sweepReport } from "@bytelab/service";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@bytelab/db/testing";
import { startWorkerProcess, type WorkerProcess } from "../reliability/helpers/worker-process";
import { type Chromium, launchChromium } from "./chromium";
import { openPage, SWEEPS_SHOTS_DIR, shoot, shootBothThemes, text, type Visit } from "./sweeps-pages";
import { ensureWebBuild, logPath, type RunningWeb, startWebApp } from "./web-app";

// The sweeps side as a researcher meets it, end to end: the production build (`next start`) on its own
// database and its own queue, one real trainer worker process on that queue, headless Chromium. Launch a tiny
// sweep from the form (validation at each field, tabs that keep the spec, the server's dry run), land on its
// page, watch the runs reach COMPLETED without a reload, read the scaling page, cancel and re-run with
// confirmation; screenshots of every page in both themes.

let db: TestDatabase;
let web: RunningWeb | undefined;
let worker: WorkerProcess | undefined;
let browser: Chromium | undefined;
let ctx: OwnedServiceContext | undefined;
let logs: string;
let home: string;
const queueName = `web-launch-${randomBytes(3).toString("hex")}`;
const problems: string[] = [];

beforeAll(async () => {
  logs = mkdtempSync(join(tmpdir(), "bytelab-launch-logs-"));
  home = mkdtempSync(join(tmpdir(), "bytelab-launch-home-"));
  const build = await ensureWebBuild(logPath(logs, "build"));
  console.log(`[launch.browser] web build ${build.action} in ${build.seconds.toFixed(1)} s`);
  db = await createTestDatabase("web_launch");
  const redisUrl = inject("redisUrl");
  worker = await startWorkerProcess(`launch-worker-${process.pid}`, {
    DATABASE_URL: db.url,
    REDIS_URL: redisUrl,
    WORKER_QUEUE: queueName,
    BYTELAB_HOME: home,
    CUDA_VISIBLE_DEVICES: "-1",
    WORKER_SLOTS: "1",
    WORKER_HEARTBEAT_MS: "1000",
    WORKER_CANCEL_POLL_MS: "500",
    WORKER_METRICS_FLUSH_MS: "250",
  });
  ctx = createServiceContext({ databaseUrl: db.url, redisUrl, queueName });
  const [app, chromium] = await Promise.all([
    startWebApp({
      databaseUrl: db.url,
      redisUrl,
      workerPid: worker.proc.pid ?? null,
      logFile: logPath(logs, "web"),
      env: { BYTELAB_QUEUE: queueName, BYTELAB_WORKER_ALIVE_MS: "60000" },
    }),
    launchChromium(),
  ]);
  web = app;
  browser = chromium;
  console.log(`[launch.browser] next start at ${web.origin}, worker on queue ${queueName}`);
}, 420_000);

afterAll(async () => {
  await browser?.close();
  await web?.stop();
  await worker?.stop();
  await ctx?.close();
  await db?.drop();
  rmSync(logs, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
  console.log(`[launch.browser] screenshots in ${SWEEPS_SHOTS_DIR} (copied to /tmp/bytelab-shots)`);
});

async function open(path: string, theme: "dark" | "light" = "dark"): Promise<Visit> {
  if (!browser || !web) throw new Error("beforeAll did not start the browser and the app");
  return openPage(browser, web.origin, path, theme);
}

/** The field of the launch form at a spec path (its wrapper: label, input, issues). */
const field = (page: Page, path: string) => page.locator(`[data-spec-path="${path}"]`).first();
const fieldIssues = (page: Page, path: string) => field(page, path).locator("[data-field-issues]");

async function submitViaApi(spec: unknown): Promise<string> {
  const response = await fetch(`${web!.origin}/api/v1/sweeps`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(spec),
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return ((await response.json()) as { sweepId: string }).sweepId;
}

let sweepId = "";

describe("launch form", () => {
  it("shows a validation error next to its field and submits nothing (seeds [0, 0], a negative budget)", async () => {
    const visit = await open("/sweeps/new");
    const { page } = visit;
    expect(visit.status).toBe(200);
    // The blank sweep is valid: the server plans it.
    await page.locator('[data-plan-status="ok"]').waitFor({ timeout: 60_000 });

    await page.getByLabel("seeds", { exact: true }).fill("0, 0");
    await expect.poll(() => text(fieldIssues(page, "seeds"))).toMatch(/seed 0 is listed twice/);
    expect(await page.getByLabel("seeds", { exact: true }).getAttribute("aria-invalid")).toBe("true");

    await page.getByLabel("flops per run").fill("-5");
    await expect.poll(() => text(fieldIssues(page, "budget.flops"))).toMatch(/>\s*0|positive|too small/i);
    const submit = page.getByRole("button", { name: /^Submit/ });
    expect(await submit.isDisabled()).toBe(true);
    const summary = page.getByRole("alert", { name: "spec problems" });
    expect(await text(summary)).toMatch(/2 problems/);

    // The editor tab holds the same spec and lists each problem with its line.
    await page.getByRole("tab", { name: "YAML / JSON" }).click();
    const editorText = await page.locator("#spec-text").inputValue();
    expect(editorText).toMatch(/seeds:\s*\n\s*- 0\n\s*- 0/);
    expect(await text(summary)).toMatch(/seeds \(line \d+, column \d+\): seed 0 is listed twice/);
    await shoot(page, "launch-invalid-editor", "dark");

    // A problem only the server finds (model keys are checked at expansion): shown at that architecture.
    await page.getByRole("tab", { name: "Form" }).click();
    await page.getByLabel("seeds", { exact: true }).fill("0");
    await page.getByLabel("flops per run").fill("1e12");
    await page.locator("#spec-architectures-1-model").fill("dimm: 96");
    await expect
      .poll(() => text(fieldIssues(page, "architectures.1.model")), { timeout: 60_000 })
      .toMatch(/dimm/);
    expect(await submit.isDisabled()).toBe(true);
    await shoot(page, "launch-invalid-form", "dark");

    await page.waitForTimeout(500);
    expect(visit.requests.filter((r) => /^POST \/api\/v1\/sweeps(\?|$)/.test(r))).toEqual([]);
    expect(await db.prisma.sweep.count()).toBe(0);
    // The server's 422 for the unknown model key is the only failed request (Chromium logs it as well).
    expect(visit.problems.filter((p) => !/422/.test(p))).toEqual([]);
    await page.close();
  }, 180_000);

  it("builds a tiny sweep in the form, keeps it across tabs, shows the dry-run plan and submits it", async () => {
    const visit = await open("/sweeps/new");
    const { page } = visit;
    await page.getByLabel("name", { exact: true }).fill("browser-tiny");
    await page.getByRole("button", { name: "Remove architecture 4 (megabyte)" }).click();
    await page.getByRole("button", { name: "Remove architecture 3 (hnet)" }).click();
    await page.getByLabel("budget per run").selectOption("steps");
    await page.getByLabel("steps per run").fill("100");
    await page.getByLabel("sequence length (bytes)").fill("64");
    await page.getByLabel("batch size").fill("4");
    await page.getByLabel("eval every (steps)").fill("50");

    // The editor tab shows what the form built; shorter evaluations are edited there (as JSON).
    await page.getByRole("tab", { name: "YAML / JSON" }).click();
    const yaml = await page.locator("#spec-text").inputValue();
    expect(yaml).toContain("name: browser-tiny");
    expect(yaml).toMatch(/seqLen: 64/);
    await page.locator(".segmented label", { hasText: "JSON" }).click();
    const spec = JSON.parse(await page.locator("#spec-text").inputValue()) as {
      base: Record<string, unknown>;
      architectures: Array<{ architecture: string }>;
      budget: unknown;
    };
    expect(spec.architectures.map((a) => a.architecture)).toEqual(["transformer", "hourglass"]);
    expect(spec.budget).toEqual({ steps: 100 });
    spec.base.eval = { interval: 50, windows: 8, testWindows: 8, robustness: { rates: [] } };
    await page.locator("#spec-text").fill(JSON.stringify(spec, null, 2));

    // Back in the form: the same spec.
    await page.getByRole("tab", { name: "Form" }).click();
    expect(await page.getByLabel("sequence length (bytes)").inputValue()).toBe("64");
    expect(await page.getByLabel("name", { exact: true }).inputValue()).toBe("browser-tiny");
    expect(await page.locator(".entry-list > li.entry").count()).toBe(2);

    // The server's dry run: 2 runs of 100 steps, their parameters and FLOPs.
    await page
      .locator('[data-plan-status="ok"] ~ div .plan[data-plan-runs="2"]')
      .waitFor({ timeout: 60_000 });
    const plan = await text(page.locator(".plan-table"));
    expect(plan).toMatch(/transformer\s+1\s+[\d.]+k\s+100\s+[\d.]+e\d+/);
    expect(plan).toMatch(/hourglass\s+1\s+[\d.]+k\s+100/);
    await shoot(page, "launch-planned", "dark");

    await page.getByRole("button", { name: "Submit 2 new runs" }).click();
    await page.waitForURL(/\/sweeps\/[^/?]+\?submitted=new/, { timeout: 30_000 });
    sweepId = new URL(page.url()).pathname.split("/").at(-1)!;
    expect(await db.prisma.run.count({ where: { sweepId } })).toBe(2);
    expect(visit.problems).toEqual([]);
    await page.close();
  }, 180_000);
});

describe("sweep page", () => {
  it("follows the runs live to COMPLETED without reloading", async () => {
    const visit = await open(`/sweeps/${sweepId}?submitted=new`);
    const { page } = visit;
    expect(await text(page.getByRole("status").first())).toMatch(/Sweep submitted/);
    await page
      .locator('tr[data-status="RUNNING"], tr[data-status="COMPLETED"]')
      .first()
      .waitFor({ timeout: 120_000 });
    await shoot(page, "sweep-running", "dark");
    await page.locator('tr[data-status="COMPLETED"]').nth(1).waitFor({ timeout: 300_000 });
    expect(visit.reloads()).toBe(0);
    expect(visit.requests.filter((r) => r === `GET /api/v1/sweeps/${sweepId}`).length).toBeGreaterThan(2);
    expect(await text(page.locator(".outcome-passed").first())).toBe("passed");
    expect(
      await page.getByRole("progressbar", { name: "sweep progress" }).getAttribute("aria-valuenow"),
    ).toBe("100");
    const rows = await page.locator("table.runs-table tbody tr").allInnerTexts();
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row).toMatch(/completed\s+100 \/ 100\s+\d\.\d{3}\s+\d\.\d{3}/);
    // Links: each run's page, the compare page with both runs, the scaling page.
    const ids = (await db.prisma.run.findMany({ where: { sweepId }, select: { id: true } })).map((r) => r.id);
    const compare = await page.getByRole("link", { name: "Compare these runs" }).getAttribute("href");
    expect(new URL(compare!, web!.origin).searchParams.get("runs")?.split(",").sort()).toEqual(ids.sort());
    expect(await page.getByRole("link", { name: "Scaling" }).getAttribute("href")).toBe(
      `/sweeps/${sweepId}/scaling`,
    );
    expect(visit.problems).toEqual([]);
    await page.close();
  }, 420_000);

  it("cancels with confirmation and re-runs cancelled runs, showing what happened to each run", async () => {
    const id = await submitViaApi({
      kind: "sweep",
      name: "browser-cancel",
      base: { seqLen: 64, batchSize: 4 },
      architectures: ["transformer"],
      seeds: [0, 1],
      budget: { steps: 100_000 },
    });
    const visit = await open(`/sweeps/${id}`);
    const { page } = visit;
    const cancelSweep = page.getByRole("button", { name: /^Cancel sweep/ });
    await cancelSweep.click();
    const dialog = page.getByRole("dialog", { name: "Cancel sweep browser-cancel?" });
    expect(await dialog.isVisible()).toBe(true);
    await shoot(page, "sweep-cancel-dialog", "dark");
    await dialog.getByRole("button", { name: "Go back" }).click();
    expect(await dialog.isVisible()).toBe(false);
    expect(await db.prisma.run.count({ where: { sweepId: id, status: "CANCELLED" } })).toBe(0);

    await cancelSweep.click();
    await dialog.getByLabel(/reason/).fill("browser test");
    await dialog.getByRole("button", { name: "Cancel sweep" }).click();
    const result = page.getByRole("status", { name: "action result" });
    await result.waitFor();
    expect(await text(result)).toMatch(/Cancelled 2 runs/);
    expect((await result.locator("li").allInnerTexts()).length).toBe(2);
    await page.locator('tr[data-status="CANCELLED"]').nth(1).waitFor({ timeout: 30_000 });
    expect(await db.prisma.run.count({ where: { sweepId: id, status: "CANCELLED" } })).toBe(2);
    await shoot(page, "sweep-cancelled", "dark");

    await page.getByRole("button", { name: /^Re-run failed runs/ }).click();
    const rerun = page.getByRole("dialog", { name: "Re-run failed runs?" });
    expect(await rerun.getByLabel(/also re-run cancelled runs \(2\)/).isChecked()).toBe(true);
    await rerun.getByRole("button", { name: "Re-run" }).click();
    await expect.poll(() => text(result)).toMatch(/Re-queued 2 runs/);
    await expect
      .poll(() => db.prisma.run.count({ where: { sweepId: id, status: { in: ["QUEUED", "RUNNING"] } } }))
      .toBe(2);

    // One run at a time, from its row.
    await page.locator('tr[data-status="QUEUED"], tr[data-status="RUNNING"]').first().waitFor();
    await page
      .getByRole("button", { name: /^Cancel run browser-cancel|^Cancel run / })
      .first()
      .click();
    const runDialog = page.getByRole("dialog", { name: /^Cancel run / });
    await runDialog.getByRole("button", { name: "Cancel run" }).click();
    await expect.poll(() => text(result)).toMatch(/cancelled/);
    // Leave the worker free: cancel the rest.
    await cancelSweep.click();
    await dialog.getByRole("button", { name: "Cancel sweep" }).click();
    await expect
      .poll(() => db.prisma.run.count({ where: { sweepId: id, status: "CANCELLED" } }), { timeout: 30_000 })
      .toBe(2);
    expect(visit.problems).toEqual([]);
    await page.close();
  }, 180_000);
});

describe("scaling page of the tiny sweep", () => {
  let report: SweepReport;

  beforeAll(async () => {
    report = await sweepReport(ctx!, sweepId);
  }, 60_000);

  it("compares the two architectures directly (one compute value each: no law) with the report's numbers", async () => {
    const visit = await open(`/sweeps/${sweepId}/scaling`);
    const { page } = visit;
    expect(await text(page.getByRole("heading", { level: 1 }))).toBe("Scaling: browser-tiny");
    const direct = page.getByRole("figure", { name: "Direct comparison: final val/bpb per setting" });
    await direct.locator(".recharts-surface").first().waitFor();
    expect(await direct.locator('[data-chart="scatter"]').getAttribute("data-groups")).toBe("2");
    const legend = direct.locator("li[data-series]");
    expect(
      await legend.evaluateAll((els) =>
        els.map((e) => [e.getAttribute("data-series"), e.getAttribute("data-points")]),
      ),
    ).toEqual([
      ["transformer", "1"],
      ["hourglass", "1"],
    ]);
    // The same digits as the report (bytelab report): the mean final val/bpb of each setting.
    const table = await text(page.locator("table.direct-table tbody"));
    for (const g of report.seeds.groups) {
      const mean = g.metrics["val/bpb"]?.mean;
      expect(mean).toBeTypeOf("number");
      expect(table).toContain(mean!.toFixed(3));
    }
    // Learning curves: one chart per architecture, each with its run's training and held-out lines.
    for (const arch of ["transformer", "hourglass"]) {
      const chart = page.getByRole("figure", { name: `Learning curves: ${arch}` });
      await chart.locator(".recharts-surface").first().waitFor();
      const entries = await chart
        .locator("li[data-series]")
        .evaluateAll((els) =>
          els.map((e) => [e.getAttribute("data-series"), Number(e.getAttribute("data-points"))] as const),
        );
      expect(entries.map(([n]) => n)).toEqual([
        `browser-tiny/${arch}/s0: train/bpb`,
        `browser-tiny/${arch}/s0: val/bpb`,
      ]);
      const lc = report.learningCurves.architectures.find((a) => a.architecture === arch)!.runs[0]!;
      expect(entries.map(([, n]) => n)).toEqual([lc.train.length, lc.heldOut.length]);
      expect(lc.heldOut.length).toBeGreaterThanOrEqual(2);
    }
    expect(await page.locator("table.seeds-table tbody tr").count()).toBe(2);
    expect(await page.locator("table.matched-table tbody tr").count()).toBe(report.comparison.rows.length);
    // Every chart can be exported.
    for (const name of ["PNG", "SVG"])
      expect(await page.getByRole("button", { name: new RegExp(`as ${name}$`) }).count()).toBe(3);
    expect(await page.getByRole("button", { name: /as CSV$/ }).count()).toBe(3);
    const download = page.waitForEvent("download");
    await direct.getByRole("button", { name: /as CSV$/ }).click();
    const csv = await (await download).path();
    expect(csv).toBeTruthy();
    expect(visit.problems).toEqual([]);
    await page.close();
  });
});

describe("workers page", () => {
  it("shows the worker with its heartbeat, devices and slots, and the queue's depths", async () => {
    const visit = await open("/workers");
    const { page } = visit;
    const row = page.locator(`tr[data-worker-id="${worker!.id}"]`);
    await row.waitFor();
    expect(await text(row)).toMatch(/online\s+[\d.]+s/);
    const queue = page.locator(`tr[data-queue="${queueName}"]`);
    expect(await queue.count()).toBe(1);
    expect(await text(queue.locator('[data-depth="failed"]'))).toBe("0");
    expect(visit.problems).toEqual([]);
    await page.close();
  });
});

describe("every page in both themes", () => {
  it("renders without console errors (screenshots saved)", async () => {
    const pages: Array<[string, string]> = [
      ["/", "overview"],
      ["/sweeps", "sweeps"],
      ["/sweeps/new", "launch-form"],
      ["/sweeps/new?template=scaling-ladder-brown.json&tab=editor", "launch-editor"],
      [`/sweeps/${sweepId}`, "sweep"],
      [`/sweeps/${sweepId}/scaling`, "scaling-direct"],
      ["/workers", "workers"],
      ["/settings/keys", "keys"],
      ["/login", "login"],
    ];
    for (const [path, name] of pages)
      problems.push(
        ...(await shootBothThemes(browser!, web!.origin, path, name, async (page) => {
          if (path.startsWith("/sweeps/new"))
            await page.locator('[data-plan-status="ok"]').waitFor({ timeout: 90_000 });
          if (path.endsWith("/scaling")) await page.locator(".recharts-surface").first().waitFor();
        })),
      );
    expect(problems).toEqual([]);
  }, 300_000);
});
