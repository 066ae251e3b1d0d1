import { initBackend } from "@bytelab/models";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { chunkBoundaryDepths, renderWithBoundaries } from "../src/boundaries";
import { generate, sampleByte } from "../src/generate";
import { SeededRng } from "../src/rng";
import { createBigram } from "./helpers/bigram";

beforeAll(async () => {
  await initBackend();
});

const prompt = new TextEncoder().encode("The cat");

describe("generate", () => {
  it("is deterministic for a seed, differs across seeds, and greedy = top-k 1", () => {
    const model = createBigram({ seed: 3 });
    const opts = { bytes: 24, temperature: 1, seed: 5, context: 16 };
    const a = generate(model, prompt, opts);
    const b = generate(model, prompt, opts);
    const c = generate(model, prompt, { ...opts, seed: 6 });
    expect(a.length).toBe(prompt.length + 24);
    expect([...a.subarray(0, prompt.length)]).toEqual([...prompt]);
    expect([...a]).toEqual([...b]);
    expect([...a]).not.toEqual([...c]);
    const greedy = generate(model, prompt, { ...opts, temperature: 0 });
    const top1 = generate(model, prompt, { ...opts, topK: 1, seed: 99 });
    expect([...top1]).toEqual([...greedy]);
    // the bigram's logits depend on the last byte only, so greedy text follows argmax chains
    const tensorsBefore = tf.memory().numTensors;
    const streamed: number[] = [];
    generate(model, prompt, { ...opts, onByte: (x) => streamed.push(x) });
    expect(streamed).toEqual([...a.subarray(prompt.length)]);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    model.dispose();
  });

  it("samples from softmax(logits / T) restricted to the top k", () => {
    const rng = new SeededRng(1);
    const logits = [0, Math.log(3), -50, -50]; // p = [0.25, 0.75, ~0, ~0]
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[sampleByte(logits, 1, 0, rng)]! += 1;
    expect(counts[1]! / 4000).toBeGreaterThan(0.72);
    expect(counts[1]! / 4000).toBeLessThan(0.78);
    // T = 0.5 squares the odds: 9:1
    const hot = [0, 0];
    for (let i = 0; i < 4000; i++) hot[sampleByte(logits, 0.5, 2, rng)]! += 1;
    expect(hot[1]! / 4000).toBeGreaterThan(0.87);
    expect(hot[1]! / 4000).toBeLessThan(0.93);
    // top-k 1 always picks the argmax
    for (let i = 0; i < 50; i++) expect(sampleByte(logits, 2, 1, rng)).toBe(1);
  });
});

describe("chunk boundaries", () => {
  it("renders '|' before outer chunk starts and '‖' before deeper ones", () => {
    const text = new TextEncoder().encode("abcdef");
    expect(renderWithBoundaries(text, Uint8Array.from([1, 0, 1, 0, 2, 0]), false)).toBe("|ab|cd‖ef");
    const colored = renderWithBoundaries(text, Uint8Array.from([1, 0, 1, 0, 2, 0]), true);
    expect(colored).toContain("\x1b[36m");
    expect(
      colored
        .split("\x1b[")
        .map((part, i) => (i === 0 ? part : part.replace(/^[0-9;]*m/, "")))
        .join(""),
    ).toBe("abcdef");
    // a multi-byte character stays whole
    const utf = new TextEncoder().encode("aé");
    expect(renderWithBoundaries(utf, Uint8Array.from([1, 0, 1]), false)).toBe("|a|é");
  });

  it("maps nested stage boundaries back to byte positions; models without routing give undefined", () => {
    const bigram = createBigram();
    expect(chunkBoundaryDepths(bigram, new Uint8Array([1, 2, 3]))).toBeUndefined();
    // stage 0 over 6 bytes starts chunks at 0, 2, 4; stage 1 over those 3 chunks starts at chunk 0 and 2 (= byte 4)
    const fake = {
      ...bigram,
      forwardDetailed: () => ({
        logits: tf.zeros([1, 6, 256]),
        auxLoss: tf.scalar(0),
        stageLosses: [tf.scalar(0)],
        routing: [
          { seqLen: 6, lengths: [6], boundaryMask: Uint8Array.from([1, 0, 1, 0, 1, 0]) },
          { seqLen: 3, lengths: [3], boundaryMask: Uint8Array.from([1, 0, 1]) },
        ],
      }),
    };
    const before = tf.memory().numTensors;
    expect([...chunkBoundaryDepths(fake, new Uint8Array(6))!]).toEqual([2, 0, 1, 0, 2, 0]);
    expect(tf.memory().numTensors).toBe(before);
    bigram.dispose();
  });
});
