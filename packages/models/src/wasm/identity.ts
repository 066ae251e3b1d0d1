import { Identity, type KernelConfig, type KernelFunc, type TensorInfo } from "@tensorflow/tfjs";
import { stockKernelFunc } from "./stock";

/**
 * Identity (tf.clone) for the wasm backend that shares the input's data instead of copying it, as the cpu
 * backend does (TF.js tensors are immutable, so sharing is safe; the backend counts references).
 * The stock kernel copies, and the engine clones every tensor it saves for the backward pass, so each
 * training step copied every saved activation once more.
 */
function identity(args: { inputs: { x: TensorInfo }; backend: unknown }): TensorInfo {
  const { x } = args.inputs;
  if (x.dtype === "string") return stockKernelFunc(Identity, args.backend)(args as never) as TensorInfo;
  (args.backend as { incRef(dataId: object): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export const identityConfig: KernelConfig = {
  kernelName: Identity,
  backendName: "wasm",
  kernelFunc: identity as unknown as KernelFunc,
};
