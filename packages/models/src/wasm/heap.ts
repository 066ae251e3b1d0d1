import { createRequire } from "node:module";
import type { DataType, TensorInfo } from "@tensorflow/tfjs";

/**
 * The parts of tfjs-backend-wasm's `BackendWasm` the kernel fixes use. The package does not export
 * these types, so they are spelled out here (checked against @tensorflow/tfjs-backend-wasm 4.22.0, pinned
 * exactly in package.json; `assertWasmBackendShape` checks them when the backend is registered).
 * Tensor data lives in the wasm heap at `memoryOffset`; the C++ side knows each tensor by an integer id.
 */
export interface WasmModule {
  HEAPU8: Uint8Array;
  HEAP32: Int32Array;
  HEAPF32: Float32Array;
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  /** (aId, aShapePtr, aRank, bId, bShapePtr, bRank, transposeA, transposeB, outId); XNNPACK only for [1,M,K]x[1,K,N]. */
  _BatchMatMul(...args: number[]): void;
  /** (xId, outId, channels, batch): XNNPACK softmax over rows of `channels` values. */
  _Softmax(xId: number, outId: number, channels: number, batch: number): void;
  tfjs: {
    registerTensor(id: number, size: number, memoryOffset: number): void;
    disposeData(id: number): void;
  };
}

export interface WasmTensorData {
  id: number;
  memoryOffset: number;
  shape: number[];
  dtype: DataType;
  refCount: number;
}

export interface WasmBackend {
  wasm: WasmModule;
  dataIdNextNumber: number;
  dataIdMap: { get(dataId: object): WasmTensorData | undefined };
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  disposeData(dataId: object, force?: boolean): boolean;
}

export function asWasmBackend(backend: unknown): WasmBackend {
  return backend as WasmBackend;
}

export function tensorData(backend: WasmBackend, t: TensorInfo): WasmTensorData {
  const data = backend.dataIdMap.get(t.dataId);
  if (!data) throw new Error(`wasm kernel: tensor data for shape [${t.shape}] is not on the wasm backend`);
  return data;
}

export type NumericArray = Float32Array | Int32Array | Uint8Array;

/** A view (no copy) of a tensor's values in the wasm heap. Take it after every allocation: growth detaches old views. */
export function heapView(backend: WasmBackend, t: TensorInfo): NumericArray {
  const { memoryOffset } = tensorData(backend, t);
  const size = t.shape.reduce((a, b) => a * b, 1);
  const buffer = backend.wasm.HEAPU8.buffer;
  switch (t.dtype) {
    case "float32":
      return new Float32Array(buffer, memoryOffset, size);
    case "int32":
      return new Int32Array(buffer, memoryOffset, size);
    case "bool":
      return new Uint8Array(buffer, memoryOffset, size);
    default:
      throw new Error(`wasm kernel: dtype ${t.dtype} has no heap view`);
  }
}

/**
 * Registers `size` elements of the heap starting at byte `memoryOffset` under a fresh C++ tensor id, so a
 * wasm kernel can read or write part of a tensor in place. Call `release(id)` afterwards: it forgets the id
 * (and drops any XNNPACK operator cached on it) without freeing memory, which stays owned by the real tensor.
 */
export function registerView(backend: WasmBackend, memoryOffset: number, size: number): number {
  const id = backend.dataIdNextNumber++;
  backend.wasm.tfjs.registerTensor(id, size, memoryOffset);
  return id;
}

export function releaseView(backend: WasmBackend, id: number): void {
  backend.wasm.tfjs.disposeData(id);
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) strides[i] = strides[i + 1]! * shape[i + 1]!;
  return strides;
}

/** The tfjs-backend-wasm release the shapes above were read from (pinned exactly in package.json). */
export const WASM_BACKEND_VERSION_CHECKED = "4.22.0";

/** The installed tfjs-backend-wasm version, for messages. */
export function installedWasmBackendVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    return (require("@tensorflow/tfjs-backend-wasm/package.json") as { version: string }).version;
  } catch {
    return "unknown";
  }
}

/** The private members of BackendWasm that `WasmBackend` names and the kernel fixes touch. */
function missingMembers(backend: unknown): string[] {
  const b = backend as Partial<Record<string, unknown>> | null;
  const wasm = (b?.wasm ?? null) as Partial<Record<string, unknown>> | null;
  const glue = (wasm?.tfjs ?? null) as Partial<Record<string, unknown>> | null;
  const fn = (o: Partial<Record<string, unknown>> | null, k: string) => typeof o?.[k] === "function";
  const checks: [string, boolean][] = [
    ["wasm.HEAPU8", wasm?.HEAPU8 instanceof Uint8Array],
    ["wasm.HEAP32", wasm?.HEAP32 instanceof Int32Array],
    ["wasm.HEAPF32", wasm?.HEAPF32 instanceof Float32Array],
    ["wasm._malloc()", fn(wasm, "_malloc")],
    ["wasm._free()", fn(wasm, "_free")],
    ["wasm._BatchMatMul()", fn(wasm, "_BatchMatMul")],
    ["wasm._Softmax()", fn(wasm, "_Softmax")],
    ["wasm.tfjs.registerTensor()", fn(glue, "registerTensor")],
    ["wasm.tfjs.disposeData()", fn(glue, "disposeData")],
    ["dataIdNextNumber", typeof b?.dataIdNextNumber === "number"],
    ["dataIdMap.get()", fn((b?.dataIdMap ?? null) as Partial<Record<string, unknown>> | null, "get")],
    ["makeOutput()", fn(b, "makeOutput")],
    ["disposeData()", fn(b, "disposeData")],
  ];
  return checks.filter(([, ok]) => !ok).map(([name]) => name);
}

/**
 * Checks once, when the wasm backend is registered, that its private members are where the kernel fixes
 * expect them (tfjs-backend-wasm exports no types for them, so a new release may move them). Throws an error
 * naming the installed version and the fix, instead of a kernel failing later with a TypeError.
 */
export function assertWasmBackendShape(backend: unknown): asserts backend is WasmBackend {
  const missing = missingMembers(backend);
  if (missing.length === 0) return;
  throw new Error(
    `@tensorflow/tfjs-backend-wasm ${installedWasmBackendVersion()} does not have the BackendWasm members ` +
      `bytelab's wasm kernels use (${missing.join(", ")}); they were written against ` +
      `${WASM_BACKEND_VERSION_CHECKED}. Fix: install @tensorflow/tfjs-backend-wasm@${WASM_BACKEND_VERSION_CHECKED} ` +
      "(the version packages/models/package.json pins: npm install), or port src/wasm/heap.ts to the new " +
      "release and update the pin.",
  );
}
