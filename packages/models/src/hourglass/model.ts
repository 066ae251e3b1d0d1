import * as tf from "@tensorflow/tfjs";
import { gatherRows, linear } from "../layers";
import type { ByteLM, FlopsPerByte, ForwardOutput } from "../model";
import { ParamStore } from "../params";
import { parseOrThrow } from "../parse";
import { createLinear } from "./blocks";
import {
  type HourglassConfig,
  type HourglassConfigInput,
  hourglassConfigSchema,
  resolveLevels,
} from "./config";
import { hourglassFlopsPerByte } from "./flops";
import { VOCAB_SIZE } from "./vocab";
import { createLevel, type LevelForward } from "./level";

/**
 * HourglassTransformerLM: token_emb + learned pos_emb -> (nested) hourglass -> norm_out -> to_logits.
 * Parameter names are the reference state_dict names, so `params.loadReference` is a 1:1 copy.
 */
export class HourglassLM implements ByteLM {
  readonly architecture = "hourglass" as const;
  readonly config: HourglassConfig;
  readonly params: ParamStore;
  private readonly body: LevelForward;

  constructor(config: HourglassConfigInput, seed = 0) {
    this.config = parseOrThrow(hourglassConfigSchema, config, "invalid hourglass config");
    const cfg = this.config;
    this.params = new ParamStore(seed);
    // nn.Embedding default init: N(0, 1).
    this.params.create("token_emb.weight", [VOCAB_SIZE, cfg.dim], { kind: "normal", std: 1 });
    this.params.create("pos_emb.weight", [cfg.max_seq_len, cfg.dim], { kind: "normal", std: 1 });
    this.body = createLevel(
      this.params,
      "transformer.",
      resolveLevels(cfg.depth, cfg.shorten_factor),
      cfg,
      cfg.norm_out,
    );
    createLinear(this.params, "to_logits", VOCAB_SIZE, cfg.dim, true);
  }

  forward(bytes: tf.Tensor2D): ForwardOutput {
    const t = bytes.shape[1];
    if (t > this.config.max_seq_len) {
      throw new Error(
        `hourglass: sequence length ${t} exceeds max_seq_len ${this.config.max_seq_len} (rows of the position embedding); raise config.max_seq_len or feed shorter windows`,
      );
    }
    const logits = tf.tidy(() => {
      const { dim } = this.config;
      const tokens = gatherRows(this.params.get("token_emb.weight"), bytes); // [B, T, D]
      const positions = this.params.get("pos_emb.weight").slice([0, 0], [t, dim]); // [T, D]
      const x = tokens.add(positions) as tf.Tensor3D; // [B, T, D]
      const h = this.body(x); // [B, T, D]
      return linear(h, this.params.get("to_logits.weight"), this.params.get("to_logits.bias")) as tf.Tensor3D; // [B, T, 256]
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
    return hourglassFlopsPerByte(this.config, seqLen);
  }

  dispose(): void {
    this.params.dispose();
  }
}

export function createHourglass(config: HourglassConfigInput, seed = 0): HourglassLM {
  return new HourglassLM(config, seed);
}
