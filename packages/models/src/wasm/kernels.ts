import {
  findBackend,
  getKernel,
  type KernelConfig,
  registerKernel,
  unregisterKernel,
} from "@tensorflow/tfjs";
import { batchMatMulConfig } from "./batch-mat-mul";
import { gatherV2Config } from "./gather-v2";
import { sliceConfig } from "./slice";
import { captureStockKernel } from "./stock";
import { unsortedSegmentSumConfig } from "./unsorted-segment-sum";

/** The wasm kernels bytelab replaces (faster or correct versions of the stock ones, or missing ones). */
export const WASM_KERNEL_FIXES: readonly KernelConfig[] = [
  batchMatMulConfig,
  sliceConfig,
  gatherV2Config,
  unsortedSegmentSumConfig,
];

let fixesActive = false;

/**
 * Registers (true) or removes (false) bytelab's wasm kernels, restoring the stock ones when removed.
 * Kernels are looked up per call, so this takes effect immediately (benchmarks compare both side by side).
 * The kernels read everything from the backend they are called with, so no setup step is needed.
 */
export function useWasmKernelFixes(enabled: boolean): void {
  if (enabled === fixesActive) return;
  for (const config of WASM_KERNEL_FIXES) {
    const { kernelName, backendName } = config;
    const original = captureStockKernel(kernelName);
    if (getKernel(kernelName, backendName)) unregisterKernel(kernelName, backendName);
    if (enabled) registerKernel(config);
    else if (original) {
      registerKernel(original);
      // A stock kernel registered after the backend started has not run its setup (cwrap of its C function).
      const backend = findBackend("wasm");
      if (backend && original.setupFunc) original.setupFunc(backend);
    }
  }
  fixesActive = enabled;
}

export function wasmKernelFixesActive(): boolean {
  return fixesActive;
}

/** Names of the kernels bytelab replaces or adds on the wasm backend. */
export function wasmKernelFixNames(): string[] {
  return WASM_KERNEL_FIXES.map((k) => k.kernelName);
}
