import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { markWorkerStopped, registerWorker } from "@bytelab/db";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@bytelab/db/testing";
import { freePort } from "../../scripts/services/free-port";
import { alive, groupAlive } from "../start/start-process";
import { type Chromium, launchChromium } from "./chromium";
import { ensureWebBuild, logPath, type RunningWeb, startWebApp, testWorkerIdentity } from "./web-app";

// The dashboard as a person meets it: the production build (`next start`, as `npm start` runs it) against
// the test run's Postgres and Redis, opened in a real headless Chromium.

let db: TestDatabase;
let web: RunningWeb | undefined;
/** A second app whose REDIS_URL points at a port nothing listens on. */
let noRedisWeb: RunningWeb | undefined;
let browser: Chromium | undefined;
let logs: string;
/** Kept after the run: the screenshot is for a person to look at. */
let shots: string;
const aliveWorker = testWorkerIdentity("browser-alive", process.pid);

beforeAll(async () => {
  logs = mkdtempSync(join(tmpdir(), "bytelab-web-logs-"));
  shots = mkdtempSync(join(tmpdir(), "bytelab-dashboard-"));
  const build = await ensureWebBuild(logPath(logs, "build"));
  console.log(
    `[dashboard.browser] web build ${build.action}${build.reason ? ` (${build.reason})` : ""} in ${build.seconds.toFixed(1)} s`,
  );

  db = await createTestDatabase("web_browser");
  // One alive worker, one that stopped, one whose heartbeat is an hour old: the page must count only the first.
  await registerWorker(db.prisma, aliveWorker);
  const stopped = testWorkerIdentity("browser-stopped", process.pid + 1);
  await registerWorker(db.prisma, stopped);
  await markWorkerStopped(db.prisma, stopped.id);
  const stale = testWorkerIdentity("browser-stale", process.pid + 2);
  await registerWorker(db.prisma, stale);
  await db.prisma.$executeRaw`
    UPDATE workers SET last_heartbeat_at = now() - interval '1 hour' WHERE id = ${stale.id}`;

  const deadRedisUrl = `redis://127.0.0.1:${await freePort()}`;
  // Started side by side; each is kept as soon as it is up, and all are awaited before a failure is thrown,
  // so afterAll stops every one that came up even when another did not.
  const settled = await Promise.allSettled([
    startWebApp({
      databaseUrl: db.url,
      redisUrl: inject("redisUrl"),
      workerPid: aliveWorker.pid,
      logFile: logPath(logs, "web"),
      // Generous, so a slow machine between registering and loading does not turn the alive worker stale.
      env: { BYTELAB_WORKER_ALIVE_MS: "600000" },
    }).then((app) => {
      web = app;
    }),
    startWebApp({
      databaseUrl: db.url,
      redisUrl: deadRedisUrl,
      workerPid: null,
      logFile: logPath(logs, "web-no-redis"),
    }).then((app) => {
      noRedisWeb = app;
    }),
    launchChromium().then((b) => {
      browser = b;
    }),
  ]);
  for (const result of settled) if (result.status === "rejected") throw result.reason;
  console.log(
    `[dashboard.browser] next start healthy in ${web?.readySeconds.toFixed(1)} s at ${web?.origin}`,
  );
}, 360_000);

afterAll(async () => {
  await browser?.close();
  const apps = [web, noRedisWeb].filter((a) => a !== undefined);
  await Promise.all(apps.map((a) => a.stop()));
  for (const { service } of apps) {
    expect(alive(service.pid), `next start (pid ${service.pid}) must be gone`).toBe(false);
    expect(groupAlive(service.pid), `process group of next start (pgid ${service.pid}) must be empty`).toBe(
      false,
    );
  }
  await db?.drop();
  rmSync(logs, { recursive: true, force: true });
});

interface PageVisit {
  page: Page;
  status: number | undefined;
  consoleErrors: string[];
  /** Every URL the page asked for (documents, scripts, styles, fonts, images, fetches, websockets). */
  requests: string[];
  /** Same-origin requests that failed or answered 4xx/5xx. */
  broken: string[];
}

/**
 * Opens `path` as a person whose system prefers `scheme` (dark by default: the colours asserted below are the
 * dark theme's) and who never touched the theme toggle.
 */
async function visit(
  app: RunningWeb | undefined,
  path: string,
  scheme: "dark" | "light" = "dark",
): Promise<PageVisit> {
  if (!browser || !app) throw new Error("beforeAll did not start the browser and the app");
  const page = await browser.context.newPage();
  await page.emulateMedia({ colorScheme: scheme });
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  const broken: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on("pageerror", (e) => consoleErrors.push(`pageerror: ${e.message}`));
  page.on("request", (r) => requests.push(r.url()));
  page.on("websocket", (ws) => requests.push(ws.url()));
  page.on("requestfailed", (r) => {
    // Next aborts a link prefetch when it starts another for the same route: nothing a person would see.
    if (r.failure()?.errorText !== "net::ERR_ABORTED") broken.push(`${r.url()}: ${r.failure()?.errorText}`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400) broken.push(`${r.url()}: HTTP ${r.status()}`);
  });
  const response = await page.goto(`${app.origin}${path}`, { waitUntil: "networkidle", timeout: 30_000 });
  return { page, status: response?.status(), consoleErrors, requests, broken };
}

/** The text as rendered for a person (innerText: laid out, hidden parts left out), not the DOM's textContent. */
function shownText(locator: Locator): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText is the rendered text on purpose
  return locator.innerText();
}

/** The text of the health card headed `name` (Postgres, Redis, Workers, Version). */
function card(page: Page, name: string) {
  return page
    .getByRole("region", { name: "platform health" })
    .locator(".card")
    .filter({ has: page.getByRole("heading", { name, exact: true }) });
}

describe("dashboard in a real browser", () => {
  let home: PageVisit;

  beforeAll(async () => {
    home = await visit(web, "/");
  }, 60_000);

  it("loads with HTTP 200, title and heading bytelab", async () => {
    expect(home.status).toBe(200);
    expect(await home.page.title()).toBe("bytelab");
    expect((await shownText(home.page.getByRole("heading", { level: 1 }))).trim()).toBe("bytelab");
  });

  it("shows Postgres and Redis as ok, and one alive worker (not the stopped or stale ones)", async () => {
    const { page } = home;
    for (const name of ["Postgres", "Redis"]) {
      const status = card(page, name).locator("strong");
      expect(await shownText(status), `${name} card`).toBe("ok");
      // Green, as a person reads it: the --ok colour, not the --bad one.
      expect(await status.evaluate((el) => getComputedStyle(el).color), `${name} colour`).toBe(
        "rgb(63, 185, 80)",
      );
    }
    expect(await shownText(card(page, "Workers").locator("strong"))).toBe("1 alive");

    const rows = page.getByRole("region", { name: "Trainer workers" }).getByRole("table").locator("tbody tr");
    expect(await rows.count()).toBe(1);
    const row = await shownText(rows.first());
    expect(row).toContain(aliveWorker.id);
    expect(row).toContain(String(aliveWorker.pid));
    expect(await page.getByText("down", { exact: true }).count()).toBe(0);
  });

  it("follows the system's light preference until the toggle is used, then keeps the person's choice", async () => {
    const light = await visit(web, "/", "light");
    try {
      const { page } = light;
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe("light");
      const ok = card(page, "Postgres").locator("strong");
      expect(await ok.evaluate((el) => getComputedStyle(el).color)).toBe("rgb(26, 127, 55)"); // light --ok
      await page.getByRole("button", { name: "Switch to the dark theme" }).click();
      await page.reload({ waitUntil: "networkidle" });
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
      expect(light.consoleErrors).toEqual([]);
    } finally {
      await light.page.close();
    }
  });

  it("shows recent sweeps (none yet: an invitation to launch one) and links to the launch form", async () => {
    const { page } = home;
    const recent = page.getByRole("region", { name: "Recent sweeps" });
    expect(await shownText(recent)).toMatch(/No sweeps yet: launch one/);
    expect(await recent.getByRole("link", { name: "launch one" }).getAttribute("href")).toBe("/sweeps/new");
    expect(await page.getByRole("link", { name: "Launch a sweep" }).getAttribute("href")).toBe("/sweeps/new");
    expect(await page.getByRole("link", { name: "All sweeps →" }).getAttribute("href")).toBe("/sweeps");
  });

  it("logs no errors in the browser console and loads nothing broken", () => {
    expect(home.consoleErrors).toEqual([]);
    expect(home.broken).toEqual([]);
  });

  it("asks no host but its own origin for anything (no web fonts, no CDNs)", () => {
    const origin = new URL(home.page.url()).origin;
    const foreign = home.requests.filter((u) => !u.startsWith("data:") && new URL(u).origin !== origin);
    expect(foreign).toEqual([]);
    // The page did load its own assets (the check above is not vacuous).
    expect(home.requests.some((u) => u.includes("/_next/static/"))).toBe(true);
  });

  it("renders as a person expects: screenshot saved for review", async () => {
    const path = join(shots, "dashboard.png");
    await home.page.screenshot({ path, fullPage: true });
    console.log(`[dashboard.browser] screenshot: ${path}`);
    // Laid out, not a blank or collapsed page: the heading and the four health cards are visible.
    expect(await home.page.getByRole("heading", { level: 1 }).isVisible()).toBe(true);
    expect(await home.page.getByRole("region", { name: "platform health" }).locator(".card").count()).toBe(4);
  });
});

describe("dashboard when Redis is unreachable", () => {
  let home: PageVisit;

  beforeAll(async () => {
    home = await visit(noRedisWeb, "/");
  }, 60_000);

  it("still renders (HTTP 200) and shows Redis down in red with the cause, Postgres ok", async () => {
    const { page } = home;
    expect(home.status).toBe(200);
    const redis = card(page, "Redis");
    const status = redis.locator("strong");
    expect(await shownText(status)).toBe("down");
    expect(await status.evaluate((el) => getComputedStyle(el).color)).toBe("rgb(248, 81, 73)");
    expect(await shownText(redis)).toContain(`ECONNREFUSED ${new URL(noRedisWeb!.origin).hostname}`);
    expect(await shownText(card(page, "Postgres").locator("strong"))).toBe("ok");
    expect(home.consoleErrors).toEqual([]);
    const path = join(shots, "dashboard-no-redis.png");
    await page.screenshot({ path, fullPage: true });
    console.log(`[dashboard.browser] screenshot: ${path}`);
  });

  it("while GET /api/v1/health answers 503 degraded", async () => {
    const response = await fetch(`${noRedisWeb!.origin}/api/v1/health`);
    expect(response.status).toBe(503);
    expect(((await response.json()) as { status: string }).status).toBe("degraded");
  });
});
