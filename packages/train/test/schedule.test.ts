import { describe, expect, it } from "vitest";
import { parseTrainConfig, totalSteps, warmupSteps } from "../src/config";
import { learningRateAt, type ScheduleSpec } from "../src/optim/schedule";

const base: ScheduleSpec = {
  kind: "cosine",
  lr: 1e-3,
  totalSteps: 100,
  warmupSteps: 10,
  minLrRatio: 0.1,
  decayFraction: 0.2,
  decayShape: "linear",
};
const lrs = (s: ScheduleSpec) => Array.from({ length: s.totalSteps }, (_, i) => learningRateAt(i, s));

describe("learning-rate schedules", () => {
  it("warms up linearly from lr/warmup to lr", () => {
    const l = lrs(base);
    expect(l[0]).toBeCloseTo(1e-4, 12);
    expect(l[4]).toBeCloseTo(5e-4, 12);
    expect(l[9]).toBeCloseTo(1e-3, 12);
  });

  it("cosine decays monotonically from lr to minLrRatio x lr, halfway at the midpoint", () => {
    const l = lrs(base);
    expect(l[10]).toBeCloseTo(1e-3, 12);
    expect(l[99]).toBeCloseTo(1e-4, 12);
    for (let i = 11; i < 100; i++) expect(l[i]!).toBeLessThanOrEqual(l[i - 1]!);
    // progress p = (step - 10) / 89; p = 0.5 at step 54.5 -> between steps 54 and 55
    const mid = (1e-3 + 1e-4) / 2;
    expect(l[54]!).toBeGreaterThan(mid);
    expect(l[55]!).toBeLessThan(mid);
  });

  it("WSD holds lr until the last decayFraction of steps, then decays to the minimum", () => {
    for (const shape of ["linear", "cosine", "sqrt"] as const) {
      const s: ScheduleSpec = { ...base, kind: "wsd", decayShape: shape };
      const l = lrs(s);
      for (let i = 10; i <= 80; i++) expect(l[i]).toBe(1e-3);
      expect(l[81]!).toBeLessThan(1e-3);
      expect(l[99]).toBeCloseTo(1e-4, 12);
      for (let i = 81; i < 100; i++) expect(l[i]!).toBeLessThan(l[i - 1]!);
    }
    // 1-sqrt drops faster at first than linear
    const lin = lrs({ ...base, kind: "wsd", decayShape: "linear" });
    const sq = lrs({ ...base, kind: "wsd", decayShape: "sqrt" });
    expect(sq[82]!).toBeLessThan(lin[82]!);
  });

  it("constant stays at lr after warmup; zero warmup starts at lr", () => {
    const l = lrs({ ...base, kind: "constant", warmupSteps: 0 });
    expect(new Set(l)).toEqual(new Set([1e-3]));
  });
});

describe("training config", () => {
  it("fills documented defaults and derives steps and warmup", () => {
    const c = parseTrainConfig({ architecture: "hnet" });
    expect(c.optimizer.lr).toBe(3e-3);
    expect(c.schedule.kind).toBe("cosine");
    expect(totalSteps(c)).toBe(1000);
    expect(warmupSteps(c)).toBe(50);
    const b = parseTrainConfig({
      architecture: "hnet",
      byteBudget: 100_000,
      seqLen: 100,
      batchSize: 4,
      gradAccumulation: 2,
    });
    expect(totalSteps(b)).toBe(125);
  });

  it("names the bad field and the fix", () => {
    expect(() => parseTrainConfig({ architecture: "rnn" })).toThrow(/architecture/);
    expect(() => parseTrainConfig({ architecture: "hnet", steps: 10, byteBudget: 5 })).toThrow(
      /byteBudget: give either steps or byteBudget/,
    );
    expect(() => parseTrainConfig({ architecture: "hnet", optimizer: { lrr: 1 } })).toThrow(/optimizer/);
    expect(() => parseTrainConfig({ architecture: "hnet", optimizer: { noDecayPatterns: ["("] } })).toThrow(
      /noDecayPatterns\.0/,
    );
  });
});
