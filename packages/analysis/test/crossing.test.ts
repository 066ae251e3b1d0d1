import { describe, expect, it } from "vitest";
import { findCrossing, fitPowerLaw } from "../src";
import { syntheticLadder, type Truth, trueLoss } from "./helpers/synthetic";

function fitOf(architecture: string, truth: Truth, seed: number, noise = 0.005) {
  const runs = syntheticLadder({ architecture, truth, levels: 8, seeds: 3, lo: 1e15, hi: 1e19, noise, seed });
  return fitPowerLaw(runs, { resamples: 300, seed: 1, level: 0.9 });
}

/** ln C where E1 + A1 C^-a1 = E2 + A2 C^-a2, by bisection on the true curves (test oracle). */
function trueCrossing(a: Truth, b: Truth, lo: number, hi: number): number {
  let l = Math.log(lo);
  let h = Math.log(hi);
  const d = (x: number) => trueLoss(a, Math.exp(x)) - trueLoss(b, Math.exp(x));
  for (let i = 0; i < 200; i++) {
    const m = (l + h) / 2;
    if (d(m) > 0 === d(l) > 0) l = m;
    else h = m;
  }
  return Math.exp((l + h) / 2);
}

// A flat Transformer that starts better but scales worse than a hierarchical model.
const flat: Truth = { E: 0.9, A: 8, alpha: 0.1 };
const hierarchical: Truth = { E: 0.72, A: 100, alpha: 0.15 };

describe("findCrossing", () => {
  it("finds the crossing of two noiseless fits to 1e-6 relative, with the better architecture above it", () => {
    const a = fitOf("transformer", flat, 1, 0);
    const b = fitOf("hnet", hierarchical, 2, 0);
    const truth = trueCrossing(flat, hierarchical, 1e15, 1e19);
    expect(truth).toBeGreaterThan(1e15);
    expect(truth).toBeLessThan(1e19);
    const result = findCrossing(a, b);
    expect(result.status).toBe("crossing");
    expect(result.crossings).toHaveLength(1);
    const crossing = result.crossings[0]!;
    expect(Math.abs(crossing.compute / truth - 1)).toBeLessThan(1e-6);
    expect(crossing.betterAbove).toBe("hnet");
    expect(crossing.loss).toBeCloseTo(trueLoss(flat, truth), 8);
  });

  it("gives a bootstrap interval around the crossing of noisy fits that contains the truth", () => {
    const a = fitOf("transformer", flat, 3);
    const b = fitOf("hnet", hierarchical, 4);
    const truth = trueCrossing(flat, hierarchical, 1e15, 1e19);
    const { crossings, crossingShare } = findCrossing(a, b);
    const iv = crossings[0]!.interval!;
    expect(iv.lower).toBeLessThan(crossings[0]!.compute);
    expect(iv.upper).toBeGreaterThan(crossings[0]!.compute);
    expect(iv.lower).toBeLessThan(truth);
    expect(iv.upper).toBeGreaterThan(truth);
    expect(crossingShare).toBeGreaterThan(0.9);
  });

  it("reports no crossing in range when one curve is lower throughout", () => {
    const a = fitOf("transformer", flat, 5);
    const b = fitOf("hnet", { E: 0.6, A: 8, alpha: 0.1 }, 6);
    const result = findCrossing(a, b);
    expect(result.status).toBe("no-crossing");
    expect(result.crossings).toEqual([]);
    expect(result.lowerThroughout).toBe("hnet");
    expect(result.message).toMatch(
      /^no crossing in range \[1\.00e\+15, 1\.00e\+19\]: hnet is lower throughout$/,
    );
    expect(result.crossingShare).toBeLessThan(0.05);
  });

  it("finds a crossing beyond the data only when the range is extended to it", () => {
    const late: Truth = { E: 0.8, A: 100, alpha: 0.14 };
    const truth = trueCrossing(flat, late, 1e15, 1e30);
    expect(truth).toBeGreaterThan(2e19);
    const a = fitOf("transformer", flat, 7, 0);
    const b = fitOf("hnet", late, 8, 0);
    expect(findCrossing(a, b).status).toBe("no-crossing");
    const extended = findCrossing(a, b, { range: [1e15, 1e30] });
    expect(extended.status).toBe("crossing");
    expect(Math.abs(extended.crossings[0]!.compute / truth - 1)).toBeLessThan(1e-6);
  });

  it("marks an interval bound open when resamples cross beyond the range", () => {
    // Curves that just touch near the end of the range: many resamples cross past it.
    const near: Truth = { E: 0.8, A: 100, alpha: 0.14 };
    const a = fitOf("transformer", flat, 9, 0.02);
    const b = fitOf("hnet", near, 10, 0.02);
    const estimate = findCrossing(a, b, { range: [1e15, 1e30] }).crossings[0]!.compute;
    const end = estimate * 1.2;
    const result = findCrossing(a, b, { range: [1e15, end] });
    expect(result.status).toBe("crossing");
    const iv = result.crossings[0]!.interval!;
    expect(iv.upperOpen).toBe(true);
    expect(iv.upper).toBe(end);
    expect(iv.lowerOpen).toBe(false);
    expect(iv.lower).toBeLessThan(result.crossings[0]!.compute);
    expect(result.crossingShare).toBeGreaterThan(0);
    expect(result.crossingShare).toBeLessThan(1);
  });

  it("rejects comparing an architecture with itself and bad ranges", () => {
    const a = fitOf("transformer", flat, 1, 0);
    expect(() => findCrossing(a, a)).toThrowError(/both fits are for "transformer"/);
    const b = fitOf("hnet", hierarchical, 2, 0);
    expect(() => findCrossing(a, b, { range: [1e18, 1e15] })).toThrowError(
      /options\.range: range must be \[min, max\]/,
    );
  });
});
