import { registerView, releaseView, type WasmBackend } from "./heap";

const shapeScratch = new WeakMap<object, number>();
/** 6 int32 slots in the heap for the two rank-3 shapes passed to the C++ kernel; allocated once per module. */
function shapeSlots(backend: WasmBackend): number {
  let pointer = shapeScratch.get(backend.wasm);
  if (pointer === undefined) {
    pointer = backend.wasm._malloc(24);
    shapeScratch.set(backend.wasm, pointer);
  }
  return pointer;
}

/**
 * out = x @ y for row-major x: [P, K], y: [K, Q], out: [P, Q] given by heap byte offsets, on XNNPACK's SIMD
 * GEMM (the fast path of the stock C++ BatchMatMul, reached through tensor ids registered on heap ranges).
 * XNNPACK packs y on every call (~5-8 ns per element of y), so put the long dimension in P.
 */
export function gemm(
  backend: WasmBackend,
  xOffset: number,
  yOffset: number,
  outOffset: number,
  p: number,
  k: number,
  q: number,
): void {
  const slots = shapeSlots(backend);
  backend.wasm.HEAP32.set([1, p, k, 1, k, q], slots >>> 2);
  const xId = registerView(backend, xOffset, p * k);
  const yId = registerView(backend, yOffset, k * q);
  const outId = registerView(backend, outOffset, p * q);
  backend.wasm._BatchMatMul(xId, slots, 3, yId, slots + 12, 3, 0, 0, outId);
  releaseView(backend, xId);
  releaseView(backend, yId); // also deletes the XNNPACK operator cached on this id
  releaseView(backend, outId);
}
