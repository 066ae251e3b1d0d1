import * as tf from "@tensorflow/tfjs";
import { type Architecture, createModel, nextByteCrossEntropy } from "../../src";

// Property checks that run on any backend (backends.test.ts: in the test process on wasm and cpu, in a child
// process on webgpu and the native bindings): causality, determinism and gradients for each architecture whose
// forward pass does not read tensors synchronously. Reads are async (webgpu has none that is synchronous in
// Node). Logits and per-parameter gradient sums of squares come back so that backends can be compared.

export const PROPERTY_CONFIGS: Partial<Record<Architecture, Record<string, unknown>>> = {
  transformer: { n_layer: 2, n_head: 2, n_embd: 16, block_size: 64 },
  hourglass: { dim: 32, heads: 2, dim_head: 16, depth: [1, 1, 1], shorten_factor: 2 },
  megabyte: { dim: [32, 16], depth: [1, 1], max_seq_len: [8, 4], heads: 2, dim_head: 16 },
};

export interface PropertyResult {
  /** Two forwards of the same input gave bit-identical logits. */
  deterministic: boolean;
  /** max |dlogits| before the changed byte (must be 0) and at it (must not be). */
  causalBefore: number;
  changesAt: number;
  loss: number;
  gradsFinite: boolean;
  /** Parameters whose gradient is exactly zero everywhere. */
  zeroGrads: number;
  gradSums: number[];
  logits: number[];
}

function bytes(len: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: len }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s >>> 24;
  });
}

/** Runs the checks on the active backend. */
export async function runProperties(
  log: (arch: string) => void = () => {},
): Promise<Record<string, PropertyResult>> {
  const T = 16;
  const out: Record<string, PropertyResult> = {};
  for (const [arch, config] of Object.entries(PROPERTY_CONFIGS)) {
    log(arch);
    const model = createModel(arch as Architecture, config, 7);
    const logits = async (row: number[]) => {
      const x = tf.tensor2d([row], [1, row.length], "int32");
      const { logits: l, auxLoss } = model.forward(x);
      const data = Array.from((await l.data()) as Float32Array);
      tf.dispose([x, l, ...(auxLoss ? [auxLoss] : [])]);
      return data;
    };
    const base = bytes(T + 1, 3);
    const input = base.slice(0, T);
    const a = await logits(input);
    const b = await logits(input);
    const t = 9;
    const changed = [...input];
    changed[t] = (input[t]! + 101) % 256;
    const c = await logits(changed);
    const diff = (from: number, to: number) => {
      let m = 0;
      for (let i = from; i < to; i++) m = Math.max(m, Math.abs(a[i]! - c[i]!));
      return m;
    };
    const x = tf.tensor2d([input], [1, T], "int32");
    const y = tf.tensor2d([base.slice(1)], [1, T], "int32");
    const { value, grads } = tf.variableGrads(
      () => nextByteCrossEntropy(model.forward(x).logits, y),
      model.trainableVariables(),
    );
    let finite = true;
    let zero = 0;
    const gradSums: number[] = [];
    for (const v of model.trainableVariables()) {
      const g = (await grads[v.name]!.data()) as Float32Array;
      let sum = 0;
      let maxAbs = 0;
      for (const e of g) {
        if (!Number.isFinite(e)) finite = false;
        sum += e * e;
        maxAbs = Math.max(maxAbs, Math.abs(e));
      }
      if (maxAbs === 0) zero++;
      gradSums.push(sum);
    }
    out[arch] = {
      deterministic: a.every((v, i) => v === b[i]),
      causalBefore: diff(0, t * 256),
      changesAt: diff(t * 256, (t + 1) * 256),
      loss: ((await value.data()) as Float32Array)[0]!,
      gradsFinite: finite,
      zeroGrads: zero,
      gradSums,
      logits: a,
    };
    tf.dispose([x, y, value, ...Object.values(grads)]);
    model.dispose();
  }
  return out;
}
