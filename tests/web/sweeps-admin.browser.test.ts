import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { markWorkerStopped, registerWorker } from "@bytelab/db";
import { createApiKey } from "@bytelab/service";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@bytelab/db/testing";
import { freePort } from "../../scripts/services/free-port";
import { type Chromium, launchChromium } from "./chromium";
import { openPage, shoot, text } from "./sweeps-pages";
import { ensureWebBuild, logPath, type RunningWeb, startWebApp, testWorkerIdentity } from "./web-app";

// The dashboard's admin side in a real browser: API keys (the secret shown once, revoke with confirmation),
// sign-in where the server requires keys (a second app with BYTELAB_AUTH=required), the sweeps list's pages
// and colours, and the workers page flagging a stale worker.

let db: TestDatabase;
let open: RunningWeb | undefined;
let locked: RunningWeb | undefined;
/** An app whose REDIS_URL points at a port nothing listens on: plans work, submitting cannot. */
let noRedis: RunningWeb | undefined;
let browser: Chromium | undefined;
let logs: string;
const SWEEPS = 23;

beforeAll(async () => {
  logs = mkdtempSync(join(tmpdir(), "bytelab-admin-logs-"));
  await ensureWebBuild(logPath(logs, "build"));
  db = await createTestDatabase("web_admin");
  // Sweeps oldest first, a minute apart; each with runs in a few statuses.
  const t0 = Date.now() - SWEEPS * 60_000;
  for (let i = 0; i < SWEEPS; i++) {
    const sweep = await db.prisma.sweep.create({
      data: {
        name: `list-${String(i).padStart(2, "0")}`,
        spec: { kind: "sweep" },
        createdAt: new Date(t0 + i * 60_000),
      },
    });
    const statuses = ["COMPLETED", "FAILED", "QUEUED"] as const;
    for (const [j, status] of statuses.entries())
      await db.prisma.run.create({
        data: {
          name: `list-${i}/r${j}`,
          sweepId: sweep.id,
          status,
          architecture: "transformer",
          config: { architecture: "transformer", steps: 100 },
          configHash: `list-${i}-${j}`,
          seed: j,
        },
      });
  }
  const alive = testWorkerIdentity("admin-alive", process.pid);
  await registerWorker(db.prisma, alive);
  const stale = testWorkerIdentity("admin-stale", process.pid + 1);
  await registerWorker(db.prisma, stale);
  await db.prisma
    .$executeRaw`UPDATE workers SET last_heartbeat_at = now() - interval '10 minutes' WHERE id = ${stale.id}`;
  const stopped = testWorkerIdentity("admin-stopped", process.pid + 2);
  await registerWorker(db.prisma, stopped);
  await markWorkerStopped(db.prisma, stopped.id);

  const redisUrl = inject("redisUrl");
  const [a, b, c, d] = await Promise.all([
    startWebApp({
      databaseUrl: db.url,
      redisUrl,
      workerPid: alive.pid,
      logFile: logPath(logs, "web"),
      env: { BYTELAB_WORKER_ALIVE_MS: "600000" },
    }),
    startWebApp({
      databaseUrl: db.url,
      redisUrl,
      workerPid: null,
      logFile: logPath(logs, "web-locked"),
      env: { BYTELAB_AUTH: "required" },
    }),
    launchChromium(),
    startWebApp({
      databaseUrl: db.url,
      redisUrl: `redis://127.0.0.1:${await freePort()}`,
      workerPid: null,
      logFile: logPath(logs, "web-no-redis"),
    }),
  ]);
  open = a;
  locked = b;
  browser = c;
  noRedis = d;
}, 360_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([open?.stop(), locked?.stop(), noRedis?.stop()]);
  await db?.drop();
  rmSync(logs, { recursive: true, force: true });
});

describe("API keys page", () => {
  it("creates a key and shows its secret once, with a copy button and a warning", async () => {
    const visit = await openPage(browser!, open!.origin, "/settings/keys");
    const { page } = visit;
    expect(await text(page.getByRole("region", { name: "Keys" }))).toMatch(/No API keys yet/);
    await page.getByLabel("name").fill("browser-ci");
    await page.getByLabel("scope").selectOption("write");
    await page.getByRole("button", { name: "Create key" }).click();
    const once = page.getByRole("status", { name: "new API key secret" });
    await once.waitFor();
    expect(await text(once)).toMatch(/shown only this once/);
    const secret = await page.locator("#new-key-secret").inputValue();
    expect(secret).toMatch(/^blk_[0-9a-f]{8}_/);
    expect(await once.getByRole("button", { name: "Copy" }).isVisible()).toBe(true);
    const row = page.locator("table.keys-table tbody tr", { hasText: "browser-ci" });
    await row.waitFor();
    expect(await text(row)).toMatch(/browser-ci\s+blk_[0-9a-f]{8}\s+read, write\s+.+\s+never\s+active/);
    await shoot(page, "keys-secret-once", "dark");

    // The key works, and the secret is never shown again.
    const ok = await fetch(`${open!.origin}/api/v1/sweeps`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(ok.status).toBe(200);
    await page.reload();
    expect(await page.content()).not.toContain(secret);
    expect(visit.problems).toEqual([]);

    // Revoke, with confirmation.
    await page.getByRole("button", { name: "Revoke key browser-ci" }).click();
    const dialog = page.getByRole("dialog", { name: "Revoke key browser-ci?" });
    await dialog.getByRole("button", { name: "Go back" }).click();
    expect(await text(page.locator("table.keys-table tbody tr", { hasText: "browser-ci" }))).toMatch(
      /active/,
    );
    await page.getByRole("button", { name: "Revoke key browser-ci" }).click();
    await dialog.getByRole("button", { name: "Revoke key" }).click();
    await page.getByRole("status").filter({ hasText: "is revoked" }).waitFor();
    await expect
      .poll(() => text(page.locator("table.keys-table tbody tr", { hasText: "browser-ci" })))
      .toMatch(/revoked/);
    const refused = await fetch(`${open!.origin}/api/v1/sweeps`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(refused.status).toBe(401);
    expect(visit.problems).toEqual([]);
    await page.close();
  });
});

describe("sign-in where keys are required", () => {
  it("sends a visitor to /login, signs in with a key, returns to the page asked for, and signs out", async () => {
    const { secret } = await createApiKey(db.prisma, { name: "browser-admin", scopes: ["admin"] });
    const visit = await openPage(browser!, locked!.origin, "/sweeps?limit=10", "light");
    const { page } = visit;
    expect(new URL(page.url()).pathname).toBe("/login");
    expect(new URL(page.url()).searchParams.get("next")).toBe("/sweeps?limit=10");
    expect(await text(page.locator("main"))).toMatch(/requires an API key/);
    await shoot(page, "login-required", "light");

    await page.getByLabel("API key").fill("blk_00000000_nope");
    await page.getByRole("button", { name: "Sign in" }).click();
    // (Next's route announcer is an alert too: the form's own one.)
    const error = page.locator(".login-form [role=alert]");
    await error.waitFor();
    expect(await text(error)).toMatch(/not valid/);

    await page.getByLabel("API key").fill(secret);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/sweeps/);
    expect(await text(page.getByRole("heading", { level: 1 }))).toBe("Sweeps");
    // Signed in: the pages and their live requests work with the cookie; the top bar offers to sign out.
    await page.goto(`${locked!.origin}/settings/keys`);
    expect(await text(page.locator("main"))).toMatch(/Signed in as browser-admin/);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/login\?.*signedOut=1/);
    await page.goto(`${locked!.origin}/workers`);
    expect(new URL(page.url()).pathname).toBe("/login");
    // The failed sign-in answered 401: the only failed request.
    expect(visit.problems.filter((p) => !/401/.test(p))).toEqual([]);
    await page.close();
  });
});

describe("sweeps list", () => {
  it("lists sweeps newest first, 20 a page with a cursor link to the older ones, runs counted in colour", async () => {
    const visit = await openPage(browser!, open!.origin, "/sweeps");
    const { page } = visit;
    const names = await page.locator("table.sweep-list tbody tr td:first-child a").allInnerTexts();
    expect(names).toHaveLength(20);
    expect(names[0]).toBe(`list-${SWEEPS - 1}`);
    expect(names[19]).toBe(`list-${String(SWEEPS - 20).padStart(2, "0")}`);
    const first = page.locator("table.sweep-list tbody tr").first();
    expect(await text(first)).toMatch(/sweep\s+running\s+3 ·\s+1 queued\s+1 completed\s+1 failed/);
    const completed = first.locator(".count.status-COMPLETED");
    expect(await completed.evaluate((el) => getComputedStyle(el).color)).toBe("rgb(63, 185, 80)");
    expect(await first.locator(".count.status-FAILED").evaluate((el) => getComputedStyle(el).color)).toBe(
      "rgb(248, 81, 73)",
    );
    // The service's progress: the COMPLETED run counts as done, the FAILED one only the steps it trained
    // (none here), so a sweep with failures never reads as finished work: 1 of 3 runs of 100 steps.
    expect(await first.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("33");
    await shoot(page, "sweeps-list", "dark");

    await page.getByRole("link", { name: "Older →" }).click();
    await page.waitForURL(/cursor=/);
    const older = await page.locator("table.sweep-list tbody tr td:first-child a").allInnerTexts();
    expect(older).toEqual(["list-02", "list-01", "list-00"]);
    expect(await text(page.locator(".pager"))).toMatch(/last page/);
    // The URL is the view: opening it again shows the same page.
    const again = await openPage(
      browser!,
      open!.origin,
      new URL(page.url()).pathname + new URL(page.url()).search,
    );
    expect(await again.page.locator("table.sweep-list tbody tr").count()).toBe(3);
    expect([...visit.problems, ...again.problems]).toEqual([]);
    await again.page.close();
    await page.close();
  });
});

describe("workers page", () => {
  it("flags the stale worker and lists the alive and recently stopped ones", async () => {
    const visit = await openPage(browser!, open!.origin, "/workers", "light");
    const { page } = visit;
    const stale = page.locator('tr[data-stale="true"]');
    expect(await stale.count()).toBe(1);
    expect(await text(stale)).toMatch(/admin-stale.*\s+stale\s+(9|10)m \d\ds/s);
    expect(await text(page.locator("tr", { hasText: "admin-alive" }))).toMatch(/online/);
    expect(await text(page.locator("tr", { hasText: "admin-stopped" }))).toMatch(/stopped/);
    await shoot(page, "workers-stale", "light");
    expect(visit.problems).toEqual([]);
    await page.close();
  });
});

describe("launch form when Redis is down", () => {
  it("plans the spec but says plainly that submitting needs the queue, and creates nothing", async () => {
    const before = await db.prisma.sweep.count();
    const visit = await openPage(browser!, noRedis!.origin, "/sweeps/new");
    const { page } = visit;
    await page.locator('[data-plan-status="ok"]').waitFor({ timeout: 90_000 });
    await page.getByRole("button", { name: /^Submit/ }).click();
    const alert = page.locator(".launch-side [role=alert]");
    await alert.waitFor({ timeout: 30_000 });
    expect(await text(alert)).toMatch(
      /Not submitted: the queue is unavailable\..*Redis.*nothing was changed/s,
    );
    expect(await page.getByRole("button", { name: /^Submit/ }).isEnabled()).toBe(true);
    expect(new URL(page.url()).pathname).toBe("/sweeps/new");
    expect(await db.prisma.sweep.count()).toBe(before);
    await shoot(page, "launch-redis-down", "dark");
    // The 503 itself is the only failed request.
    expect(visit.problems.filter((p) => !/503/.test(p))).toEqual([]);
    await page.close();
  }, 150_000);
});
