import { copyFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import type { Chromium } from "./chromium";

// Shared by the runs / run / compare browser tests: open a page in a theme and record what went wrong in the
// browser (console errors, page errors, failed same-origin requests), and screenshots kept for a person.

/** Where the dashboard screenshots go (kept after the run); also copied to /tmp/bytelab-shots. */
export const SHOTS_DIR = join(tmpdir(), "bytelab-dashboard-shots");
const COPY_DIR = "/tmp/bytelab-shots";

export interface Visit {
  page: Page;
  status: number | undefined;
  /** Console errors, uncaught exceptions, and same-origin requests that failed or answered >= 400. */
  problems: string[];
}

/** Opens `path` on `origin` in a new tab with the theme set before the first paint. */
export async function openPage(
  browser: Chromium,
  origin: string,
  path: string,
  theme: "dark" | "light" = "dark",
  opts: { allowStatus?: number[] } = {},
): Promise<Visit> {
  const page = await browser.context.newPage();
  await page.addInitScript((t) => {
    try {
      localStorage.setItem("bytelab-theme", t);
    } catch {
      // no storage: dark
    }
  }, theme);
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    // Chrome logs the expected status of a page opened for it (a 404 page) as a console error too.
    const expected = opts.allowStatus?.some((s) => m.text().includes(`status of ${s}`));
    if (!expected) problems.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("requestfailed", (r) => {
    const failure = r.failure()?.errorText ?? "";
    // Navigations away abort in-flight polls and RSC prefetches: that is not a fault of the page.
    if (r.url().startsWith(origin) && !/ERR_ABORTED/.test(failure)) problems.push(`${r.url()}: ${failure}`);
  });
  page.on("response", (r) => {
    if (r.url().startsWith(origin) && r.status() >= 400 && !opts.allowStatus?.includes(r.status()))
      problems.push(`${r.url()}: HTTP ${r.status()}`);
  });
  const response = await page.goto(`${origin}${path}`, { waitUntil: "load", timeout: 60_000 });
  return { page, status: response?.status(), problems };
}

/** Saves a full-page screenshot as `<name>-<theme>.png` under SHOTS_DIR (and the copy folder). */
export async function shoot(page: Page, name: string, theme: "dark" | "light"): Promise<string> {
  // The picture must be of the theme it is named after (dark is the default: no attribute).
  const shownTheme = await page.evaluate(() => document.documentElement.dataset.theme ?? "dark");
  if (shownTheme !== theme) throw new Error(`${name}: the page shows the ${shownTheme} theme, not ${theme}`);
  mkdirSync(SHOTS_DIR, { recursive: true });
  const path = join(SHOTS_DIR, `${name}-${theme}.png`);
  await page.screenshot({ path, fullPage: true });
  try {
    mkdirSync(COPY_DIR, { recursive: true });
    copyFileSync(path, join(COPY_DIR, `${name}-${theme}.png`));
  } catch {
    // the copy is a convenience
  }
  return path;
}

/** Every line chart on the page has drawn: its plot holds an SVG with as many line paths as it says. */
export async function chartsDrawn(page: Page, timeoutMs = 30_000): Promise<void> {
  await page.waitForFunction(
    () => {
      const charts = [...document.querySelectorAll<HTMLElement>('[data-chart="lines"]')];
      return (
        charts.length > 0 &&
        charts.every((c) => {
          if (c.dataset.state === "loading") return false;
          if (c.dataset.state !== "ready") return true; // empty or error: nothing to draw
          const want = Number(c.dataset.lines ?? 0);
          return c.querySelectorAll("path.recharts-line-curve").length >= want;
        })
      );
    },
    undefined,
    { timeout: timeoutMs },
  );
}

/** The legend of the chart titled `title`: each entry's name, drawn points and N (groups). */
export async function legendOf(
  page: Page,
  title: string,
): Promise<Array<{ name: string; points: number; n: number | null }>> {
  const figure = page.getByRole("figure", { name: title });
  return figure.locator(".chart-legend li").evaluateAll((items) =>
    items.map((li) => {
      const el = li as HTMLElement;
      return {
        name: el.dataset.series ?? "",
        points: Number(el.dataset.points ?? 0),
        n: el.dataset.n ? Number(el.dataset.n) : null,
      };
    }),
  );
}

/** The text as rendered for a person (innerText: laid out, hidden parts left out), not the DOM's textContent. */
export function shown(locator: import("playwright-core").Locator): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText is the rendered text on purpose
  return locator.innerText();
}
