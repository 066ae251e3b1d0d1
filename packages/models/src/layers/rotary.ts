import * as tf from "@tensorflow/tfjs";
import { fusedRotary } from "./fused";

const f32 = Math.fround;

/**
 * Rotary position embedding (RoFormer) tables for positions 0..T-1: cos and sin, each [T, rd/2], for the
 * first rd channels of a head, frequencies inv_freq_i = 1 / base^(2i/rd). Angles are rounded like the
 * references' float32 computation (inv_freq = 1 / base ** (arange(0, rd, 2).float() / rd), then
 * freqs = outer(t, inv_freq), all float32: hnet/modules/rotary.py, MEGABYTE-pytorch RotaryEmbedding);
 * rounding each step matters: at position 255 one float32 ulp of the angle is ~1.5e-5.
 */
export function rotaryTables(
  seqLen: number,
  rotaryDim: number,
  base: number,
): { cos: tf.Tensor2D; sin: tf.Tensor2D } {
  const half = rotaryDim / 2;
  const cos = new Float32Array(seqLen * half);
  const sin = new Float32Array(seqLen * half);
  const fBase = f32(base);
  const invFreq = Array.from({ length: half }, (_, i) => f32(1 / f32(fBase ** f32((2 * i) / rotaryDim))));
  for (let t = 0; t < seqLen; t++) {
    for (let i = 0; i < half; i++) {
      const angle = f32(t * invFreq[i]!);
      cos[t * half + i] = Math.cos(angle);
      sin[t * half + i] = Math.sin(angle);
    }
  }
  return { cos: tf.tensor2d(cos, [seqLen, half]), sin: tf.tensor2d(sin, [seqLen, half]) };
}

/**
 * Non-interleaved (GPT-NeoX / LLaMA "rotate_half") rotary on the first rd channels of every head: channel i
 * pairs with i + rd/2, out = x * cos + rotate_half(x) * sin with rotate_half([x1, x2]) = [-x2, x1].
 * x: [B, H, T, Dh], cos/sin: [T, rd/2] (rotaryTables) -> [B, H, T, Dh]; channels rd..Dh pass through.
 */
export function applyRotary(x: tf.Tensor4D, cos: tf.Tensor2D, sin: tf.Tensor2D): tf.Tensor4D {
  const fused = fusedRotary(x, cos, sin); // one kernel with bytelab's native kernels
  if (fused) return fused as tf.Tensor4D;
  const [b, h, t, dh] = x.shape;
  const half = cos.shape[1];
  const x1 = x.slice([0, 0, 0, 0], [b, h, t, half]); // [B, H, T, rd/2]
  const x2 = x.slice([0, 0, 0, half], [b, h, t, half]); // [B, H, T, rd/2]
  const parts = [x1.mul(cos).sub(x2.mul(sin)), x1.mul(sin).add(x2.mul(cos))];
  if (2 * half < dh) parts.push(x.slice([0, 0, 0, 2 * half], [b, h, t, dh - 2 * half]));
  return tf.concat(parts, -1) as tf.Tensor4D;
}
