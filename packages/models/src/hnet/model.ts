import * as tf from "@tensorflow/tfjs";
import { gatherRows, linear } from "../layers";
import type { ByteLM, FlopsPerByte, ForwardOutput, StageTelemetry } from "../model";
import { ParamStore } from "../params";
import { parseOrThrow } from "../parse";
import { type HNetConfig, type HNetConfigInput, hnetConfigSchema, resolveLevels } from "./config";
import { hnetFlopsPerByte } from "./flops";
import { HNetLevel, type StageRouting } from "./level";
import { ratioLossValue } from "./routing";

export const VOCAB = 256;

/** Routing of one stage in host numbers (the golden adapter and telemetry read it). */
export interface StageRoutingReport {
  stage: number;
  /** Padded length of this stage's rows, and the valid length of each row. */
  seqLen: number;
  lengths: number[];
  /** [B*seqLen] row-major; entries past a row's length are padding. */
  boundaryProb: Float32Array;
  boundaryMask: Uint8Array;
  chunkLengths: number[];
  boundaryFraction: number;
  meanBoundaryProb: number;
}

export interface HNetForwardResult {
  logits: tf.Tensor3D;
  /** ratio_loss.weight * sum of the stages' ratio losses (scalar; 0 for a model without chunking). */
  auxLoss: tf.Scalar;
  /** Unweighted per-stage ratio losses (kept tensors, outermost first). */
  stageLosses: tf.Scalar[];
  routing: StageRoutingReport[];
}

/**
 * HNetForCausalLM (hnet/models/mixer_seq.py): embeddings (no scaling) -> HNet backbone -> lm_head (no bias).
 * Parameter names are the reference state_dict names, so `params.loadReference` is a 1:1 copy.
 */
export class HNetLM implements ByteLM {
  readonly architecture = "hnet" as const;
  readonly config: HNetConfig;
  readonly params: ParamStore;
  private readonly backbone: HNetLevel;

  constructor(config: HNetConfigInput, seed = 0) {
    this.config = parseOrThrow(hnetConfigSchema, config, "invalid hnet config");
    const cfg = this.config;
    this.params = new ParamStore(seed);
    const d0 = cfg.d_model[0]!;
    // Reference init_weights: embeddings N(0, 1), lm_head N(0, initializer_range).
    this.params.create("embeddings.weight", [VOCAB, d0], { kind: "normal", std: 1 });
    this.backbone = new HNetLevel(this.params, "backbone", resolveLevels(cfg), cfg);
    if (!cfg.tie_embeddings)
      this.params.create("lm_head.weight", [VOCAB, d0], { kind: "normal", std: cfg.initializer_range });
  }

  /** Forward with the routing of every stage. The returned tensors belong to the caller. */
  forwardDetailed(bytes: tf.Tensor2D): HNetForwardResult {
    const [b, t] = bytes.shape;
    const ids = bytes.dataSync();
    for (const v of ids) {
      if (!(Number.isInteger(v) && v >= 0 && v < VOCAB))
        throw new Error(`hnet: input bytes must be integers 0..255, got ${v}`);
    }
    let routing: StageRouting[] = [];
    const out = tf.tidy(() => {
      const embeddings = this.params.get("embeddings.weight");
      const x = gatherRows(embeddings, bytes) as tf.Tensor3D; // [B, T, D0]
      const result = this.backbone.forward(x, new Array(b).fill(t));
      routing = result.routing;
      const head = this.config.tie_embeddings ? embeddings : this.params.get("lm_head.weight");
      const logits = linear(result.y, head) as tf.Tensor3D; // [B, T, 256]
      const stageLosses = routing.map((r) => r.ratioLoss);
      const auxLoss = (
        stageLosses.length ? tf.addN(stageLosses).mul(this.config.ratio_loss.weight) : tf.scalar(0)
      ) as tf.Scalar;
      return { logits, auxLoss, stageLosses };
    });
    return {
      logits: out.logits,
      auxLoss: out.auxLoss,
      stageLosses: out.stageLosses,
      routing: routing.map((r) => ({
        stage: r.stage,
        seqLen: r.plan.seqLen,
        lengths: r.plan.lengths,
        boundaryProb: r.prob,
        boundaryMask: r.plan.mask,
        chunkLengths: r.plan.chunkLengths,
        boundaryFraction: r.boundaryFraction,
        meanBoundaryProb: r.meanBoundaryProb,
      })),
    };
  }

  forward(bytes: tf.Tensor2D, _opts?: { training?: boolean }): ForwardOutput {
    const result = this.forwardDetailed(bytes);
    const stages: StageTelemetry[] = result.routing.map((r, s) => {
      const rows = r.lengths.length;
      return {
        stage: r.stage,
        boundaryFraction: r.boundaryFraction,
        meanBoundaryProb: r.meanBoundaryProb,
        ratioLoss: ratioLossValue(r.boundaryFraction, r.meanBoundaryProb, this.config.ratio_loss.N[s]!),
        seqLen: r.lengths.reduce((a, n) => a + n, 0) / rows,
        chunkedLen: r.chunkLengths.reduce((a, n) => a + n, 0) / rows,
      };
    });
    for (const l of result.stageLosses) l.dispose();
    return { logits: result.logits, auxLoss: result.auxLoss, stages };
  }

  trainableVariables(): tf.Variable[] {
    return this.params.variables();
  }

  paramCount(): number {
    return this.params.paramCount();
  }

  flopsPerByte(seqLen: number, opts?: { compressionRatios?: number[] }): FlopsPerByte {
    return hnetFlopsPerByte(this.config, seqLen, opts?.compressionRatios);
  }

  dispose(): void {
    this.params.dispose();
  }
}

export function createHNet(config: HNetConfigInput, seed = 0): HNetLM {
  return new HNetLM(config, seed);
}
