import { describe, expect, it } from "vitest";
import {
  compareAtBudgets,
  interpolateLogLinear,
  type LearningCurveInput,
  logSpaced,
  normaliseCurve,
} from "../src";

describe("interpolateLogLinear", () => {
  const curve = normaliseCurve([
    { x: 1e3, value: 4 },
    { x: 1e1, value: 6 },
    { x: 1e5, value: 3 },
  ]);

  it("is linear in log x between the points around the budget", () => {
    expect(interpolateLogLinear(curve, 1e2)).toEqual({ value: 5, excluded: null });
    expect(interpolateLogLinear(curve, 1e4).value).toBeCloseTo(3.5, 12);
    // a quarter of the way in log space from 1e1 to 1e3 is 10^1.5
    expect(interpolateLogLinear(curve, 10 ** 1.5).value).toBeCloseTo(5.5, 12);
  });

  it("returns points exactly at their x, including the first and last", () => {
    expect(interpolateLogLinear(curve, 1e1).value).toBe(6);
    expect(interpolateLogLinear(curve, 1e3).value).toBe(4);
    expect(interpolateLogLinear(curve, 1e5).value).toBe(3);
  });

  it("never extrapolates: before the first or after the last point is excluded with the reason", () => {
    expect(interpolateLogLinear(curve, 1e5 * 1.0001)).toEqual({ value: null, excluded: "not-reached" });
    expect(interpolateLogLinear(curve, 9)).toEqual({ value: null, excluded: "before-first-point" });
  });

  it("keeps the last value logged at a repeated x (a resumed run)", () => {
    const c = normaliseCurve([
      { x: 1, value: 1 },
      { x: 2, value: 2 },
      { x: 2, value: 5 },
      { x: 4, value: 4 },
    ]);
    expect(Array.from(c.x)).toEqual([1, 2, 4]);
    expect(interpolateLogLinear(c, 2).value).toBe(5);
  });
});

describe("compareAtBudgets", () => {
  // Each run: value = offset - 0.5 log10(x), so the exact value at any budget is known.
  const run = (runId: string, architecture: string, offset: number, lastX: number): LearningCurveInput => ({
    runId,
    architecture,
    points: logSpaced(1e12, lastX, 9).map((x) => ({ x, value: offset - 0.5 * Math.log10(x) })),
  });
  const curves = [
    run("t1", "transformer", 10, 1e18),
    run("t2", "transformer", 10.2, 1e18),
    run("t3", "transformer", 10.4, 1e16),
    run("h1", "hnet", 9.8, 1e18),
    run("h2", "hnet", 9.9, 1e18),
  ];

  it("compares architectures at each budget with mean, std, N, min and max", () => {
    const { budgets } = compareAtBudgets(curves, { budgets: [1e17, 1e15] });
    expect(budgets.map((b) => b.budget)).toEqual([1e15, 1e17]);
    const at15 = budgets[0]!.architectures;
    expect(at15.map((a) => a.architecture)).toEqual(["transformer", "hnet"]);
    expect(at15[0]).toMatchObject({ n: 3, notReached: 0, beforeFirstPoint: 0 });
    expect(at15[0]!.mean).toBeCloseTo(10.2 - 7.5, 10);
    expect(at15[0]!.std).toBeCloseTo(0.2, 10);
    expect(at15[0]!.min).toBeCloseTo(10 - 7.5, 10);
    expect(at15[0]!.max).toBeCloseTo(10.4 - 7.5, 10);
    expect(at15[1]!.mean).toBeCloseTo(9.85 - 7.5, 10);
  });

  it("leaves out and counts runs that did not reach a budget", () => {
    const { budgets } = compareAtBudgets(curves, { budgets: [1e17, 1e11] });
    const transformer = budgets[1]!.architectures[0]!;
    expect(transformer).toMatchObject({ n: 2, notReached: 1 });
    expect(transformer.runs.find((r) => r.runId === "t3")).toEqual({
      runId: "t3",
      value: null,
      excluded: "not-reached",
    });
    expect(transformer.mean).toBeCloseTo(10.1 - 8.5, 10);
    const early = budgets[0]!.architectures[1]!;
    expect(early).toMatchObject({ n: 0, mean: null, std: null, min: null, max: null, beforeFirstPoint: 2 });
  });

  it("names the bad field for NaN values and x <= 0", () => {
    const bad = structuredClone(curves);
    bad[1]!.points[3]!.value = Number.NaN;
    expect(() => compareAtBudgets(bad, { budgets: [1e15] })).toThrowError(
      /curves\[1\]\.points\[3\]\.value: value must be a finite number/,
    );
    const zero = structuredClone(curves);
    zero[0]!.points[0]!.x = 0;
    expect(() => compareAtBudgets(zero, { budgets: [1e15] })).toThrowError(
      /curves\[0\]\.points\[0\]\.x: x must be > 0/,
    );
    expect(() => compareAtBudgets(curves, { budgets: [] })).toThrowError(
      /options\.budgets: give at least one budget/,
    );
  });
});
