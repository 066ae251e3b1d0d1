import * as tf from "@tensorflow/tfjs";
import { DropoutSeeds, dropout, gatherRows, linear, rotaryTables } from "../layers";
import type { ByteLM, FlopsPerByte, ForwardOptions, ForwardOutput } from "../model";
import type { ParamStore } from "../params";
import {
  headDim,
  parseTransformerConfig,
  type TransformerConfig,
  type TransformerConfigInput,
} from "./config";
import { transformerFlopsPerByte } from "./flops";
import { createTransformerParams } from "./parameters";
import { type BlockContext, block, norm } from "./blocks";

/** Decoder-only byte Transformer (see config.ts for the architecture and its defaults). */
export class TransformerLM implements ByteLM {
  readonly architecture = "transformer" as const;

  constructor(
    readonly config: TransformerConfig,
    readonly params: ParamStore,
  ) {}

  forward(bytes: tf.Tensor2D, opts: ForwardOptions = {}): ForwardOutput {
    const c = this.config;
    const [b, t] = bytes.shape;
    if (c.positions === "learned" && t > c.block_size) {
      throw new Error(
        `transformer: sequence length ${t} exceeds block_size ${c.block_size} (learned positions); raise block_size or use positions "rotary"`,
      );
    }
    const logits = tf.tidy(() => {
      const p = this.params;
      const ctx: BlockContext = {
        config: c,
        params: p,
        training: opts.training ?? false,
        ...(opts.seed !== undefined ? { seeds: new DropoutSeeds(opts.seed) } : {}),
        ...(c.positions === "rotary" ? { rotary: rotaryTables(t, headDim(c), c.rope_theta) } : {}),
      };
      let x = gatherRows(p.get("transformer.wte.weight"), bytes) as tf.Tensor3D; // [B, T, D]
      if (c.positions === "learned") {
        const positions = p.get("transformer.wpe.weight").slice([0, 0], [t, c.n_embd]); // [T, D]
        x = x.add(positions);
      }
      if (ctx.training) x = dropout(x, c.dropout, ctx.seeds);
      for (let layer = 0; layer < c.n_layer; layer++) x = block(ctx, layer, x);
      const final = norm(ctx, "transformer.ln_f", x); // [B, T, D]
      const head = c.tie_embeddings ? p.get("transformer.wte.weight") : p.get("lm_head.weight"); // [256, D]
      return linear(final, head).reshape([b, t, 256]) as tf.Tensor3D; // [B, T, 256]
    });
    return { logits };
  }

  trainableVariables(): tf.Variable[] {
    return this.params.variables();
  }

  paramCount(): number {
    return this.params.paramCount();
  }

  flopsPerByte(seqLen: number): FlopsPerByte {
    return transformerFlopsPerByte(this.config, seqLen);
  }

  dispose(): void {
    this.params.dispose();
  }
}

/** Builds a randomly initialised byte Transformer; the same config and seed give the same weights. */
export function createTransformer(config: TransformerConfigInput = {}, seed = 0): TransformerLM {
  const parsed = parseTransformerConfig(config);
  return new TransformerLM(parsed, createTransformerParams(parsed, seed));
}
