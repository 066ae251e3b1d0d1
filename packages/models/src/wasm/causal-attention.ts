import type { KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs";
import { gemm } from "./gemm";
import { asWasmBackend, tensorData, type WasmBackend } from "./heap";
import { transposeBatched } from "./transpose-2d";

/** Kernel names of the fused causal attention (src/layers/causal-attention.ts runs them when registered). */
export const CAUSAL_ATTENTION = "BytelabCausalAttention";
export const CAUSAL_ATTENTION_GRAD = "BytelabCausalAttentionGrad";

/** Large finite negative for masked scores: XNNPACK's softmax turns it into exactly 0. */
const MASKED = -1e30;

/**
 * Fused causal softmax attention on the wasm backend, one (batch, head) slice at a time so the [T, T]
 * scores stay in cache-sized scratch instead of full [B, H, T, T] tensors passing through half a dozen
 * kernels (scale, mask add, softmax, and their gradients incl. a reduction of the mask's). Per slice:
 *   forward:  S = q (scale k)^T [XNNPACK GEMM]; S[i, j > i] = MASKED; P = softmax(S) [XNNPACK];
 *             out = P v [GEMM]; saves P^T (so the backward needs no transpose of a saved tensor)
 *   backward: dP^T = v dO^T [GEMM]; dv = P^T dO [GEMM]; D_i = sum_j P_ij dP_ij;
 *             dS^T = P^T * (dP^T - D) * scale (upper triangle only); dk = dS^T q [GEMM];
 *             dq = (dS^T)^T k [transpose + GEMM]
 * Same FLOPs as the unfused ops (6 GEMMs of T x T x Dh per slice).
 */

type Attrs = { scale: number };

/** Temporary heap tensors freed together. */
class Scratch {
  private readonly items: TensorInfo[] = [];
  constructor(private readonly backend: WasmBackend) {}
  alloc(shape: number[]): { info: TensorInfo; offset: number; id: number } {
    const info = this.backend.makeOutput(shape, "float32");
    this.items.push(info);
    const data = tensorData(this.backend, info);
    return { info, offset: data.memoryOffset, id: data.id };
  }
  free(): void {
    for (const t of this.items) this.backend.disposeData(t.dataId);
  }
}

/** Float32 view of `length` floats at byte `offset`, taken now (the heap may have grown since the last view). */
function f32(backend: WasmBackend, offset: number, length: number): Float32Array {
  const start = offset >>> 2;
  return backend.wasm.HEAPF32.subarray(start, start + length);
}

function offsetOf(backend: WasmBackend, t: TensorInfo): number {
  return tensorData(backend, t).memoryOffset;
}

function checkShapes(q: TensorInfo, k: TensorInfo, v: TensorInfo): [number, number, number] {
  const [b, h, t, dh] = q.shape as [number, number, number, number];
  for (const [name, x] of [
    ["k", k],
    ["v", v],
  ] as const) {
    if (x.shape.join(",") !== q.shape.join(",")) {
      throw new Error(
        `causal attention: ${name} shape [${x.shape}] must equal q shape [${q.shape}] ([B, H, T, Dh])`,
      );
    }
  }
  if (q.dtype !== "float32") throw new Error(`causal attention: float32 only (got ${q.dtype})`);
  return [b * h, t, dh];
}

function causalAttentionForward(args: {
  inputs: { q: TensorInfo; k: TensorInfo; v: TensorInfo };
  backend: unknown;
  attrs: Attrs;
}): TensorInfo[] {
  const { q, k, v } = args.inputs;
  const { scale } = args.attrs;
  const backend = asWasmBackend(args.backend);
  const [slices, t, dh] = checkShapes(q, k, v);
  const out = backend.makeOutput(q.shape, "float32"); // [B, H, T, Dh]
  const pT = backend.makeOutput([...q.shape.slice(0, 2), t, t], "float32"); // [B, H, T, T], P transposed
  const scratch = new Scratch(backend);
  try {
    const kT = scratch.alloc([dh, t]);
    const s = scratch.alloc([t, t]);
    const p = scratch.alloc([t, t]);
    const [qOff, kOff, vOff] = [offsetOf(backend, q), offsetOf(backend, k), offsetOf(backend, v)];
    const [outOff, pTOff] = [offsetOf(backend, out), offsetOf(backend, pT)];
    const sliceBytes = t * dh * 4;
    for (let z = 0; z < slices; z++) {
      // kT = scale * k_z^T   [Dh, T]
      const kTView = f32(backend, kT.offset, dh * t);
      transposeBatched(f32(backend, kOff + z * sliceBytes, t * dh), kTView, 1, t, dh);
      for (let i = 0; i < kTView.length; i++) kTView[i]! *= scale;
      gemm(backend, qOff + z * sliceBytes, kT.offset, s.offset, t, dh, t); // S [T, T]
      const sView = f32(backend, s.offset, t * t);
      for (let i = 0; i < t - 1; i++) sView.fill(MASKED, i * t + i + 1, (i + 1) * t);
      backend.wasm._Softmax(s.id, p.id, t, t); // P [T, T]
      gemm(backend, p.offset, vOff + z * sliceBytes, outOff + z * sliceBytes, t, t, dh); // out_z [T, Dh]
      transposeBatched(f32(backend, p.offset, t * t), f32(backend, pTOff + z * t * t * 4, t * t), 1, t, t);
    }
  } finally {
    scratch.free();
  }
  return [out, pT];
}

function causalAttentionBackward(args: {
  inputs: { q: TensorInfo; k: TensorInfo; v: TensorInfo; pT: TensorInfo; dy: TensorInfo };
  backend: unknown;
  attrs: Attrs;
}): TensorInfo[] {
  const { q, k, v, pT, dy } = args.inputs;
  const { scale } = args.attrs;
  const backend = asWasmBackend(args.backend);
  const [slices, t, dh] = checkShapes(q, k, v);
  const dq = backend.makeOutput(q.shape, "float32");
  const dk = backend.makeOutput(q.shape, "float32");
  const dv = backend.makeOutput(q.shape, "float32");
  const scratch = new Scratch(backend);
  const d = new Float64Array(t);
  try {
    const dyT = scratch.alloc([dh, t]);
    const dPT = scratch.alloc([t, t]);
    const dS = scratch.alloc([t, t]);
    const off = (x: TensorInfo) => offsetOf(backend, x);
    const [qOff, kOff, vOff, pTOff, dyOff] = [off(q), off(k), off(v), off(pT), off(dy)];
    const [dqOff, dkOff, dvOff] = [off(dq), off(dk), off(dv)];
    const sliceBytes = t * dh * 4;
    const squareBytes = t * t * 4;
    for (let z = 0; z < slices; z++) {
      transposeBatched(
        f32(backend, dyOff + z * sliceBytes, t * dh),
        f32(backend, dyT.offset, dh * t),
        1,
        t,
        dh,
      );
      gemm(backend, vOff + z * sliceBytes, dyT.offset, dPT.offset, t, dh, t); // dP^T [T, T]
      gemm(backend, pTOff + z * squareBytes, dyOff + z * sliceBytes, dvOff + z * sliceBytes, t, t, dh); // dv_z
      // Row j of the transposed layout holds keys j against queries i >= j.
      const pTz = f32(backend, pTOff + z * squareBytes, t * t);
      const g = f32(backend, dPT.offset, t * t);
      d.fill(0);
      for (let j = 0; j < t; j++) {
        const row = j * t;
        for (let i = j; i < t; i++) d[i]! += pTz[row + i]! * g[row + i]!;
      }
      for (let j = 0; j < t; j++) {
        const row = j * t;
        g.fill(0, row, row + j);
        for (let i = j; i < t; i++) g[row + i] = pTz[row + i]! * (g[row + i]! - d[i]!) * scale;
      }
      gemm(backend, dPT.offset, qOff + z * sliceBytes, dkOff + z * sliceBytes, t, t, dh); // dk_z = dS^T q
      transposeBatched(f32(backend, dPT.offset, t * t), f32(backend, dS.offset, t * t), 1, t, t);
      gemm(backend, dS.offset, kOff + z * sliceBytes, dqOff + z * sliceBytes, t, t, dh); // dq_z = dS k
    }
  } finally {
    scratch.free();
  }
  return [dq, dk, dv];
}

export const causalAttentionConfig: KernelConfig = {
  kernelName: CAUSAL_ATTENTION,
  backendName: "wasm",
  kernelFunc: causalAttentionForward as unknown as KernelFunc,
};

export const causalAttentionGradConfig: KernelConfig = {
  kernelName: CAUSAL_ATTENTION_GRAD,
  backendName: "wasm",
  kernelFunc: causalAttentionBackward as unknown as KernelFunc,
};
