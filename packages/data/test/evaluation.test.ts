import { describe, expect, it } from "vitest";
import { evaluationBatches, evaluationWindowCount } from "../src/index";

const bytes = Uint8Array.from({ length: 1001 }, (_, i) => (i * 7) % 256);
const split = { dataset: "seq", split: "validation" as const, start: 0, end: bytes.length, bytes };

describe("evaluationBatches", () => {
  it("walks the split in order with stride seqLen, so every byte after the first is a target once", () => {
    const seqLen = 64;
    const count = evaluationWindowCount(split, { seqLen, batchSize: 4 });
    expect(count).toBe(Math.floor(1000 / 64));
    const batches = [...evaluationBatches(split, { seqLen, batchSize: 4 })];
    expect(batches.map((b) => b.length / 65)).toEqual([4, 4, 4, 3]);
    const windows = batches.flatMap((b) =>
      Array.from({ length: b.length / 65 }, (_, r) => b.subarray(r * 65, (r + 1) * 65)),
    );
    const targetPositions: number[] = [];
    windows.forEach((w, i) => {
      expect(Array.from(w)).toEqual(Array.from(bytes.subarray(i * seqLen, i * seqLen + 65)));
      for (let t = 1; t <= seqLen; t++) targetPositions.push(i * seqLen + t);
    });
    expect(new Set(targetPositions).size).toBe(targetPositions.length); // targets never overlap
    expect(targetPositions).toEqual(Array.from({ length: count * seqLen }, (_, k) => k + 1)); // contiguous
  });

  it("stops at maxWindows and is deterministic", () => {
    const options = { seqLen: 10, batchSize: 3, maxWindows: 7 };
    expect(evaluationWindowCount(split, options)).toBe(7);
    const a = [...evaluationBatches(split, options)];
    expect(a.reduce((n, b) => n + b.length / 11, 0)).toBe(7);
    expect([...evaluationBatches(split, options)]).toEqual(a);
  });

  it("refuses a split shorter than one window", () => {
    expect(() => [...evaluationBatches(split, { seqLen: 1001, batchSize: 1 })]).toThrow(
      /dataset "seq": the validation split .* has 1001 bytes, fewer than one sequence of seqLen \+ 1 = 1002 bytes/,
    );
  });
});
