import { getKernel, type KernelBackend, type KernelConfig, type KernelFunc } from "@tensorflow/tfjs";

/** The stock wasm kernels, captured before bytelab's replacements are registered (fallbacks and benchmarks use them). */
const stockKernels = new Map<string, KernelConfig | undefined>();
/** Backends each stock kernel's setup (the cwrap of its C function) has run on. */
const setUpOn = new Map<string, WeakSet<object>>();

export function captureStockKernel(kernelName: string): KernelConfig | undefined {
  if (!stockKernels.has(kernelName)) stockKernels.set(kernelName, getKernel(kernelName, "wasm"));
  return stockKernels.get(kernelName);
}

/**
 * The stock kernel function for `kernelName`, ready to run on `backend`. A stock kernel that was replaced
 * before the backend started never had its setup run (TF.js only sets up registered kernels), so run it now.
 */
export function stockKernelFunc(kernelName: string, backend: unknown): KernelFunc {
  const config = captureStockKernel(kernelName);
  if (!config) throw new Error(`tfjs-backend-wasm has no stock ${kernelName} kernel`);
  if (config.setupFunc) {
    const done = setUpOn.get(kernelName) ?? new WeakSet<object>();
    setUpOn.set(kernelName, done);
    if (!done.has(backend as object)) {
      config.setupFunc(backend as KernelBackend);
      done.add(backend as object);
    }
  }
  return config.kernelFunc;
}
