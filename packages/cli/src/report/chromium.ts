import { z } from "zod";

/**
 * The one headless Chromium bytelab drives (`bytelab report --png`, the browser tests): Debian's chromium
 * (CI installs it in .ci/run), never a browser Playwright downloads; BYTELAB_CHROMIUM names another binary.
 */
export const DEFAULT_CHROMIUM = "/usr/bin/chromium";

/** Offline, quiet headless Chromium: no GPU, no network services (updates, sync, QUIC probes), no first run. */
export const CHROMIUM_ARGS: readonly string[] = Object.freeze([
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-quic",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
]);

export const chromiumEnvSchema = z.object({
  BYTELAB_CHROMIUM: z
    .string()
    .trim()
    .min(
      1,
      "BYTELAB_CHROMIUM is empty: give the path of a Chromium binary, or unset it for /usr/bin/chromium",
    )
    .optional(),
});

/** The Chromium binary to launch: BYTELAB_CHROMIUM, else /usr/bin/chromium. */
export function chromiumPath(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return chromiumEnvSchema.parse(env).BYTELAB_CHROMIUM ?? DEFAULT_CHROMIUM;
}
