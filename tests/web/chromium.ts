import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CHROMIUM_ARGS, chromiumPath } from "@bytelab/cli/chromium";
import { type BrowserContext, chromium } from "playwright-core";

export interface Chromium {
  context: BrowserContext;
  /** Closes the browser (its processes exit) and removes the profile folder. */
  close(): Promise<void>;
}

/** Chromium with a fresh, throwaway profile (user-data-dir). */
export async function launchChromium(): Promise<Chromium> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(
      `no Chromium at ${executablePath}: install it with sudo apt-get install -y chromium, or set BYTELAB_CHROMIUM`,
    );
  }
  const profile = mkdtempSync(join(tmpdir(), "bytelab-chromium-"));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: [...CHROMIUM_ARGS],
      viewport: { width: 1280, height: 800 },
      timeout: 30_000,
    });
    return {
      context,
      close: async () => {
        await context.close().catch(() => undefined);
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}
