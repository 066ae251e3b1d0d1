import { copyFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Locator, Page } from "playwright-core";
import type { Chromium } from "./chromium";

// Shared by the sweeps-side browser tests (launch form, sweep pages, scaling, workers, keys, login): open a
// page in a theme, record what went wrong in the browser, and keep screenshots for a person to look at.

/** Where the sweeps-side screenshots go (kept after the run); the final set is also copied to /tmp/bytelab-shots. */
export const SWEEPS_SHOTS_DIR = join(tmpdir(), "bytelab-sweeps-shots");
const COPY_DIR = "/tmp/bytelab-shots";

export type Theme = "dark" | "light";

export interface Visit {
  page: Page;
  status: number | undefined;
  /** Console errors, uncaught exceptions, same-origin requests that failed or answered >= 400. */
  problems: string[];
  /** Every same-origin request: method and path (to check what a page sent, e.g. no POST /api/v1/sweeps). */
  requests: string[];
  /** Full page loads after the first (live updates must not reload the page). */
  reloads: () => number;
}

/** Opens `path` on `origin` in a new tab, the theme set before the first paint. */
export async function openPage(
  browser: Chromium,
  origin: string,
  path: string,
  theme: Theme = "dark",
  opts: { allowStatus?: number[] } = {},
): Promise<Visit> {
  const page = await browser.context.newPage();
  await page.addInitScript((t) => {
    try {
      localStorage.setItem("bytelab-theme", t);
    } catch {
      // no storage: the default theme
    }
  }, theme);
  const problems: string[] = [];
  const requests: string[] = [];
  let loads = 0;
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("request", (r) => {
    if (r.url().startsWith(origin)) requests.push(`${r.method()} ${r.url().slice(origin.length)}`);
  });
  page.on("requestfailed", (r) => {
    const failure = r.failure()?.errorText ?? "";
    // Navigating away aborts in-flight polls and prefetches: not a fault of the page.
    if (r.url().startsWith(origin) && !/ERR_ABORTED/.test(failure)) problems.push(`${r.url()}: ${failure}`);
  });
  page.on("response", (r) => {
    if (r.url().startsWith(origin) && r.status() >= 400 && !opts.allowStatus?.includes(r.status()))
      problems.push(`${r.request().method()} ${r.url()}: HTTP ${r.status()}`);
  });
  page.on("load", () => {
    loads++;
  });
  const response = await page.goto(`${origin}${path}`, { waitUntil: "load", timeout: 60_000 });
  return { page, status: response?.status(), problems, requests, reloads: () => Math.max(0, loads - 1) };
}

/** Saves a full-page screenshot `<name>-<theme>.png` in SWEEPS_SHOTS_DIR and /tmp/bytelab-shots. */
export async function shoot(page: Page, name: string, theme: Theme): Promise<string> {
  mkdirSync(SWEEPS_SHOTS_DIR, { recursive: true });
  const path = join(SWEEPS_SHOTS_DIR, `${name}-${theme}.png`);
  await page.screenshot({ path, fullPage: true });
  try {
    mkdirSync(COPY_DIR, { recursive: true });
    copyFileSync(path, join(COPY_DIR, `${name}-${theme}.png`));
  } catch {
    // the copy is a convenience
  }
  return path;
}

/** Opens `path` in both themes, screenshots each, and returns the problems seen (for "no console errors"). */
export async function shootBothThemes(
  browser: Chromium,
  origin: string,
  path: string,
  name: string,
  ready?: (page: Page) => Promise<void>,
): Promise<string[]> {
  const problems: string[] = [];
  for (const theme of ["dark", "light"] as const) {
    const visit = await openPage(browser, origin, path, theme);
    await ready?.(visit.page);
    // Charts animate nothing, but fonts and ResizeObserver-driven layouts settle after load.
    await visit.page.waitForTimeout(300);
    await shoot(visit.page, name, theme);
    problems.push(...visit.problems.map((p) => `${name} (${theme}): ${p}`));
    await visit.page.close();
  }
  return problems;
}

/** The text as a person reads it (innerText: laid out, hidden parts left out), not the DOM's textContent. */
export function text(locator: Locator): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText is the rendered text on purpose
  return locator.innerText();
}
