import { describe, expect, it } from "vitest";
import { axisMap, bandPath, linePath, nearestIndex, project, unproject } from "../src/lib/series/paths";
import { distinctX, rowAt } from "../src/lib/series/rows";

describe("chart geometry from columnar series", () => {
  const mx = axisMap([0, 10], [0, 100], "linear");
  const my = axisMap([0, 1], [50, 0], "linear"); // y grows upwards

  it("projects linear and log axes, and back", () => {
    expect(project(mx, 5)).toBe(50);
    expect(project(my, 1)).toBe(0);
    const log = axisMap([1, 1000], [0, 300], "log");
    expect(project(log, 10)).toBeCloseTo(100, 9);
    expect(project(log, 0)).toBeNaN();
    expect(unproject(log, 200)).toBeCloseTo(100, 9);
    expect(unproject(mx, 25)).toBe(2.5);
  });

  it("one path through the drawable points, connecting across missing ones", () => {
    expect(linePath([0, 5, 10], [0, null, 1], mx, my)).toBe("M0 50L100 0");
    expect(linePath([0, 5], [Number.NaN, null], mx, my)).toBe("");
    const log = axisMap([1, 100], [0, 100], "log");
    expect(linePath([0, 1, 100], [0.5, 0.5, 0.5], log, my)).toBe("M0 25L100 25");
  });

  it("bands are closed polygons, split where an edge is missing", () => {
    expect(bandPath([0, 10], [0, 0], [1, 1], mx, my)).toBe("M0 0L100 0L100 50L0 50Z");
    const split = bandPath([0, 2, 4, 6, 8], [0, 0, null, 0, 0], [1, 1, 1, 1, 1], mx, my);
    expect(split.match(/M/g)).toHaveLength(2);
  });

  it("the tooltip snaps to the nearest x and reads each line there", () => {
    expect(nearestIndex([1, 3, 7], 4.9)).toBe(1);
    expect(nearestIndex([1, 3, 7], 5.1)).toBe(2);
    expect(nearestIndex([], 1)).toBe(-1);
    const lines = [
      { id: "a", name: "a", x: [1, 2, 3], y: [10, null, 30] },
      { id: "b", name: "b", x: [2, 3], y: [20, 31] },
    ];
    expect(distinctX(lines, "linear", "linear")).toEqual([1, 2, 3]);
    expect(rowAt(lines, 3)).toEqual({ x: 3, y0: 30, y1: 31 });
    expect(rowAt(lines, 2)).toEqual({ x: 2, y1: 20 });
  });
});
