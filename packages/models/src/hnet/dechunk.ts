import * as tf from "@tensorflow/tfjs";

/** DeChunkLayer clamps the boundary probability before the EMA: P = clamp(p, 1e-4, 1 - 1e-4). */
export const DECHUNK_PROB_CLAMP = 1e-4;

/**
 * The dechunk EMA over chunks, z_j = P_j y_j + (1 - P_j) z_{j-1}, z_{-1} = 0, for every row at once.
 * y: [B, M, D], P: [B, M] -> z: [B, M, D].
 *
 * Design: a Hillis-Steele (doubling) scan of the affine maps z -> a_j z + u_j with a_j = 1 - P_j,
 * u_j = P_j y_j. After the step with offset d, (a_j, u_j) is the composition of the maps j-2d+1..j, so
 * ceil(log2 M) steps of shift (pad + slice), multiply and add give every z_j. All ops are differentiable
 * on every backend, and it is numerically a float32 recurrence: each z_j is a sum of products of the same
 * factors (only grouped differently), so it stays within a few ulps of the sequential loop (the test checks
 * 1e-5). A closed form with exp(cumsum(log(1 - P))) differences would lose ~ulp(|cumsum|) ~ 3e-5 after
 * ~100 chunks (P > 0.5 at every boundary, so log(1 - P) < -0.69 per chunk), which is why it is not used.
 * The reference runs the same recurrence through the Mamba-2 scan (dt = -log(1 - P), x = y / dt, A = -1,
 * B = P, C = 1); equal up to float rounding.
 * Padding slots sit after a row's real chunks, so the (causal) scan never mixes them into real ones.
 */
export function emaScan(y: tf.Tensor3D, P: tf.Tensor2D): tf.Tensor3D {
  const [b, m, d] = y.shape;
  let a: tf.Tensor = tf.scalar(1).sub(P).expandDims(-1); // [B, M, 1]
  let u: tf.Tensor = y.mul(P.expandDims(-1)); // [B, M, D]
  for (let offset = 1; offset < m; offset *= 2) {
    const shiftedU = u
      .pad([
        [0, 0],
        [offset, 0],
        [0, 0],
      ])
      .slice([0, 0, 0], [b, m, d]); // [B, M, D]: u_{j-offset}
    u = u.add(a.mul(shiftedU));
    if (2 * offset < m) {
      const shiftedA = a
        .pad([
          [0, 0],
          [offset, 0],
          [0, 0],
        ])
        .slice([0, 0, 0], [b, m, 1]); // [B, M, 1]
      a = a.mul(shiftedA);
    }
  }
  return u as tf.Tensor3D;
}

/**
 * Straight-through estimator (hnet/models/hnet.py STE): the value is exactly 1, the gradient passes unchanged
 * to x. The reference multiplies the dechunked output by ste(selected_probs) so the router gets a gradient
 * from the LM loss even though the forward factor is 1.
 */
export const straightThrough: (x: tf.Tensor) => tf.Tensor = tf.customGrad((...args) => ({
  value: tf.onesLike(args[0] as tf.Tensor),
  gradFunc: (dy: tf.Tensor) => dy.clone(),
}));
