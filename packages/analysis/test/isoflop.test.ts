import { describe, expect, it } from "vitest";
import { type IsoFlopPointInput, isoFlopAnalysis } from "../src";
import { gaussian } from "./helpers/synthetic";

// A Chinchilla-like ground truth: loss(N, C) with the optimum N*(C) = 0.1 C^0.5 and a parabola in ln N.
const optimum = (compute: number) => 0.1 * compute ** 0.5;
const loss = (params: number, compute: number) =>
  1 + 0.3 * Math.log(params / optimum(compute)) ** 2 + 5 * compute ** -0.05;

function ladder(budgets: number[], sizeFactors: number[], noise = 0, seed = 1): IsoFlopPointInput[] {
  const normal = gaussian(seed);
  return budgets.flatMap((compute) =>
    sizeFactors.map((f) => ({
      compute,
      params: optimum(compute) * f,
      loss: loss(optimum(compute) * f, compute) + noise * normal(),
    })),
  );
}

describe("isoFlopAnalysis", () => {
  const budgets = [1e16, 1e17, 1e18, 1e19];
  const factors = [0.25, 0.5, 1.3, 2, 4];

  it("finds the loss-optimal model size at every budget and the frontier exponent", () => {
    const result = isoFlopAnalysis(ladder(budgets, factors));
    expect(result.budgets.map((b) => b.status)).toEqual(["ok", "ok", "ok", "ok"]);
    for (const b of result.budgets) {
      expect(Math.abs(b.optimalParams! / optimum(b.compute) - 1)).toBeLessThan(1e-9);
      expect(b.minLoss).toBeCloseTo(loss(optimum(b.compute), b.compute), 9);
      expect(b.sizes).toHaveLength(5);
    }
    expect(result.frontier!.exponent).toBeCloseTo(0.5, 9);
    expect(result.frontier!.coefficient).toBeCloseTo(0.1, 9);
    expect(result.frontier!.budgetsUsed).toBe(4);
  });

  it("stays close with noise (0.002 loss noise: optimum within 15%)", () => {
    const result = isoFlopAnalysis(ladder(budgets, [0.2, 0.35, 0.6, 1, 1.7, 3, 5], 0.002, 3));
    for (const b of result.budgets)
      expect(Math.abs(b.optimalParams! / optimum(b.compute) - 1)).toBeLessThan(0.15);
    expect(Math.abs(result.frontier!.exponent - 0.5)).toBeLessThan(0.05);
  });

  it("refuses a budget whose minimum lies outside the tested sizes, saying which side to extend", () => {
    const points = [
      ...ladder([1e16, 1e17], factors),
      ...ladder([1e18], [2, 3, 4, 6]), // all larger than the optimum
      ...ladder([1e19], [0.1, 0.2, 0.4]), // all smaller
    ];
    const result = isoFlopAnalysis(points);
    const [, , above, below] = result.budgets;
    expect(above!.status).toBe("refused");
    expect(above!.reason).toMatch(/lies below the tested sizes \[.*\]; add smaller models/);
    expect(above!.optimalParams).toBeNull();
    expect(below!.reason).toMatch(/lies above the tested sizes .*add larger models/);
    expect(result.frontier!.budgetsUsed).toBe(2);
  });

  it("refuses budgets with fewer than 3 sizes or no curvature", () => {
    const points: IsoFlopPointInput[] = [
      ...ladder([1e16], [0.5, 2]),
      { compute: 1e17, params: 1e6, loss: 3 },
      { compute: 1e17, params: 2e6, loss: 2.9 },
      { compute: 1e17, params: 4e6, loss: 2.5 }, // concave: falls faster and faster
    ];
    const result = isoFlopAnalysis(points);
    expect(result.budgets[0]!.reason).toMatch(/needs 3 or more model sizes .* got 2/);
    expect(result.budgets[1]!.reason).toMatch(/not convex/);
    expect(result.frontier).toBeNull();
  });

  it("names the bad field", () => {
    expect(() => isoFlopAnalysis([{ compute: 1e16, params: -5, loss: 1 }])).toThrowError(
      /points\[0\]\.params: params must be > 0/,
    );
  });
});
