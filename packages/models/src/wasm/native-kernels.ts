import {
  BatchMatMul,
  type BatchMatMulAttrs,
  broadcast_util,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from "@tensorflow/tfjs";
import { batchIndexMap } from "./batch-mat-mul";
import { CAUSAL_ATTENTION, CAUSAL_ATTENTION_GRAD } from "./causal-attention";
import { asWasmBackend, heapView, sizeOf, tensorData, type WasmBackend } from "./heap";
import { nativeOn } from "./native";

/**
 * TF.js kernels on the wasm backend that run bytelab's native kernels (native.ts) on the heap in place.
 * Registered instead of the wasm versions when the addon loads (kernels.ts); the fused ones (norm, GELU,
 * cross-entropy) are used by src/layers when registered, the composite ops otherwise.
 */
export const FUSED_NORM = "BytelabNorm";
export const FUSED_NORM_GRAD = "BytelabNormGrad";
export const FUSED_GELU = "BytelabGelu";
export const FUSED_GELU_GRAD = "BytelabGeluGrad";
export const FUSED_CROSS_ENTROPY = "BytelabCrossEntropy";
export const FUSED_CROSS_ENTROPY_GRAD = "BytelabCrossEntropyGrad";
export const FUSED_LINEAR = "BytelabLinear";
export const FUSED_LINEAR_GRAD = "BytelabLinearGrad";
export const FUSED_ATTENTION_PACKED = "BytelabCausalAttentionPacked";
export const FUSED_ATTENTION_PACKED_GRAD = "BytelabCausalAttentionPackedGrad";

const off = (backend: WasmBackend, t: TensorInfo) => tensorData(backend, t).memoryOffset;

function requireFloat32(kernel: string, ...ts: TensorInfo[]): void {
  for (const t of ts)
    if (t.dtype !== "float32")
      throw new Error(`${kernel}: float32 only (got ${t.dtype}); cast the inputs first`);
}

// ------------------------------------------------------------------------------------------ BatchMatMul

/**
 * Every product becomes strided, batched SGEMMs with the transposes handed to BLAS (no copies). A weight
 * shared across the batch folds the batch into the rows (one large GEMM). Broadcasting batch shapes other
 * than "same" or "one side 1" run one GEMM per output batch.
 */
function batchMatMul(args: {
  inputs: { a: TensorInfo; b: TensorInfo };
  backend: unknown;
  attrs: BatchMatMulAttrs;
}) {
  const { a, b } = args.inputs;
  const { transposeA, transposeB } = args.attrs;
  const backend = asWasmBackend(args.backend);
  requireFloat32("BatchMatMul", a, b);
  const aRank = a.shape.length;
  const bRank = b.shape.length;
  const m = transposeA ? a.shape[aRank - 1]! : a.shape[aRank - 2]!;
  const k = transposeA ? a.shape[aRank - 2]! : a.shape[aRank - 1]!;
  const kB = transposeB ? b.shape[bRank - 1]! : b.shape[bRank - 2]!;
  const n = transposeB ? b.shape[bRank - 2]! : b.shape[bRank - 1]!;
  if (k !== kB) {
    throw new Error(
      `matMul: inner dimensions ${k} and ${kB} of shapes [${a.shape}] and [${b.shape}] (transposeA=${transposeA}, transposeB=${transposeB}) must match`,
    );
  }
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  const outBatch = broadcast_util.assertAndGetBroadcastShape(aBatch, bBatch);
  const batchA = sizeOf(aBatch);
  const batchB = sizeOf(bBatch);
  const z = sizeOf(outBatch);
  const out = backend.makeOutput([...outBatch, m, n], "float32");
  if (z * m * n === 0) return out;
  if (k === 0) {
    (heapView(backend, out) as Float32Array).fill(0);
    return out;
  }
  const native = nativeOn(backend);
  const [ao, bo, co] = [off(backend, a), off(backend, b), off(backend, out)];
  const ta = transposeA ? 1 : 0;
  const tb = transposeB ? 1 : 0;
  if (batchB === 1 && batchA === z && !transposeA) {
    // [Z, M, K] x [K, N]: one GEMM of Z*M rows.
    native.gemm(ao, bo, co, 1, z * m, n, k, 0, tb, 0, 0, 0, 1, 0);
  } else if ((batchA === z || batchA === 1) && (batchB === z || batchB === 1)) {
    native.gemm(
      ao,
      bo,
      co,
      z,
      m,
      n,
      k,
      ta,
      tb,
      batchA === 1 ? 0 : m * k,
      batchB === 1 ? 0 : k * n,
      m * n,
      1,
      0,
    );
  } else {
    const mapA = batchIndexMap(aBatch, outBatch);
    const mapB = batchIndexMap(bBatch, outBatch);
    for (let i = 0; i < z; i++) {
      native.gemm(
        ao + 4 * mapA[i]! * m * k,
        bo + 4 * mapB[i]! * k * n,
        co + 4 * i * m * n,
        1,
        m,
        n,
        k,
        ta,
        tb,
        0,
        0,
        0,
        1,
        0,
      );
    }
  }
  return out;
}

// ------------------------------------------------------------------------------------------- attention

type AttentionAttrs = { scale: number };

function attentionShape(q: TensorInfo, k: TensorInfo, v: TensorInfo): [number, number, number, number] {
  const [b, h, t, dh] = q.shape as [number, number, number, number];
  if (q.shape.length !== 4 || k.shape.join() !== q.shape.join() || v.shape.join() !== q.shape.join())
    throw new Error(
      `causal attention: q, k, v must all be [B, H, T, Dh] (got [${q.shape}], [${k.shape}], [${v.shape}])`,
    );
  requireFloat32("causal attention", q, k, v);
  return [b, h, t, dh];
}

/** Same contract as src/wasm/causal-attention.ts: outputs [out, P^T]; P^T is what the gradient needs. */
function attentionForward(args: {
  inputs: { q: TensorInfo; k: TensorInfo; v: TensorInfo };
  backend: unknown;
  attrs: AttentionAttrs;
}) {
  const { q, k, v } = args.inputs;
  const backend = asWasmBackend(args.backend);
  const [b, h, t, dh] = attentionShape(q, k, v);
  const out = backend.makeOutput(q.shape, "float32"); // [B, H, T, Dh]
  const pT = backend.makeOutput([b, h, t, t], "float32"); // [B, H, T, T]
  const layout = [h * t * dh, t * dh, dh];
  nativeOn(backend).attentionForward(
    off(backend, q),
    off(backend, k),
    off(backend, v),
    off(backend, out),
    off(backend, pT),
    b,
    h,
    t,
    dh,
    ...layout,
    ...layout,
    args.attrs.scale,
  );
  return [out, pT];
}

function attentionBackward(args: {
  inputs: { q: TensorInfo; k: TensorInfo; v: TensorInfo; pT: TensorInfo; dy: TensorInfo };
  backend: unknown;
  attrs: AttentionAttrs;
}) {
  const { q, k, v, pT, dy } = args.inputs;
  const backend = asWasmBackend(args.backend);
  const [b, h, t, dh] = attentionShape(q, k, v);
  requireFloat32("causal attention gradient", dy);
  const dq = backend.makeOutput(q.shape, "float32");
  const dk = backend.makeOutput(q.shape, "float32");
  const dv = backend.makeOutput(q.shape, "float32");
  const layout = [h * t * dh, t * dh, dh];
  nativeOn(backend).attentionBackward(
    off(backend, q),
    off(backend, k),
    off(backend, v),
    off(backend, pT),
    off(backend, dy),
    off(backend, dq),
    off(backend, dk),
    off(backend, dv),
    b,
    h,
    t,
    dh,
    ...layout,
    ...layout,
    args.attrs.scale,
  );
  return [dq, dk, dv];
}

/**
 * Self-attention straight from the packed projection: qkv [B, T, 3D] (q, k, v side by side, heads major
 * within each, as `c_attn`'s output) -> out [B, T, D] (heads merged), plus P^T [B, H, T, T] for the
 * gradient. No split, head transposes or merge copies: the kernels read and write through strides.
 */
type PackedAttrs = { heads: number; scale: number };

function packedShape(qkv: TensorInfo, heads: number): [number, number, number, number] {
  const [b, t, c] = qkv.shape as [number, number, number];
  if (qkv.shape.length !== 3 || c % (3 * heads) !== 0)
    throw new Error(
      `packed attention: qkv must be [B, T, 3 * heads * Dh] (got [${qkv.shape}] with ${heads} heads)`,
    );
  requireFloat32("packed attention", qkv);
  return [b, t, c / 3, c / 3 / heads];
}

function packedForward(args: { inputs: { qkv: TensorInfo }; backend: unknown; attrs: PackedAttrs }) {
  const { qkv } = args.inputs;
  const { heads, scale } = args.attrs;
  const backend = asWasmBackend(args.backend);
  const [b, t, d, dh] = packedShape(qkv, heads);
  const out = backend.makeOutput([b, t, d], "float32"); // [B, T, D]
  const pT = backend.makeOutput([b, heads, t, t], "float32"); // [B, H, T, T]
  const base = off(backend, qkv);
  nativeOn(backend).attentionForward(
    base,
    base + 4 * d,
    base + 8 * d,
    off(backend, out),
    off(backend, pT),
    b,
    heads,
    t,
    dh,
    t * 3 * d,
    dh,
    3 * d,
    t * d,
    dh,
    d,
    scale,
  );
  return [out, pT];
}

function packedBackward(args: {
  inputs: { qkv: TensorInfo; pT: TensorInfo; dy: TensorInfo };
  backend: unknown;
  attrs: PackedAttrs;
}) {
  const { qkv, pT, dy } = args.inputs;
  const { heads, scale } = args.attrs;
  const backend = asWasmBackend(args.backend);
  const [b, t, d, dh] = packedShape(qkv, heads);
  requireFloat32("packed attention gradient", dy);
  const dqkv = backend.makeOutput(qkv.shape, "float32"); // [B, T, 3D]: every value written
  const base = off(backend, qkv);
  const dbase = off(backend, dqkv);
  nativeOn(backend).attentionBackward(
    base,
    base + 4 * d,
    base + 8 * d,
    off(backend, pT),
    off(backend, dy),
    dbase,
    dbase + 4 * d,
    dbase + 8 * d,
    b,
    heads,
    t,
    dh,
    t * 3 * d,
    dh,
    3 * d,
    t * d,
    dh,
    d,
    scale,
  );
  return dqkv;
}

// ---------------------------------------------------------------------------------------------- linear

/** y = x w^T (+ b): x [..., in], w [out, in] (nn.Linear), b [out]; the bias is added inside the GEMM. */
function linearForward(args: { inputs: { x: TensorInfo; w: TensorInfo; b?: TensorInfo }; backend: unknown }) {
  const { x, w, b } = args.inputs;
  const backend = asWasmBackend(args.backend);
  requireFloat32("fused linear", x, w, ...(b ? [b] : []));
  const [outDim, inDim] = w.shape as [number, number];
  if (w.shape.length !== 2 || x.shape[x.shape.length - 1] !== inDim || (b && sizeOf(b.shape) !== outDim))
    throw new Error(
      `fused linear: x [${x.shape}], w [${w.shape}], b [${b?.shape ?? ""}] do not fit [..., in] x [out, in]`,
    );
  const rows = sizeOf(x.shape) / Math.max(1, inDim);
  const y = backend.makeOutput([...x.shape.slice(0, -1), outDim], "float32");
  if (rows * outDim === 0) return y;
  nativeOn(backend).linearForward(
    off(backend, x),
    off(backend, w),
    b ? off(backend, b) : -1,
    off(backend, y),
    rows,
    inDim,
    outDim,
  );
  return y;
}

function linearBackward(args: {
  inputs: { x: TensorInfo; w: TensorInfo; dy: TensorInfo };
  backend: unknown;
  attrs: { hasBias: boolean };
}) {
  const { x, w, dy } = args.inputs;
  const backend = asWasmBackend(args.backend);
  requireFloat32("fused linear gradient", dy);
  const [outDim, inDim] = w.shape as [number, number];
  const rows = sizeOf(x.shape) / Math.max(1, inDim);
  const dx = backend.makeOutput(x.shape, "float32");
  const dw = backend.makeOutput(w.shape, "float32");
  const db = args.attrs.hasBias ? backend.makeOutput([outDim], "float32") : null;
  if (rows === 0 || inDim === 0 || outDim === 0) {
    for (const t of [dx, dw, ...(db ? [db] : [])]) (heapView(backend, t) as Float32Array).fill(0);
  } else {
    nativeOn(backend).linearBackward(
      off(backend, x),
      off(backend, w),
      off(backend, dy),
      off(backend, dx),
      off(backend, dw),
      db ? off(backend, db) : -1,
      rows,
      inDim,
      outDim,
    );
  }
  return db ? [dx, dw, db] : [dx, dw];
}

// ----------------------------------------------------------------------------------------------- norms

/** kind 0: LayerNorm, 1: RMSNorm, 2: clamped RMSNorm (MEGABYTE) (see native/src/kernels.h). */
type NormAttrs = { eps: number; kind: number };

function normRows(x: TensorInfo, w: TensorInfo): [number, number] {
  const d = x.shape[x.shape.length - 1] ?? 0;
  if (sizeOf(w.shape) !== d)
    throw new Error(`fused norm: weight of ${sizeOf(w.shape)} values for rows of ${d}`);
  return [sizeOf(x.shape) / d, d];
}

function normForward(args: {
  inputs: { x: TensorInfo; w: TensorInfo; b?: TensorInfo };
  backend: unknown;
  attrs: NormAttrs;
}) {
  const { x, w, b } = args.inputs;
  const backend = asWasmBackend(args.backend);
  requireFloat32("fused norm", x, w, ...(b ? [b] : []));
  const [rows, cols] = normRows(x, w);
  const y = backend.makeOutput(x.shape, "float32");
  const mean = backend.makeOutput([rows], "float32");
  const rstd = backend.makeOutput([rows], "float32");
  if (rows === 0) return [y, mean, rstd];
  nativeOn(backend).normForward(
    off(backend, x),
    off(backend, w),
    b ? off(backend, b) : -1,
    off(backend, y),
    off(backend, mean),
    off(backend, rstd),
    rows,
    cols,
    args.attrs.eps,
    args.attrs.kind,
  );
  return [y, mean, rstd];
}

function normBackward(args: {
  inputs: { x: TensorInfo; w: TensorInfo; mean: TensorInfo; rstd: TensorInfo; dy: TensorInfo };
  backend: unknown;
  attrs: NormAttrs & { hasBias: boolean };
}) {
  const { x, w, mean, rstd, dy } = args.inputs;
  const backend = asWasmBackend(args.backend);
  requireFloat32("fused norm gradient", dy);
  const [rows, cols] = normRows(x, w);
  const dx = backend.makeOutput(x.shape, "float32");
  const dw = backend.makeOutput(w.shape, "float32");
  const db = args.attrs.hasBias ? backend.makeOutput(w.shape, "float32") : null;
  if (rows === 0) {
    (heapView(backend, dw) as Float32Array).fill(0);
    if (db) (heapView(backend, db) as Float32Array).fill(0);
  } else {
    nativeOn(backend).normBackward(
      off(backend, x),
      off(backend, w),
      off(backend, mean),
      off(backend, rstd),
      off(backend, dy),
      off(backend, dx),
      off(backend, dw),
      db ? off(backend, db) : -1,
      rows,
      cols,
      args.attrs.kind,
      args.attrs.eps,
    );
  }
  return db ? [dx, dw, db] : [dx, dw];
}

// ---------------------------------------------------------------------------------------------- rotary

export const FUSED_ROTARY = "BytelabRotary";
export const FUSED_ROTARY_GRAD = "BytelabRotaryGrad";

/** Rotary on x [..., T, Dh] with cos / sin [T, half] (src/layers/rotary.ts's convention); the gradient rotates back. */
function rotaryKernel(inverse: boolean) {
  return (args: { inputs: { x: TensorInfo; cos: TensorInfo; sin: TensorInfo }; backend: unknown }) => {
    const { x, cos, sin } = args.inputs;
    const backend = asWasmBackend(args.backend);
    requireFloat32("fused rotary", x, cos, sin);
    const [t, dh] = x.shape.slice(-2) as [number, number];
    const [tc, half] = cos.shape as [number, number];
    if (x.shape.length < 2 || tc !== t || sin.shape.join() !== cos.shape.join() || 2 * half > dh)
      throw new Error(`fused rotary: x [${x.shape}] does not fit tables [${cos.shape}] / [${sin.shape}]`);
    const y = backend.makeOutput(x.shape, "float32");
    const rows = sizeOf(x.shape) / Math.max(1, t * dh);
    if (rows * t * dh === 0) return y;
    nativeOn(backend).rotary(
      off(backend, x),
      off(backend, cos),
      off(backend, sin),
      off(backend, y),
      rows,
      t,
      dh,
      half,
      inverse ? 1 : 0,
    );
    return y;
  };
}

// ---------------------------------------------------------------------------------------------- SwiGLU

export const FUSED_SWIGLU = "BytelabSwiGLU";
export const FUSED_SWIGLU_GRAD = "BytelabSwiGLUGrad";

/** h [..., 2H] -> silu(gate) * up [..., H], gate the first half (gateFirst) or the second. */
function swigluForward(args: { inputs: { h: TensorInfo }; backend: unknown; attrs: { gateFirst: boolean } }) {
  const { h } = args.inputs;
  const backend = asWasmBackend(args.backend);
  requireFloat32("fused SwiGLU", h);
  const two = h.shape[h.shape.length - 1]!;
  if (two % 2) throw new Error(`fused SwiGLU: last axis ${two} of [${h.shape}] is not even`);
  const out = backend.makeOutput([...h.shape.slice(0, -1), two / 2], "float32");
  const rows = sizeOf(h.shape) / Math.max(1, two);
  if (rows * two)
    nativeOn(backend).swiglu(off(backend, h), off(backend, out), rows, two / 2, args.attrs.gateFirst ? 1 : 0);
  return out;
}

function swigluBackward(args: {
  inputs: { h: TensorInfo; dy: TensorInfo };
  backend: unknown;
  attrs: { gateFirst: boolean };
}) {
  const { h, dy } = args.inputs;
  const backend = asWasmBackend(args.backend);
  requireFloat32("fused SwiGLU gradient", h, dy);
  const two = h.shape[h.shape.length - 1]!;
  const dh = backend.makeOutput(h.shape, "float32");
  const rows = sizeOf(h.shape) / Math.max(1, two);
  if (rows * two)
    nativeOn(backend).swigluGrad(
      off(backend, h),
      off(backend, dy),
      off(backend, dh),
      rows,
      two / 2,
      args.attrs.gateFirst ? 1 : 0,
    );
  return dh;
}

// ------------------------------------------------------------------------------------------------ GELU

function geluForward(args: { inputs: { x: TensorInfo }; backend: unknown }) {
  const { x } = args.inputs;
  const backend = asWasmBackend(args.backend);
  requireFloat32("fused GELU", x);
  const y = backend.makeOutput(x.shape, "float32");
  const n = sizeOf(x.shape);
  if (n) nativeOn(backend).gelu(off(backend, x), off(backend, y), n);
  return y;
}

function geluBackward(args: { inputs: { x: TensorInfo; dy: TensorInfo }; backend: unknown }) {
  const { x, dy } = args.inputs;
  const backend = asWasmBackend(args.backend);
  requireFloat32("fused GELU gradient", x, dy);
  const dx = backend.makeOutput(x.shape, "float32");
  const n = sizeOf(x.shape);
  if (n) nativeOn(backend).geluGrad(off(backend, x), off(backend, dy), off(backend, dx), n);
  return dx;
}

// ---------------------------------------------------------------------------------------- cross-entropy

function ceShapes(logits: TensorInfo, targets: TensorInfo): [number, number] {
  const vocab = logits.shape[logits.shape.length - 1] ?? 0;
  const rows = sizeOf(logits.shape) / Math.max(1, vocab);
  if (targets.dtype !== "int32" || sizeOf(targets.shape) !== rows)
    throw new Error(
      `fused cross-entropy: int32 targets of ${rows} values needed (got ${targets.dtype} [${targets.shape}])`,
    );
  requireFloat32("fused cross-entropy", logits);
  return [rows, vocab];
}

/** Mean over rows of -log softmax(logits)[target] -> scalar. */
function crossEntropy(args: { inputs: { logits: TensorInfo; targets: TensorInfo }; backend: unknown }) {
  const { logits, targets } = args.inputs;
  const backend = asWasmBackend(args.backend);
  const [rows, vocab] = ceShapes(logits, targets);
  const loss = backend.makeOutput([], "float32");
  const value = nativeOn(backend).crossEntropy(off(backend, logits), off(backend, targets), rows, vocab);
  (heapView(backend, loss) as Float32Array)[0] = value;
  return loss;
}

function crossEntropyBackward(args: {
  inputs: { logits: TensorInfo; targets: TensorInfo; dy: TensorInfo };
  backend: unknown;
}) {
  const { logits, targets, dy } = args.inputs;
  const backend = asWasmBackend(args.backend);
  const [rows, vocab] = ceShapes(logits, targets);
  const dlogits = backend.makeOutput(logits.shape, "float32");
  const scale = (heapView(backend, dy) as Float32Array)[0]! / rows;
  nativeOn(backend).crossEntropyGrad(
    off(backend, logits),
    off(backend, targets),
    off(backend, dlogits),
    rows,
    vocab,
    scale,
  );
  return dlogits;
}

const config = (kernelName: string, kernelFunc: unknown): KernelConfig => ({
  kernelName,
  backendName: "wasm",
  kernelFunc: kernelFunc as KernelFunc,
});

/** Native versions of kernels the wasm backend already has (bytelab's or stock): replace them. */
export const NATIVE_KERNEL_REPLACEMENTS: readonly KernelConfig[] = [
  config(BatchMatMul, batchMatMul),
  config(CAUSAL_ATTENTION, attentionForward),
  config(CAUSAL_ATTENTION_GRAD, attentionBackward),
];

/** Fused kernels only the native path has (src/layers/fused.ts uses them when registered). */
export const NATIVE_FUSED_KERNELS: readonly KernelConfig[] = [
  config(FUSED_NORM, normForward),
  config(FUSED_NORM_GRAD, normBackward),
  config(FUSED_GELU, geluForward),
  config(FUSED_GELU_GRAD, geluBackward),
  config(FUSED_CROSS_ENTROPY, crossEntropy),
  config(FUSED_CROSS_ENTROPY_GRAD, crossEntropyBackward),
  config(FUSED_LINEAR, linearForward),
  config(FUSED_LINEAR_GRAD, linearBackward),
  config(FUSED_ATTENTION_PACKED, packedForward),
  config(FUSED_ATTENTION_PACKED_GRAD, packedBackward),
  config(FUSED_ROTARY, rotaryKernel(false)),
  config(FUSED_ROTARY_GRAD, rotaryKernel(true)),
  config(FUSED_SWIGLU, swigluForward),
  config(FUSED_SWIGLU_GRAD, swigluBackward),
];
