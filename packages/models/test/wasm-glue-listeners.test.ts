import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { initBackend } from "../src/backend";
import { processListeners } from "../src/wasm/glue-listeners";

const BACKEND = JSON.stringify(join(__dirname, "../src/backend.ts"));

/** Starts the wasm backend in a fresh Node process, then fails in the way `failure` says. */
function failAfterWasmStarts(failure: string): Promise<{ status: number | null; stderr: string }> {
  const script = [
    `const { initBackend } = await import(${BACKEND});`,
    `const info = await initBackend("wasm");`,
    `if (info.tfBackend !== "wasm") throw new Error("wasm did not start: " + info.notes.join("; "));`,
    failure,
  ].join("\n");
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    cwd: join(__dirname, "../../.."),
    stdio: ["ignore", "ignore", "pipe"],
    timeout: 60_000,
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stderr }));
  });
}

// tfjs-backend-wasm's Emscripten glue adds process-wide uncaughtException / unhandledRejection listeners
// that rethrow: Node then reported every later crash at the glue's line, printing the whole minified module
// (~100 kB) instead of the error. registerWasmBackend removes exactly the listeners the module added.
describe("after the wasm backend starts", () => {
  it.concurrent.each([
    [
      "an uncaught exception",
      `setTimeout(() => { throw new Error("boom after wasm"); }, 0);`,
      "boom after wasm",
    ],
    ["an unhandled rejection", `Promise.reject(new Error("rejected after wasm"));`, "rejected after wasm"],
  ])("%s prints the error itself, not the wasm module's source", async (_label, failure, message) => {
    const run = await failAfterWasmStarts(failure);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`Error: ${message}`);
    expect(run.stderr).not.toMatch(/WasmBackendModule|Emscripten|ExitStatus/);
    expect(run.stderr.length).toBeLessThan(4000);
  });

  it("leaves this process's uncaughtException / unhandledRejection listeners as they were", async () => {
    const before = processListeners();
    await initBackend("wasm");
    expect(processListeners()).toEqual(before);
  });
});
