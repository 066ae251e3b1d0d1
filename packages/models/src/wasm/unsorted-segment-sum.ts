import {
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  UnsortedSegmentSum,
  type UnsortedSegmentSumAttrs,
} from "@tensorflow/tfjs";
import { asWasmBackend, heapView, sizeOf } from "./heap";

/**
 * UnsortedSegmentSum for the wasm backend, which has none (so the gradient of tf.gather, i.e. of every
 * embedding lookup, failed on wasm). out[s, ...] = sum of x[i, ...] over i with segmentIds[i] = s.
 * segmentIds may have any rank r whose shape is a prefix of x's; ids outside [0, numSegments) are
 * dropped, as in TensorFlow. Output: [numSegments, ...x.shape.slice(r)].
 */
function unsortedSegmentSum(args: {
  inputs: { x: TensorInfo; segmentIds: TensorInfo };
  backend: unknown;
  attrs: UnsortedSegmentSumAttrs;
}): TensorInfo {
  const { x, segmentIds } = args.inputs;
  const { numSegments } = args.attrs;
  const backend = asWasmBackend(args.backend);
  const idsRank = segmentIds.shape.length;
  for (let d = 0; d < idsRank; d++) {
    if (segmentIds.shape[d] !== x.shape[d]) {
      throw new Error(
        `unsortedSegmentSum: segmentIds shape [${segmentIds.shape}] must be a prefix of x shape [${x.shape}]`,
      );
    }
  }
  if (x.dtype !== "float32" && x.dtype !== "int32") {
    throw new Error(`unsortedSegmentSum on wasm supports float32 and int32 (got ${x.dtype})`);
  }
  const inner = x.shape.slice(idsRank);
  const innerSize = sizeOf(inner);
  const out = backend.makeOutput([numSegments, ...inner], x.dtype);
  const dst = heapView(backend, out);
  dst.fill(0);
  const src = heapView(backend, x);
  const ids = heapView(backend, segmentIds);
  const n = ids.length;
  for (let i = 0; i < n; i++) {
    const s = ids[i]!;
    if (s < 0 || s >= numSegments) continue;
    const from = i * innerSize;
    const to = s * innerSize;
    for (let j = 0; j < innerSize; j++) dst[to + j]! += src[from + j]!;
  }
  return out;
}

export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: "wasm",
  kernelFunc: unsortedSegmentSum as unknown as KernelFunc,
};
