import * as tf from "@tensorflow/tfjs";

/**
 * Rotary position embedding (RoFormer), non-interleaved: channel i of a head pairs with channel i + Dh/2
 * (GPT-NeoX / LLaMA "rotate_half"), frequencies theta^(-2i/Dh).
 * Returns cos/sin tables [T, Dh] (each half repeated) for positions 0..T-1.
 */
export function rotaryTables(
  seqLen: number,
  headDim: number,
  theta: number,
): { cos: tf.Tensor2D; sin: tf.Tensor2D } {
  const half = headDim / 2;
  const cos = new Float32Array(seqLen * headDim);
  const sin = new Float32Array(seqLen * headDim);
  for (let t = 0; t < seqLen; t++) {
    for (let i = 0; i < half; i++) {
      const angle = t * theta ** ((-2 * i) / headDim);
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      cos[t * headDim + i] = c;
      cos[t * headDim + i + half] = c;
      sin[t * headDim + i] = s;
      sin[t * headDim + i + half] = s;
    }
  }
  return { cos: tf.tensor2d(cos, [seqLen, headDim]), sin: tf.tensor2d(sin, [seqLen, headDim]) };
}

/** x * cos + rotate_half(x) * sin, with rotate_half([x1, x2]) = [-x2, x1]. x: [B, H, T, Dh], tables [T, Dh]. */
export function applyRotary(x: tf.Tensor4D, cos: tf.Tensor2D, sin: tf.Tensor2D): tf.Tensor4D {
  const half = x.shape[3] / 2;
  const [x1, x2] = tf.split(x, [half, half], 3) as [tf.Tensor4D, tf.Tensor4D]; // [B, H, T, Dh/2] each
  const rotated = tf.concat([x2.neg(), x1], 3); // [B, H, T, Dh]
  return x.mul(cos).add(rotated.mul(sin)) as tf.Tensor4D;
}
