import * as tf from "@tensorflow/tfjs";
import { asWasmBackend, type WasmBackend } from "./heap";
import { nativeKernelsActive } from "./kernels";
import { nativeOn } from "./native";

/**
 * The optimizer's two passes over every parameter as single native calls (bytelab's native kernels, see
 * native.ts): the global gradient norm, and AdamW updating parameters and moments in place. Both return
 * null / false when they do not apply (another backend, no addon, or a tensor whose data is shared), and
 * the caller runs its TF.js ops instead.
 */

interface Located {
  offset: number;
  size: number;
  refCount: number;
}

function wasmBackendNow(): WasmBackend | null {
  if (!nativeKernelsActive() || tf.getBackend() !== "wasm") return null;
  return asWasmBackend(tf.backend());
}

function locate(backend: WasmBackend, t: tf.Tensor): Located | null {
  if (t.dtype !== "float32" || t.isDisposed) return null;
  const data = backend.dataIdMap.get(t.dataId);
  if (!data) return null;
  return { offset: data.memoryOffset, size: t.size, refCount: data.refCount };
}

/** sum over tensors of sum(x^2) (float64, fixed order), or null when the native path does not apply. */
export function nativeSumSquares(tensors: readonly tf.Tensor[]): number | null {
  const backend = wasmBackendNow();
  if (!backend) return null;
  const table = new Float64Array(2 * tensors.length);
  for (let i = 0; i < tensors.length; i++) {
    const at = locate(backend, tensors[i]!);
    if (!at) return null;
    table[2 * i] = at.offset;
    table[2 * i + 1] = at.size;
  }
  return nativeOn(backend).sumSquares(table);
}

export interface NativeAdamWItem {
  /** Updated in place: must be a float32 tensor whose data nothing else shares. */
  param: tf.Tensor;
  grad: tf.Tensor;
  /** First and second moments, updated in place (same rule as param). */
  m: tf.Tensor;
  v: tf.Tensor;
  /** Learning rate of this parameter (lr x its group multiplier). */
  lr: number;
  /** Decoupled weight decay factor applied as p * (1 - lr * weightDecay); 0 = none. */
  weightDecay: number;
}

export interface NativeAdamWHyper {
  beta1: number;
  beta2: number;
  eps: number;
  /** 1 - beta1^t */
  bc1: number;
  /** sqrt(1 - beta2^t) */
  sqrtBc2: number;
}

const ROW = 8;

/**
 * One AdamW step over every item in one native call, gradients multiplied by `gradScale` first (the clip
 * factor). Bit-identical to packages/train's TF.js AdamW ops (same float32 operations in the same order;
 * native/src/optim.c), so either path may run at any step. Returns false, changing nothing, when the
 * native path does not apply, including when a parameter or moment shares its data with another tensor
 * (a clone kept by the caller would otherwise change with it).
 */
export function nativeAdamW(
  items: readonly NativeAdamWItem[],
  hyper: NativeAdamWHyper,
  gradScale = 1,
): boolean {
  const backend = wasmBackendNow();
  if (!backend) return false;
  const table = new Float64Array(ROW * items.length);
  for (let i = 0; i < items.length; i++) {
    const it = items[i]!;
    const p = locate(backend, it.param);
    const g = locate(backend, it.grad);
    const m = locate(backend, it.m);
    const v = locate(backend, it.v);
    if (!p || !g || !m || !v) return false;
    if (p.refCount !== 1 || m.refCount !== 1 || v.refCount !== 1) return false;
    if (g.size !== p.size || m.size !== p.size || v.size !== p.size) return false;
    const decays = it.weightDecay > 0 ? 1 : 0;
    table.set(
      [p.offset, g.offset, m.offset, v.offset, p.size, it.lr / hyper.bc1, 1 - it.lr * it.weightDecay, decays],
      ROW * i,
    );
  }
  const { beta1, beta2, eps, sqrtBc2 } = hyper;
  nativeOn(backend).adamw(table, beta1, 1 - beta1, beta2, 1 - beta2, sqrtBc2, eps, gradScale);
  return true;
}
