import {
  findBackend,
  getKernel,
  type KernelConfig,
  registerKernel,
  unregisterKernel,
} from "@tensorflow/tfjs";
import { batchMatMulConfig } from "./batch-mat-mul";
import { causalAttentionConfig, causalAttentionGradConfig } from "./causal-attention";
import { gatherV2Config } from "./gather-v2";
import { identityConfig } from "./identity";
import { sliceConfig } from "./slice";
import { splitVConfig } from "./split-v";
import { captureStockKernel, stockKernelFunc } from "./stock";
import { sumConfig } from "./sum";
import { unsortedSegmentSumConfig } from "./unsorted-segment-sum";

/**
 * The wasm kernels bytelab replaces (faster or correct versions of the stock ones, or missing ones), plus
 * its own fused causal attention (forward and gradient), which src/layers/causal-attention.ts uses when present.
 */
export const WASM_KERNEL_FIXES: readonly KernelConfig[] = [
  batchMatMulConfig,
  sliceConfig,
  splitVConfig,
  gatherV2Config,
  unsortedSegmentSumConfig,
  identityConfig,
  sumConfig,
  causalAttentionConfig,
  causalAttentionGradConfig,
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
      if (backend) stockKernelFunc(kernelName, backend);
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
