import { Cast, type CastAttrs, type KernelConfig, type KernelFunc, type TensorInfo } from "@tensorflow/tfjs";
import { stockKernelFunc } from "./stock";

/**
 * Cast for the wasm backend that shares the input's data when the dtype does not change (TF.js tensors are
 * immutable; the backend counts references), as the cpu backend does. The stock kernel always copies, and
 * TF.js's gradient of every multiplication casts both operands to float32, so each backward pass copied
 * every multiplied activation once more. Real conversions run the stock kernel.
 */
function cast(args: { inputs: { x: TensorInfo }; backend: unknown; attrs: CastAttrs }): TensorInfo {
  const { x } = args.inputs;
  if (x.dtype !== args.attrs.dtype || x.dtype === "string")
    return stockKernelFunc(Cast, args.backend)(args as never) as TensorInfo;
  (args.backend as { incRef(dataId: object): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export const castConfig: KernelConfig = {
  kernelName: Cast,
  backendName: "wasm",
  kernelFunc: cast as unknown as KernelFunc,
};
