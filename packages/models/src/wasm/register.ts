import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { processListeners, removeListenersAddedSince } from "./glue-listeners";
import { assertWasmBackendShape } from "./heap";
import { setUpStockKernels, useNativeKernels, useWasmKernelFixes, wasmKernelFixNames } from "./kernels";
import { type NativeStatus, nativeStatus } from "./native";

export interface WasmBackendStatus {
  ok: boolean;
  /** Folder the .wasm binaries are loaded from. */
  binaries: string;
  simd: boolean;
  /** Kernels replaced or added by bytelab (src/wasm). */
  kernelFixes: string[];
  /** bytelab's native CPU kernels (BLAS, multi-threaded): loaded or why not. */
  native: NativeStatus;
  /** Why it failed, when it did. */
  error?: string;
}

/**
 * Folder holding tfjs-backend-wasm's .wasm binaries. Resolved from the package itself, so it works from
 * tsx, vitest, a compiled worker or any cwd (the package's own default guesses a path relative to the
 * script that bundled it, which breaks when a bundler moves the code).
 */
export function wasmBinaryFolder(): string {
  const require = createRequire(import.meta.url);
  return `${join(dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist")}/`;
}

let pathsSet = false;

/**
 * Activates the wasm backend with bytelab's kernel fixes registered, and bytelab's native kernels when the
 * addon is built (src/wasm/native.ts: those are multi-threaded). The wasm module's own threads stay off: tfjs-backend-wasm
 * disables them in Node, and the threaded binary, although it can be started under worker_threads, ran
 * slower here (see src/wasm/README.md). The process-wide error listeners the module's Emscripten glue adds
 * when it starts are removed again (glue-listeners.ts), so an uncaught error prints as itself.
 */
export async function registerWasmBackend(): Promise<WasmBackendStatus> {
  const binaries = wasmBinaryFolder();
  const status: WasmBackendStatus = {
    ok: false,
    binaries,
    simd: false,
    kernelFixes: [],
    native: { loaded: false, path: "", reason: "wasm backend not started" },
  };
  // Taken right before the module starts: callers initialise the backend before installing handlers of
  // their own, so what is added until it has started is the glue's.
  const listenersBefore = processListeners();
  try {
    if (!pathsSet && !tf.findBackend("wasm")) {
      setWasmPaths(binaries);
      pathsSet = true;
    }
    useWasmKernelFixes(true);
    // Native kernels (BLAS, multi-threaded) when the addon is built and not disabled (BYTELAB_NATIVE=0).
    useNativeKernels(true);
    status.native = nativeStatus();
    status.kernelFixes = wasmKernelFixNames();
    status.ok = await tf.setBackend("wasm");
    const started = tf.findBackend("wasm");
    if (status.ok && started) {
      assertWasmBackendShape(started);
      setUpStockKernels(started);
    }
    status.simd = Boolean(await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT"));
    if (!status.ok) status.error = "tf.setBackend('wasm') returned false";
  } catch (error) {
    status.ok = false;
    status.error =
      error instanceof Error ? error.message : String((error as { message?: string })?.message ?? error);
  } finally {
    removeListenersAddedSince(listenersBefore);
  }
  return status;
}
