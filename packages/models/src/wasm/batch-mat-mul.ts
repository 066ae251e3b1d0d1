import {
  BatchMatMul,
  type BatchMatMulAttrs,
  broadcast_util,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from "@tensorflow/tfjs";
import { transposeBatched } from "./transpose-2d";
import { gemm } from "./gemm";
import { asWasmBackend, sizeOf, tensorData, type WasmBackend } from "./heap";

/**
 * BatchMatMul for the wasm backend that always runs XNNPACK's SIMD GEMM.
 *
 * The stock kernel uses XNNPACK only for [1,M,K] x [1,K,N] without transposes; everything else (every
 * backward matmul, every attention matmul) falls to a scalar triple loop at ~1.5 GFLOP/s. Here each product
 * becomes plain row-major GEMMs: operands that are stored transposed are transposed once (transpose-2d.ts), and each batch slice is handed to the stock fast path through tensor ids registered on
 * sub-ranges of the heap (no copies). When the right operand is shared across the batch (a weight), the
 * batch folds into the rows and runs as one GEMM.
 *
 * Two layouts are considered and the one that moves fewer floats is used:
 *   direct:  C = A' B'              (transpose A if transposeA, B if transposeB)
 *   swapped: C = (B'^T A'^T)^T      (transpose B if !transposeB, A if !transposeA, then the result)
 * e.g. attention's dV = P^T dO: direct would transpose P [T,T]; swapped transposes dO [T,Dh] and the
 * [Dh,T] result, T/Dh times less traffic.
 * XNNPACK packs the right operand per call (cost K*N), which is counted too.
 */

/** [batch, R, C] -> [batch, C, R] as a new tensor (caller disposes). */
function transposeLastTwo(backend: WasmBackend, t: TensorInfo, batch: number, rows: number, cols: number) {
  const out = backend.makeOutput([batch, cols, rows], "float32");
  // Views after makeOutput: an allocation can grow (and detach) the heap. Offsets can exceed 2^31 (the heap
  // grows to 4 GiB), so shift unsigned.
  const heap = backend.wasm.HEAPF32;
  const from = tensorData(backend, t).memoryOffset >>> 2;
  const to = tensorData(backend, out).memoryOffset >>> 2;
  const n = batch * rows * cols;
  transposeBatched(heap.subarray(from, from + n), heap.subarray(to, to + n), batch, rows, cols);
  return out;
}

/** For every output batch index, the flat batch index into an operand whose batch shape broadcasts to `outBatch`. */
export function batchIndexMap(operandBatch: number[], outBatch: number[]): Int32Array {
  const total = sizeOf(outBatch);
  const map = new Int32Array(total);
  const rank = outBatch.length;
  const pad = rank - operandBatch.length;
  const strides = new Array<number>(rank).fill(0);
  let stride = 1;
  for (let d = rank - 1; d >= pad; d--) {
    const size = operandBatch[d - pad]!;
    strides[d] = size === 1 ? 0 : stride;
    stride *= size;
  }
  for (let z = 0; z < total; z++) {
    let rest = z;
    let index = 0;
    for (let d = rank - 1; d >= 0; d--) {
      const size = outBatch[d]!;
      index += (rest % size) * strides[d]!;
      rest = Math.floor(rest / size);
    }
    map[z] = index;
  }
  return map;
}

/**
 * out[z] = x[mapX[z]] @ y[mapY[z]] for row-major x: [*, P, K], y: [*, K, Q], out: [Z, P, Q], all given by
 * heap byte offsets. Every call runs the XNNPACK path of the stock C++ kernel.
 */
function gemmBatches(
  backend: WasmBackend,
  xOffset: number,
  yOffset: number,
  outOffset: number,
  p: number,
  k: number,
  q: number,
  mapX: Int32Array,
  mapY: Int32Array,
): void {
  const z = mapX.length;
  let sharedY = true;
  let identityX = true;
  for (let i = 0; i < z; i++) {
    if (mapY[i] !== mapY[0]) sharedY = false;
    if (mapX[i] !== i) identityX = false;
  }
  // A weight shared across the batch: fold the batch into the rows, one GEMM.
  const folds = sharedY && identityX ? z : 1;
  const calls = z / folds;
  const rows = p * folds;
  for (let c = 0; c < calls; c++) {
    gemm(
      backend,
      xOffset + mapX[c]! * p * k * 4,
      yOffset + mapY[c]! * k * q * 4,
      outOffset + c * p * q * 4,
      rows,
      k,
      q,
    );
  }
}

export interface MatMulPlan {
  layout: "direct" | "swapped";
  /** Floats moved by transposes and weight packing under the chosen layout. */
  traffic: number;
}

/** Which layout moves fewer floats (see the file comment). Exported for the benchmark's table. */
export function planMatMul(
  m: number,
  k: number,
  n: number,
  batchA: number,
  batchB: number,
  batchOut: number,
  transposeA: boolean,
  transposeB: boolean,
): MatMulPlan {
  const direct = (transposeA ? m * k * batchA : 0) + (transposeB ? k * n * batchB : 0) + k * n * batchOut;
  const swapped =
    (transposeB ? 0 : k * n * batchB) +
    (transposeA ? 0 : m * k * batchA) +
    m * n * batchOut +
    k * m * batchOut;
  return direct <= swapped ? { layout: "direct", traffic: direct } : { layout: "swapped", traffic: swapped };
}

function batchMatMul(args: {
  inputs: { a: TensorInfo; b: TensorInfo };
  backend: unknown;
  attrs: BatchMatMulAttrs;
}) {
  const { a, b } = args.inputs;
  const { transposeA, transposeB } = args.attrs;
  const backend = asWasmBackend(args.backend);
  if (a.dtype !== "float32" || b.dtype !== "float32") {
    throw new Error(
      `BatchMatMul on wasm supports float32 only (got ${a.dtype} x ${b.dtype}); cast the inputs first`,
    );
  }
  const aRank = a.shape.length;
  const bRank = b.shape.length;
  const m = transposeA ? a.shape[aRank - 1]! : a.shape[aRank - 2]!;
  const k = transposeA ? a.shape[aRank - 2]! : a.shape[aRank - 1]!;
  const kB = transposeB ? b.shape[bRank - 1]! : b.shape[bRank - 2]!;
  const n = transposeB ? b.shape[bRank - 2]! : b.shape[bRank - 1]!;
  if (k !== kB) {
    throw new Error(
      `matMul: inner dimensions ${k} and ${kB} of shapes [${a.shape}] and [${b.shape}] (transposeA=${transposeA}, transposeB=${transposeB}) must match`,
    );
  }
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  const outBatch = broadcast_util.assertAndGetBroadcastShape(aBatch, bBatch);
  const batchA = sizeOf(aBatch);
  const batchB = sizeOf(bBatch);
  const batchOut = sizeOf(outBatch);
  const outShape = [...outBatch, m, n];
  if (batchOut * m * n === 0 || k === 0) {
    const out = backend.makeOutput(outShape, "float32");
    const o = tensorData(backend, out);
    backend.wasm.HEAPU8.fill(0, o.memoryOffset, o.memoryOffset + batchOut * m * n * 4);
    return out;
  }
  const mapA = batchIndexMap(aBatch, outBatch);
  const mapB = batchIndexMap(bBatch, outBatch);
  const plan = planMatMul(m, k, n, batchA, batchB, batchOut, transposeA, transposeB);
  const temporaries: TensorInfo[] = [];
  const offsetOf = (t: TensorInfo) => tensorData(backend, t).memoryOffset;
  try {
    if (plan.layout === "direct") {
      // x = A' [*, M, K], y = B' [*, K, N]
      const x = transposeA ? transposeLastTwo(backend, a, batchA, k, m) : a;
      const y = transposeB ? transposeLastTwo(backend, b, batchB, n, k) : b;
      if (x !== a) temporaries.push(x);
      if (y !== b) temporaries.push(y);
      const out = backend.makeOutput(outShape, "float32");
      gemmBatches(backend, offsetOf(x), offsetOf(y), offsetOf(out), m, k, n, mapA, mapB);
      return out;
    }
    // x = B'^T [*, N, K], y = A'^T [*, K, M], C^T [Z, N, M], then C = transpose(C^T)
    const x = transposeB ? b : transposeLastTwo(backend, b, batchB, k, n);
    const y = transposeA ? a : transposeLastTwo(backend, a, batchA, m, k);
    if (x !== b) temporaries.push(x);
    if (y !== a) temporaries.push(y);
    const resultT = backend.makeOutput([batchOut, n, m], "float32");
    temporaries.push(resultT);
    gemmBatches(backend, offsetOf(x), offsetOf(y), offsetOf(resultT), n, k, m, mapB, mapA);
    const out = transposeLastTwo(backend, resultT, batchOut, n, m);
    return { ...out, shape: outShape };
  } finally {
    for (const t of temporaries) backend.disposeData(t.dataId);
  }
}

export const batchMatMulConfig: KernelConfig = {
  kernelName: BatchMatMul,
  backendName: "wasm",
  kernelFunc: batchMatMul as unknown as KernelFunc,
};
