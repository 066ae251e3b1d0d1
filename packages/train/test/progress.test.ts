import { describe, expect, it } from "vitest";
import { formatDuration, formatRate, ProgressDisplay } from "../src/progress";
import type { TrainEvent } from "../src/trainer";

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { out: { isTTY, columns: 200, write: (c: string) => chunks.push(c) }, chunks };
}

const start: TrainEvent = {
  type: "start",
  runDir: "/runs/x",
  startStep: 0,
  totalSteps: 20,
  paramCount: 812_000,
  backend: {
    name: "wasm",
    tfBackend: "wasm",
    notes: [],
    reason: "test",
    kind: "cpu",
    device: "cpu: test (1 cores)",
  },
  bytesPerStep: 1024,
  warnings: ["prefix x matches nothing"],
};
const step = (s: number): Extract<TrainEvent, { type: "step" }> => ({
  type: "step",
  step: s,
  totalSteps: 20,
  loss: 3 - s * 0.05,
  lr: 1e-3,
  bytesPerSecond: 2048,
  wallTime: s * 0.5,
});

describe("ProgressDisplay", () => {
  it("redraws one bar line on a TTY with throughput, ETA, loss and val bpb", () => {
    const { out, chunks } = sink(true);
    const p = new ProgressDisplay(out, { logEvery: 10 });
    p.handle(start);
    p.handle(step(1));
    p.handle(step(2));
    p.handle({ type: "eval", step: 2, split: "val", result: { loss: 2, bpb: 2.885, bytes: 100 } });
    p.handle(step(20));
    p.finish();
    const text = chunks.join("");
    expect(text).toMatch(/812\.0k parameters/);
    expect(text).toMatch(/warning: prefix x matches nothing/);
    const bars = chunks.filter((c) => c.startsWith("\r\x1b[2K") && c.includes("%"));
    expect(bars.length).toBeGreaterThanOrEqual(2);
    const last = bars.at(-1)!;
    expect(last).toMatch(/100% 20\/20/);
    expect(last).toMatch(/2\.0 kB\/s/);
    expect(last).toMatch(/eta 0s/);
    expect(last).toMatch(/loss 2\.000/);
    expect(last).toMatch(/val bpb 2\.885/);
    expect(text.endsWith("\n")).toBe(true);
  });

  it("draws a FLOP-budgeted run by the share of its budget spent, also past its planned steps", () => {
    const { out, chunks } = sink(true);
    const p = new ProgressDisplay(out, { logEvery: 10 });
    p.handle(start);
    // An H-Net that compresses more than planned: 24 steps for a 20-step plan.
    p.handle({ ...step(12), progress: 0.5 });
    p.handle({ ...step(23), progress: 23 / 24 });
    p.handle({ ...step(24), progress: 1 });
    p.finish();
    const bars = chunks.filter((c) => c.startsWith("\r\x1b[2K") && c.includes("%"));
    expect(bars[0]).toMatch(/ 50% 12\/20/);
    expect(bars.at(-1)).toMatch(/100% 24\/20/);
    expect(bars.at(-1)).toMatch(/eta 0s/);
  });

  it("prints plain log lines every logEvery steps when not a TTY", () => {
    const { out, chunks } = sink(false);
    const p = new ProgressDisplay(out, { logEvery: 10 });
    p.handle(start);
    for (let s = 1; s <= 20; s++) p.handle(step(s));
    const lines = chunks.join("").trim().split("\n");
    expect(lines.filter((l) => l.startsWith("step "))).toHaveLength(2);
    expect(lines.some((l) => /^step 10\/20 {2}loss 2\.5000 {2}bpb 3\.607/.test(l))).toBe(true);
    expect(chunks.join("")).not.toContain("\r");
  });

  it("formats durations and rates", () => {
    expect(formatDuration(59.4)).toBe("59s");
    expect(formatDuration(125)).toBe("2m05s");
    expect(formatDuration(7300)).toBe("2h01m");
    expect(formatDuration(null)).toBe("?");
    expect(formatRate(950)).toBe("950 B/s");
    expect(formatRate(2_500_000)).toBe("2.50 MB/s");
  });
});
