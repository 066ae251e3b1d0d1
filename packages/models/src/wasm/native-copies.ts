import {
  backend_util,
  Concat,
  type ConcatAttrs,
  type KernelConfig,
  type KernelFunc,
  PadV2,
  type PadV2Attrs,
  Slice,
  type SliceAttrs,
  SplitV,
  type SplitVAttrs,
  slice_util,
  type TensorInfo,
  Tile,
  type TileAttrs,
  Transpose,
  type TransposeAttrs,
  util,
} from "@tensorflow/tfjs";
import { asWasmBackend, heapView, sizeOf, stridesOf, tensorData, type WasmBackend } from "./heap";
import { nativeOn } from "./native";
import { stockKernelFunc } from "./stock";

/**
 * Transpose, Concat, SplitV, Slice, Tile and PadV2 as native strided copies (native/src/kernels.c k_copy: merges
 * contiguous dimensions, copies whole rows, splits large copies across threads). Every one of them is a
 * view copy: out[i] = x[offset + sum i_d stride_d]. float32 / int32 only (4-byte elements); other dtypes run
 * the stock kernels.
 */

const FOUR_BYTES = new Set(["float32", "int32"]);

function copy(
  backend: WasmBackend,
  src: TensorInfo,
  srcElemOffset: number,
  dst: TensorInfo,
  dstElemOffset: number,
  shape: readonly number[],
  srcStrides: readonly number[],
  dstStrides: readonly number[],
): void {
  if (sizeOf(shape) === 0) return;
  const table = new Float64Array([...shape, ...srcStrides, ...dstStrides]);
  const so = tensorData(backend, src).memoryOffset + 4 * srcElemOffset;
  const dof = tensorData(backend, dst).memoryOffset + 4 * dstElemOffset;
  nativeOn(backend).copy(so, dof, table);
}

function transpose(args: { inputs: { x: TensorInfo }; backend: unknown; attrs: TransposeAttrs }): TensorInfo {
  const { x } = args.inputs;
  if (!FOUR_BYTES.has(x.dtype)) return stockKernelFunc(Transpose, args.backend)(args as never) as TensorInfo;
  const backend = asWasmBackend(args.backend);
  const perm = args.attrs.perm;
  const outShape = perm.map((p) => x.shape[p]!);
  const out = backend.makeOutput(outShape, x.dtype);
  const xStrides = stridesOf(x.shape);
  copy(
    backend,
    x,
    0,
    out,
    0,
    outShape,
    perm.map((p) => xStrides[p]!),
    stridesOf(outShape),
  );
  return out;
}

function concat(args: { inputs: TensorInfo[]; backend: unknown; attrs: ConcatAttrs }): TensorInfo {
  const inputs = args.inputs;
  const dtype = inputs[0]!.dtype;
  if (!FOUR_BYTES.has(dtype) || inputs.some((t) => t.dtype !== dtype))
    return stockKernelFunc(Concat, args.backend)(args as never) as TensorInfo;
  const backend = asWasmBackend(args.backend);
  const axis = util.parseAxisParam(args.attrs.axis, inputs[0]!.shape)[0]!;
  backend_util.assertParamsConsistent(
    inputs.map((t) => t.shape),
    axis,
  );
  const outShape = backend_util.computeOutShape(
    inputs.map((t) => t.shape),
    axis,
  );
  const out = backend.makeOutput(outShape, dtype);
  const outStrides = stridesOf(outShape);
  let at = 0;
  for (const t of inputs) {
    copy(backend, t, 0, out, at * outStrides[axis]!, t.shape, stridesOf(t.shape), outStrides);
    at += t.shape[axis]!;
  }
  return out;
}

/** x[begin : begin + size] as a new tensor. */
function sliceOf(backend: WasmBackend, x: TensorInfo, begin: number[], size: number[]): TensorInfo {
  const out = backend.makeOutput(size, x.dtype);
  const xStrides = stridesOf(x.shape);
  let offset = 0;
  for (let d = 0; d < begin.length; d++) offset += begin[d]! * xStrides[d]!;
  copy(backend, x, offset, out, 0, size, xStrides, stridesOf(size));
  return out;
}

function slice(args: { inputs: { x: TensorInfo }; backend: unknown; attrs: SliceAttrs }): TensorInfo {
  const { x } = args.inputs;
  if (!FOUR_BYTES.has(x.dtype)) return stockKernelFunc(Slice, args.backend)(args as never) as TensorInfo;
  const [begin, size] = slice_util.parseSliceParams(x as never, args.attrs.begin, args.attrs.size) as [
    number[],
    number[],
  ];
  return sliceOf(asWasmBackend(args.backend), x, begin, size);
}

function splitV(args: { inputs: { x: TensorInfo }; backend: unknown; attrs: SplitVAttrs }): TensorInfo[] {
  const { x } = args.inputs;
  if (!FOUR_BYTES.has(x.dtype)) return stockKernelFunc(SplitV, args.backend)(args as never) as TensorInfo[];
  const backend = asWasmBackend(args.backend);
  const axis = util.parseAxisParam(args.attrs.axis, x.shape)[0]!;
  const sizes = backend_util.prepareSplitSize(x as never, args.attrs.numOrSizeSplits, axis);
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((s) => {
    const size = [...x.shape];
    size[axis] = s;
    const piece = sliceOf(backend, x, [...begin], size);
    begin[axis]! += s;
    return piece;
  });
}

/** out viewed as [r0, x0, r1, x1, ...]: the source strides are 0 on the repeat axes. */
function tile(args: { inputs: { x: TensorInfo }; backend: unknown; attrs: TileAttrs }): TensorInfo {
  const { x } = args.inputs;
  if (!FOUR_BYTES.has(x.dtype)) return stockKernelFunc(Tile, args.backend)(args as never) as TensorInfo;
  const backend = asWasmBackend(args.backend);
  const reps = args.attrs.reps;
  const outShape = x.shape.map((d, i) => d * reps[i]!);
  const out = backend.makeOutput(outShape, x.dtype);
  const xStrides = stridesOf(x.shape);
  const outStrides = stridesOf(outShape);
  const shape: number[] = [];
  const src: number[] = [];
  const dst: number[] = [];
  x.shape.forEach((d, i) => {
    shape.push(reps[i]!, d);
    src.push(0, xStrides[i]!);
    dst.push(d * outStrides[i]!, outStrides[i]!);
  });
  copy(backend, x, 0, out, 0, shape, src, dst);
  return out;
}

/** The constant fills the output, then x is copied into its interior. */
function pad(args: { inputs: { x: TensorInfo }; backend: unknown; attrs: PadV2Attrs }): TensorInfo {
  const { x } = args.inputs;
  if (!FOUR_BYTES.has(x.dtype)) return stockKernelFunc(PadV2, args.backend)(args as never) as TensorInfo;
  const backend = asWasmBackend(args.backend);
  const { paddings, constantValue } = args.attrs;
  const outShape = x.shape.map((d, i) => paddings[i]![0] + d + paddings[i]![1]);
  const out = backend.makeOutput(outShape, x.dtype);
  if (sizeOf(outShape) === 0) return out;
  heapView(backend, out).fill(constantValue);
  const outStrides = stridesOf(outShape);
  let offset = 0;
  for (let d = 0; d < outShape.length; d++) offset += paddings[d]![0] * outStrides[d]!;
  copy(backend, x, 0, out, offset, x.shape, stridesOf(x.shape), outStrides);
  return out;
}

const config = (kernelName: string, kernelFunc: unknown): KernelConfig => ({
  kernelName,
  backendName: "wasm",
  kernelFunc: kernelFunc as KernelFunc,
});

/** Native versions of the copy kernels (registered with the other native kernels). */
export const NATIVE_COPY_KERNELS: readonly KernelConfig[] = [
  config(Transpose, transpose),
  config(Concat, concat),
  config(Slice, slice),
  config(SplitV, splitV),
  config(Tile, tile),
  config(PadV2, pad),
];
