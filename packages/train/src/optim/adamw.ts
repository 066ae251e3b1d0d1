import { nativeAdamW } from "@bytelab/models";
import * as tf from "@tensorflow/tfjs";
import type { ParamSpec } from "./param-groups";

export interface AdamWHyper {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

/** Everything needed to continue optimisation bit-for-bit: step count and both moment estimates. */
export interface AdamWState {
  step: number;
  /** First moments, one per parameter in ParamSpec order. */
  m: Float32Array[];
  /** Second moments. */
  v: Float32Array[];
}

/**
 * AdamW (Loshchilov & Hutter 2019) with decoupled weight decay, following PyTorch's torch.optim.AdamW:
 *   lr_i = lr * multiplier_i
 *   p   <- p * (1 - lr_i * wd)            (only parameters with decay = true)
 *   m   <- b1 m + (1 - b1) g
 *   v   <- b2 v + (1 - b2) g^2
 *   p   <- p - (lr_i / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * The moments live in non-trainable tf.Variables so `state()` / `loadState()` round-trip exactly.
 * With bytelab's native kernels (wasm backend + addon) the whole update is one native pass over every
 * parameter, in place, bit-identical to the TF.js ops below; otherwise (or when a parameter's data is
 * shared with another tensor) it runs as those ops.
 */
export class AdamW {
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private t = 0;

  constructor(
    readonly params: ParamSpec[],
    readonly hyper: AdamWHyper,
  ) {
    // tidy disposes the zero tensors; the variables keep their own reference to the data.
    this.m = params.map((p) => tf.tidy(() => tf.variable(tf.zerosLike(p.variable), false)));
    this.v = params.map((p) => tf.tidy(() => tf.variable(tf.zerosLike(p.variable), false)));
  }

  get step(): number {
    return this.t;
  }

  /**
   * One update with `grads[i]` for `params[i]` at learning rate `lr` (before group multipliers), each
   * gradient multiplied by `gradScale` first (a clipping factor; 1 = as given).
   */
  apply(grads: tf.Tensor[], lr: number, gradScale = 1): void {
    if (grads.length !== this.params.length)
      throw new Error(`AdamW.apply: ${grads.length} gradients for ${this.params.length} parameters`);
    this.t += 1;
    const { beta1, beta2, eps, weightDecay } = this.hyper;
    const bc1 = 1 - beta1 ** this.t;
    const sqrtBc2 = Math.sqrt(1 - beta2 ** this.t);
    // One native pass over every parameter when bytelab's native kernels run (bit-identical to the ops below).
    const items = this.params.map((p, i) => ({
      param: p.variable,
      grad: grads[i]!,
      m: this.m[i]!,
      v: this.v[i]!,
      lr: lr * p.lrMultiplier,
      weightDecay: p.decay ? weightDecay : 0,
    }));
    if (nativeAdamW(items, { beta1, beta2, eps, bc1, sqrtBc2 }, gradScale)) return;
    tf.tidy(() => {
      this.params.forEach((p, i) => {
        const g = gradScale === 1 ? grads[i]! : grads[i]!.mul(gradScale);
        const lrI = lr * p.lrMultiplier;
        const m = this.m[i]!.mul(beta1).add(g.mul(1 - beta1));
        const v = this.v[i]!.mul(beta2).add(g.square().mul(1 - beta2));
        this.m[i]!.assign(m);
        this.v[i]!.assign(v);
        let w: tf.Tensor = p.variable;
        if (p.decay && weightDecay > 0) w = w.mul(1 - lrI * weightDecay);
        const denom = v.sqrt().div(sqrtBc2).add(eps);
        p.variable.assign(w.sub(m.div(denom).mul(lrI / bc1)));
      });
    });
  }

  state(): AdamWState {
    return {
      step: this.t,
      m: this.m.map((x) => x.dataSync() as Float32Array).map((a) => Float32Array.from(a)),
      v: this.v.map((x) => x.dataSync() as Float32Array).map((a) => Float32Array.from(a)),
    };
  }

  loadState(state: AdamWState): void {
    if (state.m.length !== this.params.length || state.v.length !== this.params.length)
      throw new Error(
        `optimizer state has ${state.m.length} moments for ${this.params.length} parameters (checkpoint from another model?)`,
      );
    this.params.forEach((p, i) => {
      for (const [label, arr, target] of [
        ["m", state.m[i]!, this.m[i]!],
        ["v", state.v[i]!, this.v[i]!],
      ] as const) {
        if (arr.length !== p.variable.size)
          throw new Error(
            `optimizer ${label} for ${p.name} has ${arr.length} values, expected ${p.variable.size}`,
          );
        const t = tf.tensor(arr, p.variable.shape, "float32");
        target.assign(t);
        t.dispose();
      }
    });
    this.t = state.step;
  }

  dispose(): void {
    for (const x of [...this.m, ...this.v]) x.dispose();
  }
}
