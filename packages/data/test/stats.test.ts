import { describe, expect, it } from "vitest";
import { byteStats } from "../src/index";

describe("byteStats", () => {
  it("gives 8 bits for uniform bytes, 0 for a constant, 1 for two equally frequent values", () => {
    expect(byteStats(Uint8Array.from({ length: 2560 }, (_, i) => i % 256)).unigramBitsPerByte).toBeCloseTo(
      8,
      12,
    );
    expect(byteStats(new Uint8Array(100).fill(65))).toEqual({
      bytes: 100,
      distinctBytes: 1,
      unigramBitsPerByte: 0,
    });
    expect(byteStats(Uint8Array.from({ length: 10 }, (_, i) => i % 2)).unigramBitsPerByte).toBeCloseTo(1, 12);
  });

  it("matches the entropy formula on skewed data", () => {
    const bytes = new Uint8Array([...new Array(75).fill(1), ...new Array(25).fill(2)]);
    const expected = -(0.75 * Math.log2(0.75) + 0.25 * Math.log2(0.25));
    const s = byteStats(bytes);
    expect(s.unigramBitsPerByte).toBeCloseTo(expected, 12);
    expect(s.distinctBytes).toBe(2);
  });
});
