import {
  backend_util,
  GatherV2,
  type GatherV2Attrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  util,
} from "@tensorflow/tfjs";
import { asWasmBackend, heapView, sizeOf } from "./heap";
import { stockKernelFunc } from "./stock";

/**
 * GatherV2 for the wasm backend. The stock kernel returns wrong values when batchDims > 0 (its C++ loop
 * does not offset the indices per batch); this one handles every batchDims and copies whole slices.
 * With x viewed as [batch, outer, dim, slice] and indices as [batch, n]:
 *   out[b, o, i, :] = x[b, o, indices[b, i], :]
 * Out-of-range indices throw (as the stock kernel does), naming the index and the valid range.
 */
function gatherV2(args: {
  inputs: { x: TensorInfo; indices: TensorInfo };
  backend: unknown;
  attrs: GatherV2Attrs;
}): TensorInfo {
  const { x, indices } = args.inputs;
  const backend = asWasmBackend(args.backend);
  if (x.dtype === "string" || x.dtype === "complex64") {
    return stockKernelFunc(GatherV2, args.backend)(args as never) as TensorInfo;
  }
  const axis = util.parseAxisParam(args.attrs.axis, x.shape)[0]!;
  let batchDims = args.attrs.batchDims ?? 0;
  if (batchDims < 0) batchDims += indices.shape.length;
  const info = backend_util.segment_util.collectGatherOpShapeInfo(
    x as never,
    indices as never,
    axis,
    batchDims,
  );
  const { batchSize, outerSize, dimSize, sliceSize, outputShape } = info;
  const out = backend.makeOutput(outputShape, x.dtype);
  if (sizeOf(outputShape) === 0) return out;
  const idx = heapView(backend, indices);
  const perBatch = idx.length / batchSize;
  for (let i = 0; i < idx.length; i++) {
    const v = idx[i]!;
    if (v < 0 || v >= dimSize) throw new Error(`GatherV2: index ${v} is not in [0, ${dimSize - 1}]`);
  }
  const src = heapView(backend, x);
  const dst = heapView(backend, out);
  let o = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let outer = 0; outer < outerSize; outer++) {
      const base = (b * outerSize + outer) * dimSize;
      for (let i = 0; i < perBatch; i++) {
        const from = (base + idx[b * perBatch + i]!) * sliceSize;
        if (sliceSize === 1) dst[o] = src[from]!;
        else dst.set(src.subarray(from, from + sliceSize), o);
        o += sliceSize;
      }
    }
  }
  return out;
}

export const gatherV2Config: KernelConfig = {
  kernelName: GatherV2,
  backendName: "wasm",
  kernelFunc: gatherV2 as unknown as KernelFunc,
};
