import {
  type KernelConfig,
  type KernelFunc,
  Slice,
  type SliceAttrs,
  slice_util,
  type TensorInfo,
} from "@tensorflow/tfjs";
import { asWasmBackend, heapView, sizeOf, stridesOf } from "./heap";
import { stockKernelFunc } from "./stock";

/**
 * Slice for the wasm backend that copies only the selected elements.
 * The stock kernel starts with `backend.readSync(x)`, which copies the WHOLE input out of the heap on every
 * call (slicing one row of a [B, T, D] activation copied all of it). Here the input is read through a heap
 * view, and the slice is copied as runs of its contiguous trailing dimensions.
 */

/** Merges trailing dimensions that are taken whole, so each copy moves the longest contiguous run. */
function collapse(shape: number[], begin: number[], size: number[]) {
  const dims: Array<{ extent: number; begin: number; size: number }> = [];
  for (let i = 0; i < shape.length; i++) dims.push({ extent: shape[i]!, begin: begin[i]!, size: size[i]! });
  // Merge dim d into d-1 while d is taken whole.
  while (dims.length > 1) {
    const last = dims[dims.length - 1]!;
    const prev = dims[dims.length - 2]!;
    if (last.begin !== 0 || last.size !== last.extent) break;
    dims.splice(dims.length - 2, 2, {
      extent: prev.extent * last.extent,
      begin: prev.begin * last.extent,
      size: prev.size * last.extent,
    });
  }
  return dims;
}

export function sliceKernel(args: {
  inputs: { x: TensorInfo };
  backend: unknown;
  attrs: SliceAttrs;
}): TensorInfo {
  const { x } = args.inputs;
  const backend = asWasmBackend(args.backend);
  const [begin, size] = slice_util.parseSliceParams(x as never, args.attrs.begin, args.attrs.size) as [
    number[],
    number[],
  ];
  if (x.dtype === "string" || x.dtype === "complex64") {
    return stockKernelFunc(Slice, args.backend)(args as never) as TensorInfo;
  }
  const out = backend.makeOutput(size, x.dtype);
  const total = sizeOf(size);
  if (total === 0) return out;
  const src = heapView(backend, x);
  const dst = heapView(backend, out);
  const dims = collapse(x.shape, begin, size);
  const strides = stridesOf(dims.map((d) => d.extent));
  const rank = dims.length;
  const run = dims[rank - 1]!.size;
  let base = 0;
  for (let d = 0; d < rank; d++) base += dims[d]!.begin * strides[d]!;
  if (rank === 1) {
    dst.set(src.subarray(base, base + run));
    return out;
  }
  // Odometer over the outer dims; each step copies one contiguous run of the last (collapsed) dim.
  const counter = new Array<number>(rank - 1).fill(0);
  const runs = total / run;
  let offset = base;
  for (let r = 0; r < runs; r++) {
    dst.set(src.subarray(offset, offset + run), r * run);
    for (let d = rank - 2; d >= 0; d--) {
      counter[d]!++;
      offset += strides[d]!;
      if (counter[d]! < dims[d]!.size) break;
      offset -= counter[d]! * strides[d]!;
      counter[d] = 0;
    }
  }
  return out;
}

export const sliceConfig: KernelConfig = {
  kernelName: Slice,
  backendName: "wasm",
  kernelFunc: sliceKernel as unknown as KernelFunc,
};
