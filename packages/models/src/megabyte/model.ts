import * as tf from "@tensorflow/tfjs";
import { gatherRows } from "../layers/gather";
import { layerNorm } from "../layers/norms";
import { linear } from "../layers/linear";
import { DropoutSeeds } from "../layers/dropout";
import type { ByteLM, FlopsPerByte, ForwardOptions, ForwardOutput } from "../model";
import { ParamStore } from "../params";
import { transformer, type TransformerOptions } from "./blocks";
import {
  bytesPerElement,
  type MegabyteConfig,
  type MegabyteConfigInput,
  paddingMultiple,
  parseMegabyteConfig,
  stageCount,
} from "./config";
import { megabyteFlopsPerByte } from "./flops";
import { createMegabyteParameters, VOCAB } from "./parameters";

export interface MegabyteForwardOutput extends ForwardOutput {
  /** [B, 256]: the local start token's prediction of byte 0 (used by the reference loss). */
  startLogits: tf.Tensor2D;
}

/**
 * MEGABYTE (lucidrains/MEGABYTE-pytorch semantics, any number of stages >= 2).
 *
 * Forward for bytes [B, T]:
 * 1. pad at the end with pad_id to Tp, a multiple of G0 = max_seq_len[1] * ... * max_seq_len[S-1];
 * 2. stage s < S-1 embeds each group of G_s bytes: concat of its own byte embeddings -> LayerNorm -> Linear ->
 *    LayerNorm (+ learned positions if pos_emb); the last stage embeds bytes with token_embs.0;
 * 3. stage s runs N_s independent sequences [start_tokens.s, e_1, ..., e_L] (L = Tp/G0 for the global stage,
 *    max_seq_len[s] after it); from stage 1 on, element j also gets the previous stage's output at position j
 *    (positions 0..L-1 of its parent sequence; the parent's last output is dropped) projected by
 *    to_next_transformer_projections and split into max_seq_len[s] vectors (the start token gets nothing);
 * 4. the last stage's outputs at positions 1..L give the logits of the bytes of each group; position 0 of the
 *    first group gives startLogits. Logits are cut back to T.
 */
export class MegabyteLM implements ByteLM {
  readonly architecture = "megabyte" as const;
  readonly config: MegabyteConfig;
  readonly store: ParamStore;

  constructor(config: MegabyteConfigInput, seed = 0) {
    this.config = parseMegabyteConfig(config);
    this.store = new ParamStore(seed);
    createMegabyteParameters(this.store, this.config);
  }

  forward(bytes: tf.Tensor2D, opts: ForwardOptions = {}): ForwardOutput {
    const { logits, startLogits } = this.forwardWithStart(bytes, opts);
    startLogits.dispose();
    return { logits };
  }

  /** forward() plus the start token's logits (the prediction of byte 0). */
  forwardWithStart(bytes: tf.Tensor2D, opts: ForwardOptions = {}): MegabyteForwardOutput {
    const c = this.config;
    const [batch, seqLen] = bytes.shape;
    if (seqLen < 1)
      throw new Error("MEGABYTE forward needs at least one byte per row (bytes: [B, T] with T >= 1)");
    const multiple = paddingMultiple(c);
    const padded = Math.ceil(seqLen / multiple) * multiple; // Tp
    const globalLen = padded / multiple;
    if (c.pos_emb && globalLen > c.max_seq_len[0]!)
      throw new Error(
        `pos_emb: ${seqLen} bytes make ${globalLen} global positions but max_seq_len[0] = ${c.max_seq_len[0]}; ` +
          `shorten the input to at most ${c.max_seq_len[0]! * multiple} bytes or raise max_seq_len[0]`,
      );
    const stages = stageCount(c);
    const fine = c.dim[stages - 1]!;
    const options: TransformerOptions = {
      heads: c.heads,
      dimHead: c.dim_head,
      tokenShift: c.token_shift,
      relPos: c.rel_pos,
      attnDropout: c.attn_dropout,
      ffDropout: c.ff_dropout,
      training: opts.training ?? false,
      ...(opts.seed !== undefined ? { seeds: new DropoutSeeds(opts.seed) } : {}),
    };
    const p = (name: string) => this.store.get(name);

    const [logits, startLogits] = tf.tidy(() => {
      const ids = bytes.toInt().pad(
        [
          [0, 0],
          [0, padded - seqLen],
        ],
        c.pad_id,
      ) as tf.Tensor2D; // [B, Tp]

      let fromParent: tf.Tensor3D | null = null; // [N_s, L_s, D_s]: previous stage's contribution
      let attended: tf.Tensor3D | null = null;
      let sequences = batch; // N_s
      for (let s = 0; s < stages; s++) {
        const dim = c.dim[s]!;
        const length = s === 0 ? globalLen : c.max_seq_len[s]!; // L_s
        let tokens = this.embedStage(ids, s, sequences, length); // [N_s, L_s, D_s]
        if (c.pos_emb) tokens = tokens.add(p(`pos_embs.${s}.weight`).slice([0, 0], [length, dim]));
        const start = p(`start_tokens.${s}`).reshape([1, 1, dim]).tile([sequences, 1, 1]); // [N_s, 1, D_s]
        let x = tf.concat([start, tokens], 1) as tf.Tensor3D; // [N_s, L_s + 1, D_s]
        if (fromParent)
          x = x.add(
            fromParent.pad([
              [0, 0],
              [1, 0],
              [0, 0],
            ]),
          );
        attended = transformer(this.store, `transformers.${s}`, c.depth[s]!, x, options); // [N_s, L_s + 1, D_s]
        if (s + 1 < stages) {
          const nextDim = c.dim[s + 1]!;
          const nextLength = c.max_seq_len[s + 1]!;
          const kept = attended.slice([0, 0, 0], [sequences, length, dim]); // [N_s, L_s, D_s]: last dropped
          const projected = linear(
            kept,
            p(`to_next_transformer_projections.${s}.1.weight`),
            p(`to_next_transformer_projections.${s}.1.bias`),
          ); // [N_s, L_s, L_{s+1} * D_{s+1}]
          sequences *= length;
          fromParent = projected.reshape([sequences, nextLength, nextDim]) as tf.Tensor3D; // [N_{s+1}, L_{s+1}, D_{s+1}]
        }
      }
      const last = attended!; // [N, L + 1, D_fine], N = B * Tp / L
      const localLen = c.max_seq_len[stages - 1]!;
      const toLogits = (h: tf.Tensor) => linear(h, p("to_logits.weight"), p("to_logits.bias"));
      const byteStates = last.slice([0, 1, 0], [sequences, localLen, fine]).reshape([batch, padded, fine]); // [B, Tp, D]
      const logits = toLogits(byteStates.slice([0, 0, 0], [batch, seqLen, fine])) as tf.Tensor3D; // [B, T, 256]
      const firstStart = last
        .reshape([batch, sequences / batch, localLen + 1, fine])
        .slice([0, 0, 0, 0], [batch, 1, 1, fine])
        .reshape([batch, fine]); // [B, D]
      return [logits, toLogits(firstStart) as tf.Tensor2D]; // [B, 256]
    });
    return { logits, startLogits };
  }

  /**
   * Stage s's input elements. The last stage embeds single bytes (token_embs.0); stage s < S-1 embeds each group
   * of G_s bytes with token_embs.(S-1-s): concat of the G_s byte vectors -> LayerNorm -> Linear -> LayerNorm.
   * ids: [B, Tp] -> [N_s, L_s, D_s].
   */
  private embedStage(ids: tf.Tensor2D, stage: number, sequences: number, length: number): tf.Tensor3D {
    const c = this.config;
    const stages = stageCount(c);
    const p = (name: string) => this.store.get(name);
    if (stage === stages - 1) {
      const bytes = gatherRows(p("token_embs.0.weight"), ids); // [B, Tp, D_fine]
      return bytes.reshape([sequences, length, c.dim[stage]!]) as tf.Tensor3D; // [N, L, D_fine]
    }
    const index = stages - 1 - stage;
    const group = bytesPerElement(c, stage); // G_s
    const fine = c.dim[stages - 1]!;
    const prefix = `token_embs.${index}`;
    const bytes = gatherRows(p(`${prefix}.0.weight`), ids); // [B, Tp, D_fine]
    const patches = bytes.reshape([sequences * length, group * fine]); // [N_s * L_s, G_s * D_fine]
    const normed = layerNorm(patches, p(`${prefix}.2.weight`), p(`${prefix}.2.bias`));
    const projected = linear(normed, p(`${prefix}.3.weight`), p(`${prefix}.3.bias`)); // [N_s * L_s, D_s]
    return layerNorm(projected, p(`${prefix}.4.weight`), p(`${prefix}.4.bias`)).reshape([
      sequences,
      length,
      c.dim[stage]!,
    ]) as tf.Tensor3D; // [N_s, L_s, D_s]
  }

  trainableVariables(): tf.Variable[] {
    return this.store.variables();
  }

  paramCount(): number {
    return this.store.paramCount();
  }

  flopsPerByte(seqLen: number): FlopsPerByte {
    return megabyteFlopsPerByte(this.config, seqLen);
  }

  dispose(): void {
    this.store.dispose();
  }
}

/**
 * The reference's `return_loss=True` loss: cross-entropy over all T bytes, byte 0 predicted by the start token
 * and byte t > 0 by logits[t-1], ignoring targets equal to pad_id (mean over the others). Differentiable.
 * bytes: [B, T] -> scalar (NaN when every target is pad_id, as in PyTorch).
 */
export function megabyteReferenceLoss(
  model: MegabyteLM,
  bytes: tf.Tensor2D,
  opts: { training?: boolean } = {},
): tf.Scalar {
  return tf.tidy(() => {
    const { logits, startLogits } = model.forwardWithStart(bytes, opts);
    const [batch, seqLen] = bytes.shape;
    const predictions = tf.concat(
      [startLogits.expandDims(1), logits.slice([0, 0, 0], [batch, seqLen - 1, VOCAB])],
      1,
    ); // [B, T, 256]
    const targets = bytes.toInt(); // [B, T]
    const counted = targets.notEqual(model.config.pad_id).toFloat(); // [B, T]: 1 where the target is scored
    const nll = tf.logSoftmax(predictions, -1).mul(tf.oneHot(targets, VOCAB)).sum(-1).neg(); // [B, T]
    return nll.mul(counted).sum().div(counted.sum()) as tf.Scalar;
  });
}

/** Builds a randomly initialised MEGABYTE (PyTorch default initialisation, deterministic for a seed). */
export function createMegabyte(config: MegabyteConfigInput = {}, seed = 0): MegabyteLM {
  return new MegabyteLM(config, seed);
}
