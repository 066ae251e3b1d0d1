import * as tf from "@tensorflow/tfjs";
import { expect } from "vitest";
import type { ByteLM } from "../src/model";

/** Deterministic pseudo-random byte rows (LCG, top byte: any value 0..255, including 0x00), [rows][len]. */
export function randomBytes(rows: number, len: number, seed: number): number[][] {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s >>> 24;
  };
  return Array.from({ length: rows }, () => Array.from({ length: len }, next));
}

/** Logits [B, T, 256] of `rows` as a flat copy; every tensor of the forward pass is disposed. */
export function logitsOf(model: ByteLM, rows: number[][]): Float32Array {
  const input = tf.tensor2d(rows, [rows.length, rows[0]!.length], "int32");
  const { logits, auxLoss } = model.forward(input);
  expect(logits.shape).toEqual([rows.length, rows[0]!.length, 256]);
  const data = logits.dataSync().slice() as Float32Array;
  tf.dispose([input, logits, ...(auxLoss ? [auxLoss] : [])]);
  return data;
}

/** max |a[i] - b[i]| over i in [from, to). */
export function maxDiff(a: Float32Array, b: Float32Array, from = 0, to = a.length): number {
  let m = 0;
  for (let i = from; i < to; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Next-byte training pair of `rows` ([B][T+1] bytes): x = bytes 0..T-1, y = bytes 1..T, both [B, T] int32. */
export function nextByteBatch(rows: number[][]): { x: tf.Tensor2D; y: tf.Tensor2D } {
  return {
    x: tf.tensor2d(
      rows.map((r) => r.slice(0, -1)),
      undefined,
      "int32",
    ),
    y: tf.tensor2d(
      rows.map((r) => r.slice(1)),
      undefined,
      "int32",
    ),
  };
}
