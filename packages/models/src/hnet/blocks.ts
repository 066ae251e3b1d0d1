import * as tf from "@tensorflow/tfjs";
import {
  applyRotary,
  attentionBias,
  causalAttention,
  fusedSwiGLU,
  linear,
  mergeHeads,
  rmsNorm,
  rotaryTables,
  scaledDotProductAttention,
  silu,
  splitHeads,
} from "../layers";
import type { ParamStore } from "../params";
import type { BlockKind, HNetConfig, LevelSpec } from "./config";
import { createMambaParams, type MambaShape, mamba2Mixer, mambaShape } from "./mamba";

/** Settings one Isotropic stack needs (one level of the hierarchy). */
export interface StackSettings {
  level: LevelSpec;
  normEps: number;
  rotaryBase: number;
  ssm: HNetConfig["ssm_cfg"];
  /** Reference init (HNet._init_weights): Linear weights N(0, std), out_proj / fc2 N(0, outStd). */
  init: { std: number; outStd: number };
}

/** Per-forward constants shared by every attention layer of a stack (same length, same level). */
interface AttentionContext {
  /** [T, T] additive causal + sliding-window mask; absent when the window covers every earlier position. */
  windowBias?: tf.Tensor2D;
  rotary?: { cos: tf.Tensor2D; sin: tf.Tensor2D }; // [T, rd/2]
}

/** Residual branches a block list adds to the stream (reference Isotropic.height: 2 per 'T'/'M', 1 per 't'/'m'). */
export function stackHeight(blocks: BlockKind[]): number {
  return blocks.reduce((n, k) => n + (k === "T" || k === "M" ? 2 : 1), 0);
}

/**
 * Isotropic stack (hnet/modules/isotropic.py): blocks with a deferred residual, then a final RMSNorm.
 * Block (block.py): residual = hidden (+ residual); hidden = mixer(norm1(residual));
 * 'T'/'M' also: residual = hidden + residual; hidden = mlp(norm2(residual)). Stack: rmsnorm(hidden + residual).
 * Parameters: `${prefix}.layers.{i}.{norm1,mixer,norm2,mlp}...`, `${prefix}.rmsnorm.weight`.
 */
export class IsotropicStack {
  private readonly mamba: MambaShape | null;

  constructor(
    private readonly params: ParamStore,
    private readonly prefix: string,
    private readonly blocks: BlockKind[],
    private readonly settings: StackSettings,
  ) {
    const d = settings.level.dModel;
    const usesMamba = blocks.some((k) => k === "m" || k === "M");
    this.mamba = usesMamba ? mambaShape(d, settings.ssm, settings.normEps) : null;
    blocks.forEach((kind, i) => {
      const p = `${prefix}.layers.${i}`;
      const normal = { kind: "normal", std: settings.init.std } as const;
      const outNormal = { kind: "normal", std: settings.init.outStd } as const;
      params.create(`${p}.norm1.weight`, [d], { kind: "ones" });
      if (kind === "m" || kind === "M") {
        createMambaParams(params, `${p}.mixer`, this.mamba!, settings.init);
      } else {
        params.create(`${p}.mixer.Wqkv.weight`, [3 * d, d], normal);
        params.create(`${p}.mixer.out_proj.weight`, [d, d], outNormal);
      }
      if (kind === "T" || kind === "M") {
        const hidden = settings.level.mlpHidden;
        params.create(`${p}.norm2.weight`, [d], { kind: "ones" });
        params.create(`${p}.mlp.fc1.weight`, [2 * hidden, d], normal);
        params.create(`${p}.mlp.fc2.weight`, [d, hidden], outNormal);
      }
    });
    params.create(`${prefix}.rmsnorm.weight`, [d], { kind: "ones" });
  }

  /**
   * x: [B, T, D] -> [B, T, D]. Causal: position t depends on positions <= t only, so rows padded at the end
   * (chunked inner sequences of different lengths) never influence their real positions.
   */
  forward(x: tf.Tensor3D): tf.Tensor3D {
    const eps = this.settings.normEps;
    const ctx = this.attentionContext(x.shape[1]);
    let hidden: tf.Tensor = x;
    let residual: tf.Tensor | null = null;
    for (const [i, kind] of this.blocks.entries()) {
      const p = `${this.prefix}.layers.${i}`;
      residual = residual ? hidden.add(residual) : hidden; // [B, T, D]
      const normed = rmsNorm(residual, this.params.get(`${p}.norm1.weight`), eps) as tf.Tensor3D;
      hidden =
        kind === "m" || kind === "M"
          ? mamba2Mixer(this.params, `${p}.mixer`, this.mamba!, normed)
          : this.attention(normed, p, ctx);
      if (kind === "T" || kind === "M") {
        residual = hidden.add(residual);
        hidden = this.swiglu(rmsNorm(residual, this.params.get(`${p}.norm2.weight`), eps), p);
      }
    }
    const last = residual ? hidden.add(residual) : hidden;
    return rmsNorm(last, this.params.get(`${this.prefix}.rmsnorm.weight`), eps) as tf.Tensor3D;
  }

  private attentionContext(seqLen: number): AttentionContext | null {
    if (!this.blocks.some((k) => k === "T" || k === "t")) return null;
    const { windowSize, rotaryEmbDim } = this.settings.level;
    // A window of T-1 or more (or none, -1) hides nothing beyond the causal mask.
    const windowed = windowSize >= 0 && windowSize < seqLen - 1;
    return {
      ...(windowed
        ? { windowBias: attentionBias(seqLen, seqLen, { causal: true, window: windowSize }) }
        : {}),
      ...(rotaryEmbDim > 0 ? { rotary: rotaryTables(seqLen, rotaryEmbDim, this.settings.rotaryBase) } : {}),
    };
  }

  /**
   * CausalMHA (hnet/modules/mha.py): Wqkv viewed as (3, heads, head_dim), rotary on q and k,
   * softmax(q k^T / sqrt(head_dim) + causal/window mask) v, out_proj. x: [B, T, D] -> [B, T, D].
   */
  private attention(x: tf.Tensor, p: string, ctx: AttentionContext | null): tf.Tensor {
    const { dModel: d, numHeads } = this.settings.level;
    const qkv = linear(x, this.params.get(`${p}.mixer.Wqkv.weight`)); // [B, T, 3D]
    const [q, k, v] = tf.split(qkv, 3, -1).map((t) => splitHeads(t, numHeads)) as [
      tf.Tensor4D,
      tf.Tensor4D,
      tf.Tensor4D,
    ]; // each [B, H, T, Dh]
    const rot = ctx?.rotary;
    const qr = rot ? applyRotary(q, rot.cos, rot.sin) : q;
    const kr = rot ? applyRotary(k, rot.cos, rot.sin) : k;
    const scale = (d / numHeads) ** -0.5;
    // Plain causal attention runs fused on wasm; a sliding window needs the explicit mask.
    const context = ctx?.windowBias
      ? scaledDotProductAttention(qr, kr, v, scale, ctx.windowBias)
      : causalAttention(qr, kr, v, scale); // [B, H, T, Dh]
    return linear(mergeHeads(context), this.params.get(`${p}.mixer.out_proj.weight`)); // [B, T, D]
  }

  /** SwiGLU (hnet/modules/mlp.py): fc1 -> [y | gate] -> silu(gate) * y -> fc2. [B, T, D] -> [B, T, D]. */
  private swiglu(x: tf.Tensor, p: string): tf.Tensor {
    const h = linear(x, this.params.get(`${p}.mlp.fc1.weight`)); // [B, T, 2H]
    // One kernel each way with bytelab's native kernels (the gate is the second half).
    const fused = fusedSwiGLU(h, false); // [B, T, H]
    if (fused) return linear(fused, this.params.get(`${p}.mlp.fc2.weight`)); // [B, T, D]
    const [y, gate] = tf.split(h, 2, -1);
    return linear(silu(gate!).mul(y!), this.params.get(`${p}.mlp.fc2.weight`)); // [B, T, D]
  }
}
