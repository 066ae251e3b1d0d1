import { existsSync } from "node:fs";
import { join } from "node:path";
import type { RenderedChart } from "@bytelab/analysis/report";
import { CHROMIUM_ARGS, DEFAULT_CHROMIUM } from "./chromium";

export type PngResult = { written: string[] } | { skipped: string };

/**
 * Renders each chart's SVG to `<outDir>/<chart.file>` with headless Chromium (playwright-core drives the
 * system's Chromium; nothing is downloaded). Returns why it skipped when Chromium or playwright-core is missing.
 */
export async function renderChartsToPng(
  charts: RenderedChart[],
  outDir: string,
  executablePath: string = DEFAULT_CHROMIUM,
): Promise<PngResult> {
  if (!existsSync(executablePath))
    return {
      skipped: `Chromium not found at ${executablePath} (install it, e.g. apt-get install chromium, or set BYTELAB_CHROMIUM to its path)`,
    };
  let chromium: typeof import("playwright-core").chromium;
  try {
    ({ chromium } = await import("playwright-core"));
  } catch (error) {
    return { skipped: `playwright-core is not installed (${(error as Error).message})` };
  }
  const browser = await chromium.launch({ executablePath, args: [...CHROMIUM_ARGS] });
  try {
    // Twice the CSS pixels, so the PNGs stay sharp on slides and high-density screens.
    const page = await browser.newPage({ deviceScaleFactor: 2, viewport: { width: 1100, height: 800 } });
    const written: string[] = [];
    for (const chart of charts) {
      await page.setContent(
        `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin:0;background:#fff">${chart.svg}</body></html>`,
      );
      const path = join(outDir, chart.file);
      await page.locator("svg").first().screenshot({ path, omitBackground: false });
      written.push(path);
    }
    return { written };
  } finally {
    await browser.close();
  }
}
