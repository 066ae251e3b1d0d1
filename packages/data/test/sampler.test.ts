import { describe, expect, it } from "vitest";
import { BatchSampler, DatasetError, Prng, splitCorpus } from "../src/index";

/** A corpus whose train bytes are < 128 and held-out bytes >= 128, so a window's origin is visible. */
function markedCorpus(n: number) {
  const prng = Prng.fromSeed(5);
  const bytes = Uint8Array.from({ length: n }, (_, i) =>
    i < n * 0.9 ? prng.nextInt(128) : 128 + prng.nextInt(128),
  );
  return splitCorpus({ name: "marked", bytes });
}

function rows(batch: Int32Array, width: number): Int32Array[] {
  return Array.from({ length: batch.length / width }, (_, b) => batch.subarray(b * width, (b + 1) * width));
}

function findOffset(haystack: Uint8Array, row: Int32Array): number {
  outer: for (let o = 0; o + row.length <= haystack.length; o++) {
    for (let k = 0; k < row.length; k++) if (haystack[o + k] !== row[k]) continue outer;
    return o;
  }
  return -1;
}

describe("BatchSampler", () => {
  const splits = markedCorpus(20_000);
  const options = { batchSize: 8, seqLen: 32, seed: 123 };

  it("returns Int32Array [batchSize, seqLen + 1] of windows that lie inside the train split", () => {
    const sampler = new BatchSampler(splits.train, options);
    for (let step = 0; step < 20; step++) {
      const batch = sampler.next();
      expect(batch).toBeInstanceOf(Int32Array);
      expect(batch.length).toBe(8 * 33);
      for (const row of rows(batch, 33)) {
        expect(Math.max(...row)).toBeLessThan(128); // never a held-out byte
        expect(findOffset(splits.train.bytes, row)).toBeGreaterThanOrEqual(0); // a real window
      }
    }
    expect(sampler.batchesDrawn).toBe(20);
  });

  it("is reproducible for a seed and differs across seeds", () => {
    const a = new BatchSampler(splits.train, options);
    const b = new BatchSampler(splits.train, options);
    const c = new BatchSampler(splits.train, { ...options, seed: 124 });
    for (let i = 0; i < 5; i++) {
      const batchA = a.next();
      expect(b.next()).toEqual(batchA);
      expect(c.next()).not.toEqual(batchA);
    }
  });

  it("resumes exactly from a saved (JSON) state", () => {
    const original = new BatchSampler(splits.train, options);
    for (let i = 0; i < 7; i++) original.next();
    const saved = JSON.parse(JSON.stringify(original.state()));
    const expected = Array.from({ length: 5 }, () => original.next().slice());
    const resumed = BatchSampler.restore(splits.train, saved);
    expect(resumed.batchesDrawn).toBe(7);
    for (const batch of expected) expect(resumed.next()).toEqual(batch);
  });

  it("reaches every window of a tiny split, including the last, and nothing beyond", () => {
    const bytes = Uint8Array.from({ length: 12 }, (_, i) => i);
    const split = { dataset: "tiny", split: "train" as const, start: 0, end: 12, bytes };
    const sampler = new BatchSampler(split, { batchSize: 50, seqLen: 9, seed: 3 }); // 12 - 10 + 1 = 3 starts
    const starts = new Set<number>();
    for (let i = 0; i < 10; i++) for (const row of rows(sampler.next(), 10)) starts.add(row[0]!);
    expect([...starts].sort()).toEqual([0, 1, 2]);
  });

  it("refuses a split shorter than one window, an invalid option, or a state from another split", () => {
    expect(() => new BatchSampler(splits.validation, { ...options, seqLen: 5000 })).toThrow(
      /dataset "marked": the validation split .* fewer than one sequence of seqLen \+ 1 = 5001 bytes\. Use a seqLen of at most 999/,
    );
    expect(() => new BatchSampler(splits.train, { ...options, seqLen: 0 })).toThrow(/seqLen/);
    const state = new BatchSampler(splits.train, options).state();
    expect(() => BatchSampler.restore(splits.test, state)).toThrow(DatasetError);
    expect(() => BatchSampler.restore(splits.train, { ...state, version: 2 })).toThrow(
      /invalid sampler state/,
    );
  });
});
