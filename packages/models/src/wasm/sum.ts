import {
  backend_util,
  type KernelConfig,
  type KernelFunc,
  Sum,
  type SumAttrs,
  type TensorInfo,
  util,
} from "@tensorflow/tfjs";
import { asWasmBackend, heapView, sizeOf } from "./heap";
import { stockKernelFunc } from "./stock";

/**
 * Sum over a contiguous block of axes that are not the innermost ones (e.g. a bias gradient: [N, C] -> [C]).
 * The stock kernel first transposes the reduced axes innermost (a full copy at ~9 ns per element here);
 * this adds whole rows instead: x viewed as [outer, reduce, inner], out[o, j] = sum_r x[o, r, j], with
 * float64 accumulators. Innermost reductions and other cases go to the stock kernel (no transpose there).
 */
function sum(args: { inputs: { x: TensorInfo }; backend: unknown; attrs: SumAttrs }): TensorInfo {
  const { x } = args.inputs;
  const { keepDims } = args.attrs;
  const rank = x.shape.length;
  const axes = util.parseAxisParam(args.attrs.axis, x.shape).sort((a, b) => a - b);
  const first = axes[0];
  const last = axes[axes.length - 1];
  const contiguous = first !== undefined && last !== undefined && last - first + 1 === axes.length;
  if (!contiguous || last === rank - 1 || (x.dtype !== "float32" && x.dtype !== "int32")) {
    return stockKernelFunc(Sum, args.backend)(args as never) as TensorInfo;
  }
  const backend = asWasmBackend(args.backend);
  const outer = sizeOf(x.shape.slice(0, first));
  const reduce = sizeOf(x.shape.slice(first, last + 1));
  const inner = sizeOf(x.shape.slice(last + 1));
  const [outShape] = backend_util.computeOutAndReduceShapes(x.shape, axes);
  const out = backend.makeOutput(
    keepDims ? backend_util.expandShapeToKeepDim(outShape, axes) : outShape,
    x.dtype,
  );
  const src = heapView(backend, x);
  const dst = heapView(backend, out);
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    const base = o * reduce * inner;
    let r = 0;
    // Four rows per pass over the accumulators.
    for (; r + 4 <= reduce; r += 4) {
      const r0 = base + r * inner;
      const r1 = r0 + inner;
      const r2 = r1 + inner;
      const r3 = r2 + inner;
      for (let j = 0; j < inner; j++) acc[j]! += src[r0 + j]! + src[r1 + j]! + src[r2 + j]! + src[r3 + j]!;
    }
    for (; r < reduce; r++) {
      const row = base + r * inner;
      for (let j = 0; j < inner; j++) acc[j]! += src[row + j]!;
    }
    dst.set(acc, o * inner);
  }
  return out;
}

export const sumConfig: KernelConfig = {
  kernelName: Sum,
  backendName: "wasm",
  kernelFunc: sum as unknown as KernelFunc,
};
