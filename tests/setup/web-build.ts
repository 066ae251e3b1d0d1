import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureWebBuild } from "../web/web-app";

/**
 * Builds apps/web once, before any test file runs, when its production build is missing or stale.
 * The start test (`npm start`) and the browser test both serve that build; building here keeps them
 * from racing for Next's build lock on a fresh clone, and makes the build time visible in one place.
 */
export default async function setup() {
  // Running only tests that need no web app (e.g. `BYTELAB_SKIP_WEB_BUILD=1 npx vitest run packages/service`):
  // skip the build here; tests that serve the app still build it themselves (ensureWebBuild).
  if (process.env.BYTELAB_SKIP_WEB_BUILD === "1") return;
  const log = join(mkdtempSync(join(tmpdir(), "bytelab-web-build-")), "next-build.log");
  const outcome = await ensureWebBuild(log);
  if (outcome.action !== "reused") {
    console.log(
      `[web] production build ${outcome.action} in ${outcome.seconds.toFixed(1)} s (${outcome.reason}); log: ${log}`,
    );
  }
}
