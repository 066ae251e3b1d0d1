import { describe, expect, it } from "vitest";
import { sweepOutcome } from "@bytelab/service";
import { outcomeExitCode } from "../src/sweep/follow";
import { statusTable } from "../src/sweep/render";
import type { RunProgress, SweepStatus } from "@bytelab/service/schemas";
import { PlainDisplay, TtyDisplay } from "../src/sweep/watch";

const ESC = String.fromCharCode(27);

function run(over: Partial<RunProgress> & { id: string }): RunProgress {
  return {
    name: `s/${over.id}`,
    label: over.id,
    architecture: "hnet",
    seed: 0,
    status: "QUEUED",
    reused: false,
    step: null,
    totalSteps: 100,
    valBpb: null,
    trainBpb: null,
    bytesPerSecond: null,
    worker: null,
    error: null,
    earlyStop: null,
    attempts: 0,
    queuedAt: "2026-01-01T00:00:00.000Z",
    startedAt: null,
    finishedAt: null,
    ...over,
  };
}

function snapshot(runs: RunProgress[]): SweepStatus {
  const counts = { QUEUED: 0, RUNNING: 0, COMPLETED: 0, FAILED: 0, DIVERGED: 0, CANCELLED: 0 };
  for (const r of runs) counts[r.status]++;
  return {
    format: "bytelab.sweep-status/1",
    sweep: { id: "sw1", name: "s", description: null, kind: "sweep", createdAt: "2026-01-01T00:00:00.000Z" },
    outcome: sweepOutcome(runs.map((r) => r.status)),
    counts,
    total: runs.length,
    progress: { stepsDone: 0, stepsTotal: 0, fraction: null, etaSeconds: null },
    runs,
    at: "2026-01-01T00:01:00.000Z",
  };
}

/** A writable that records what was written, with the size of a terminal. */
function fakeTerminal(columns: number, rows: number) {
  const chunks: string[] = [];
  return {
    chunks,
    stream: { columns, rows, write: (s: string) => chunks.push(s) > 0 } as unknown as NodeJS.WriteStream,
  };
}

describe("sweep outcome and exit code", () => {
  it("is running while any run is QUEUED/RUNNING, else failed > cancelled > passed", () => {
    expect(sweepOutcome(["COMPLETED", "RUNNING", "FAILED"])).toBe("running");
    expect(sweepOutcome(["COMPLETED", "DIVERGED", "CANCELLED"])).toBe("failed");
    expect(sweepOutcome(["COMPLETED", "CANCELLED"])).toBe("cancelled");
    expect(sweepOutcome(["COMPLETED", "COMPLETED"])).toBe("passed");
    expect([outcomeExitCode("passed"), outcomeExitCode("failed"), outcomeExitCode("cancelled")]).toEqual([
      0, 1, 1,
    ]);
  });
});

describe("TtyDisplay", () => {
  it("redraws in place: moves up by the lines it drew last, clears each line, cuts lines to the width", () => {
    const term = fakeTerminal(60, 40);
    const display = new TtyDisplay(term.stream);
    const runs = [run({ id: "a", status: "RUNNING", step: 5, error: "x".repeat(200) }), run({ id: "b" })];
    display.update(snapshot(runs));
    const first = term.chunks[0]!;
    expect(first.startsWith(`${ESC}[2K`)).toBe(true); // nothing to move over on the first frame
    const lines = first.split("\n").slice(0, -1);
    expect(lines).toHaveLength(4); // header, column names, two runs
    for (const l of lines) expect(l.replace(`${ESC}[2K`, "").length).toBeLessThanOrEqual(60);
    display.update(snapshot(runs));
    expect(term.chunks[1]!.startsWith(`${ESC}[4A\r`)).toBe(true);
    expect(term.chunks[1]!.endsWith(`${ESC}[J`)).toBe(true);
  });

  it("shows the active runs first when they do not fit the terminal's height", () => {
    const runs = Array.from({ length: 30 }, (_, i) =>
      run({ id: `r${i}`, status: i === 25 ? "RUNNING" : i === 26 ? "FAILED" : "COMPLETED" }),
    );
    const lines = statusTable(snapshot(runs), { maxRows: 5 });
    expect(lines).toHaveLength(6); // column names, 4 runs, "... and N more"
    expect(lines.filter((l) => / r25 +RUNNING/.test(l) || / r26 +FAILED/.test(l))).toHaveLength(2);
    expect(lines.at(-1)).toContain("... and 26 more");
  });
});

describe("PlainDisplay", () => {
  it("prints a line per status or val/bpb change at once, and step-only progress at most every interval", () => {
    const out: string[] = [];
    let now = 0;
    const display = new PlainDisplay(
      { write: (s: string) => out.push(s) > 0 } as NodeJS.WritableStream,
      10_000,
      () => now,
    );
    display.update(snapshot([run({ id: "a" })]));
    expect(out).toEqual([expect.stringMatching(/a {2}QUEUED/), expect.stringMatching(/1 run: 1 queued/)]);
    out.length = 0;
    now = 1_000;
    display.update(snapshot([run({ id: "a", status: "RUNNING", step: 1 })]));
    expect(out.join("")).toMatch(/a {2}RUNNING {2}step 1\/100/);
    out.length = 0;
    now = 2_000;
    display.update(snapshot([run({ id: "a", status: "RUNNING", step: 2 })]));
    expect(out).toEqual([]);
    now = 11_000;
    display.update(snapshot([run({ id: "a", status: "RUNNING", step: 3 })]));
    expect(out.join("")).toMatch(/step 3\/100/);
    out.length = 0;
    now = 11_500;
    display.update(snapshot([run({ id: "a", status: "RUNNING", step: 3, valBpb: 2.5 })]));
    expect(out.join("")).toMatch(/val\/bpb 2\.500/);
  });
});
