import type * as tf from "@tensorflow/tfjs";

/** The kernels of a tf.profile run (TF.js does not export the ProfileInfo type itself). */
type ProfiledKernels = Awaited<ReturnType<typeof tf.profile>>["kernels"];

/**
 * An independent FLOP count for the analytic flopsPerByte tests: 2 * M * K * N for every matrix product a
 * profiled run executed, read off the kernels' shapes. BatchMatMul / _FusedMatMul operands may be transposed;
 * the fused wasm attention kernel (BytelabCausalAttention) runs two products per (batch, head), q k^T and
 * P v, T x T x Dh each (the masked half included, as the composite's matmuls compute it). The native
 * path's fused kernels count the same: BytelabLinear is one [rows, in] x [in, out] product, and
 * BytelabCausalAttentionPacked (qkv [B, T, 3D] -> out, P^T [B, H, T, T]) two products per (batch, head).
 */
export function profiledMatmulFlops(kernels: ProfiledKernels): number {
  let flops = 0;
  for (const k of kernels) {
    if (k.name === "BytelabCausalAttention") {
      const [b, h, t, dh] = k.inputShapes[0] as [number, number, number, number];
      flops += 2 * 2 * b * h * t * t * dh;
      continue;
    }
    if (k.name === "BytelabCausalAttentionPacked") {
      const [b, t, c] = k.inputShapes[0] as [number, number, number];
      const h = (k.outputShapes[1] as number[])[1]!;
      flops += 2 * 2 * b * h * t * t * (c / 3 / h);
      continue;
    }
    if (k.name === "BytelabLinear") {
      const [x, w] = k.inputShapes as number[][];
      const [outDim, inDim] = w! as [number, number];
      flops += 2 * (x!.reduce((p, q) => p * q, 1) / inDim) * inDim * outDim;
      continue;
    }
    if (k.name !== "BatchMatMul" && k.name !== "_FusedMatMul") continue;
    const [a, b] = k.inputShapes as number[][];
    const out = k.outputShapes[0] as number[];
    const [m, n] = out.slice(-2) as [number, number];
    const batchCount = out.reduce((p, q) => p * q, 1) / (m * n);
    flops += 2 * batchCount * m * sharedDim(a!, b!, m, n) * n;
  }
  return flops;
}

/** The contracted dimension of a (possibly transposed) product with output [.., m, n]. */
function sharedDim(a: number[], b: number[], m: number, n: number): number {
  const [a0, a1] = a.slice(-2) as [number, number];
  const [b0, b1] = b.slice(-2) as [number, number];
  // a is [m, k] or [k, m]; b is [k, n] or [n, k]. Pick the side that is not m / n.
  const fromA = a0 === m ? a1 : a0;
  const fromB = b1 === n ? b0 : b1;
  if (fromA !== fromB)
    throw new Error(`cannot infer the shared dimension of [${a}] x [${b}] -> [${m}, ${n}]`);
  return fromA;
}
