import { describe, expect, it } from "vitest";
import { runCli, tempDir } from "./sweep-helpers";

// `bytelab doctor` as a real process: what runs here, the native kernels' state (and the fix when they are
// off), exit 0 while a backend runs and 1 when none starts.

const dir = tempDir("doctor");

interface Report {
  backend: { name: string; description: string } | null;
  native: { loaded: boolean; reason?: string; fix: string[]; threads?: number } | null;
  probe: { gflops: number } | null;
}

describe("bytelab doctor", () => {
  it("reports the backend that runs and the native kernels' state as JSON, exit 0", async () => {
    const r = await runCli(["doctor", "--json", "--no-probe"], {}, dir);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.backend?.name).toBe("wasm");
    expect(report.probe).toBeNull();
    if (report.native?.loaded) {
      expect(report.native.threads).toBeGreaterThanOrEqual(1);
      expect(report.backend?.description).toMatch(/native .* x\d+ thread/);
    } else {
      expect(report.native?.fix.join(" ")).toMatch(/build:native|BYTELAB_NATIVE/);
    }
  });

  it("says how to get the native kernels back when they are off", async () => {
    const r = await runCli(["doctor", "--no-probe"], { BYTELAB_NATIVE: "0" }, dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/native +not loaded: disabled by BYTELAB_NATIVE=0/);
    expect(r.stdout).toMatch(/no native kernels/);
    expect(r.stdout).toMatch(/unset BYTELAB_NATIVE/);
  });

  it("measures a matmul on the backend that runs", async () => {
    const r = await runCli(["doctor", "--json", "--backend", "cpu"], {}, dir);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.backend?.name).toBe("cpu");
    expect(report.probe?.gflops).toBeGreaterThan(0);
  });

  it("exits 1 when the requested backend cannot start", async () => {
    const r = await runCli(["doctor", "--no-probe", "--backend", "tensorflow-gpu"], {}, dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/backend +none starts: BYTELAB_BACKEND=tensorflow-gpu could not be started/);
  });
});
