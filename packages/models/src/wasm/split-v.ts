import {
  backend_util,
  type KernelConfig,
  type KernelFunc,
  SplitV,
  type SplitVAttrs,
  type TensorInfo,
  util,
} from "@tensorflow/tfjs";
import { sliceKernel } from "./slice";

/**
 * SplitV (tf.split) for the wasm backend on top of the copy-only Slice. The stock kernel calls the stock
 * slice directly, which copies the whole input out of the heap once per piece (splitting a fused q/k/v
 * projection copied it three times before copying each third).
 */
function splitV(args: { inputs: { x: TensorInfo }; backend: unknown; attrs: SplitVAttrs }): TensorInfo[] {
  const { x } = args.inputs;
  const axis = util.parseAxisParam(args.attrs.axis, x.shape)[0]!;
  const sizes = backend_util.prepareSplitSize(x as never, args.attrs.numOrSizeSplits, axis);
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((s) => {
    const size = [...x.shape];
    size[axis] = s;
    const piece = sliceKernel({ inputs: { x }, backend: args.backend, attrs: { begin: [...begin], size } });
    begin[axis]! += s;
    return piece;
  });
}

export const splitVConfig: KernelConfig = {
  kernelName: SplitV,
  backendName: "wasm",
  kernelFunc: splitV as unknown as KernelFunc,
};
