import { describe, expect, it } from "vitest";
import { DatasetError, DEFAULT_SPLIT_FRACTIONS, Prng, SPLIT_NAMES, splitCorpus } from "../src/index";
import { sameBytes } from "./bytes-equal";

function randomBytes(n: number, seed: number): Uint8Array {
  const prng = Prng.fromSeed(seed);
  return Uint8Array.from({ length: n }, () => prng.nextInt(256));
}

describe("splitCorpus", () => {
  it("makes disjoint, contiguous splits that cover the corpus, 90/5/5 by default", () => {
    for (const n of [1, 2, 19, 20, 21, 1000, 123_457]) {
      const bytes = randomBytes(n, n);
      const s = splitCorpus({ name: "t", bytes });
      expect(s.train.start).toBe(0);
      expect(s.train.end).toBe(s.validation.start);
      expect(s.validation.end).toBe(s.test.start);
      expect(s.test.end).toBe(n);
      const total = SPLIT_NAMES.reduce((sum, k) => sum + s[k].bytes.length, 0);
      expect(total).toBe(n);
      expect(Math.abs(s.train.bytes.length - n * DEFAULT_SPLIT_FRACTIONS.train)).toBeLessThanOrEqual(1);
      expect(
        Math.abs(s.validation.bytes.length - n * DEFAULT_SPLIT_FRACTIONS.validation),
      ).toBeLessThanOrEqual(1);
      // the bytes are exactly the corpus ranges
      for (const k of SPLIT_NAMES)
        expect(sameBytes(s[k].bytes, bytes.subarray(s[k].start, s[k].end))).toBe(true);
    }
  });

  it("is a pure function of the bytes and fractions", () => {
    const bytes = randomBytes(50_001, 7);
    const a = splitCorpus({ name: "a", bytes }, { train: 0.8, validation: 0.15, test: 0.05 });
    const b = splitCorpus(
      { name: "other-name", bytes: bytes.slice() },
      { train: 0.8, validation: 0.15, test: 0.05 },
    );
    for (const k of SPLIT_NAMES) {
      expect([a[k].start, a[k].end]).toEqual([b[k].start, b[k].end]);
      expect(sameBytes(a[k].bytes, b[k].bytes)).toBe(true);
    }
    expect(a.train.end).toBe(40_000);
    expect(a.validation.end).toBe(47_500);
  });

  it("accepts a zero test fraction (validation runs to the end)", () => {
    const s = splitCorpus(
      { name: "t", bytes: randomBytes(1000, 1) },
      { train: 0.9, validation: 0.1, test: 0 },
    );
    expect(s.validation.end).toBe(1000);
    expect(s.test.bytes.length).toBe(0);
  });

  it("rejects fractions that do not add up to 1, naming the dataset", () => {
    const bytes = randomBytes(100, 1);
    expect(() => splitCorpus({ name: "mine", bytes }, { train: 0.9, validation: 0.2, test: 0.05 })).toThrow(
      DatasetError,
    );
    expect(() => splitCorpus({ name: "mine", bytes }, { train: 0.9, validation: 0.2, test: 0.05 })).toThrow(
      /dataset "mine": invalid split fractions .*add up to 1/,
    );
    expect(() => splitCorpus({ name: "mine", bytes }, { train: 0, validation: 0.5, test: 0.5 })).toThrow(
      /train/,
    );
  });
});
