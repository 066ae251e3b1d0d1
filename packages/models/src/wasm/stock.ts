import { getKernel, type KernelConfig, type KernelFunc } from "@tensorflow/tfjs";

/** The stock wasm kernels, captured before bytelab's replacements are registered (fallbacks and benchmarks use them). */
const stockKernels = new Map<string, KernelConfig | undefined>();

export function captureStockKernel(kernelName: string): KernelConfig | undefined {
  if (!stockKernels.has(kernelName)) stockKernels.set(kernelName, getKernel(kernelName, "wasm"));
  return stockKernels.get(kernelName);
}

/** The stock kernel function for `kernelName` on wasm; throws if tfjs-backend-wasm has none. */
export function stockKernelFunc(kernelName: string): KernelFunc {
  const config = captureStockKernel(kernelName);
  if (!config) throw new Error(`tfjs-backend-wasm has no stock ${kernelName} kernel`);
  return config.kernelFunc;
}
