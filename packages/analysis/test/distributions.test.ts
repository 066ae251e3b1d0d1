import { describe, expect, it } from "vitest";
import { normalCdf, normalQuantile, studentTCdf, studentTQuantile, summarize } from "../src";

// Upper-tail critical values t_{p, df} as printed in standard tables (3 decimals).
const TABLE: Array<[p: number, df: number, t: number]> = [
  [0.975, 1, 12.706],
  [0.975, 2, 4.303],
  [0.975, 3, 3.182],
  [0.975, 4, 2.776],
  [0.975, 5, 2.571],
  [0.975, 10, 2.228],
  [0.975, 20, 2.086],
  [0.975, 30, 2.042],
  [0.975, 60, 2.0],
  [0.975, 120, 1.98],
  [0.95, 1, 6.314],
  [0.95, 5, 2.015],
  [0.95, 10, 1.812],
  [0.95, 30, 1.697],
  [0.9, 1, 3.078],
  [0.9, 10, 1.372],
  [0.995, 1, 63.657],
  [0.995, 2, 9.925],
  [0.995, 10, 3.169],
  [0.9995, 1, 636.619],
  [0.9995, 5, 6.869],
];

describe("Student t quantiles", () => {
  it.each(TABLE)("t(%f, df=%i) matches the table value %f to 3 decimals", (p, df, t) => {
    expect(Math.abs(studentTQuantile(p, df) - t)).toBeLessThanOrEqual(0.0005 + 1e-9);
  });

  it("matches the closed forms for df = 1 (Cauchy) and df = 2 to 1e-12", () => {
    const relative = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));
    for (const p of [0.001, 0.1, 0.3, 0.6, 0.9, 0.975, 0.999999]) {
      expect(relative(studentTQuantile(p, 1), Math.tan(Math.PI * (p - 0.5)))).toBeLessThan(1e-10);
      expect(relative(studentTQuantile(p, 2), (2 * p - 1) / Math.sqrt(2 * p * (1 - p)))).toBeLessThan(1e-12);
    }
  });

  it("is symmetric, inverts the CDF and tends to the normal quantile", () => {
    for (const df of [0.5, 1, 3, 7.5, 40, 1e4]) {
      for (const p of [1e-6, 0.01, 0.2, 0.5, 0.8, 0.99]) {
        const t = studentTQuantile(p, df);
        // 1 - p carries a relative error of 1e-16 / p, which the symmetric quantile inherits
        expect(Math.abs(studentTQuantile(1 - p, df) + t)).toBeLessThanOrEqual(
          1e-8 * Math.max(1, Math.abs(t)),
        );
        expect(Math.abs(studentTCdf(t, df) - p) / p).toBeLessThan(1e-10);
      }
    }
    expect(studentTQuantile(0.975, 1e9)).toBeCloseTo(1.959963984540054, 10);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalCdf(-1.6448536269514722)).toBeCloseTo(0.05, 14);
  });

  it("rejects probabilities outside (0, 1) and non-positive degrees of freedom", () => {
    expect(() => studentTQuantile(1, 3)).toThrowError(/p: must be a probability strictly between 0 and 1/);
    expect(() => studentTQuantile(0.9, 0)).toThrowError(/df: degrees of freedom must be > 0/);
    expect(() => normalQuantile(Number.NaN)).toThrowError(/probability/);
  });
});

describe("summarize", () => {
  it("gives mean, median, stderr and the t interval of the mean", () => {
    const s = summarize([1, 2, 3, 4, 10]);
    expect(s).toMatchObject({ n: 5, mean: 4, median: 3, min: 1, max: 10 });
    const std = Math.sqrt((9 + 4 + 1 + 0 + 36) / 4);
    expect(s.std).toBeCloseTo(std, 12);
    expect(s.stderr).toBeCloseTo(std / Math.sqrt(5), 12);
    expect(s.ci!.upper - 4).toBeCloseTo(2.776445105 * (std / Math.sqrt(5)), 6);
    expect(summarize([2.5])).toMatchObject({ n: 1, std: null, stderr: null, ci: null });
  });
});
