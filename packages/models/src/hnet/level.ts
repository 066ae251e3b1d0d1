import * as tf from "@tensorflow/tfjs";
import { gatherRows, linear } from "../layers";
import type { ParamStore } from "../params";
import { IsotropicStack, stackHeight } from "./blocks";
import type { HNetConfig, LevelSpec } from "./config";
import { DECHUNK_PROB_CLAMP, emaScan, straightThrough } from "./dechunk";
import { boundaryProbabilities, type ChunkPlan, planChunks, ratioLoss } from "./routing";

/** What one chunking stage decided in a forward pass (host numbers + the differentiable ratio loss). */
export interface StageRouting {
  stage: number;
  plan: ChunkPlan;
  /** [B*L] boundary probabilities p_t (row-major; positions >= plan.lengths[r] are padding). */
  prob: Float32Array;
  /** F: boundary fraction over the batch's valid positions. */
  boundaryFraction: number;
  /** G: mean p over the batch's valid positions. */
  meanBoundaryProb: number;
  /** Unweighted ratio loss L(F, G) with this stage's N (differentiable through G). */
  ratioLoss: tf.Scalar;
}

/**
 * One level of the H-Net hierarchy (hnet/models/hnet.py HNet), recursive:
 *   innermost: x -> [pad] -> main_network (Isotropic) -> cut to the outer width
 *   otherwise: x -> [pad] -> encoder -> routing (p, b) -> chunk (positions with b = 1) -> inner level
 *              -> dechunk EMA -> * ste(selected p) + residual_proj(encoder out) -> decoder -> cut.
 *
 * Batching: rows have different chunk counts. The boundary mask is read on the host (it is not
 * differentiable anyway) and turned into flat row indices (planChunks): chunking gathers rows of the
 * [B*L, D] encoder output into [B, maxChunks, D] (shorter rows padded at the end with copies of their first
 * position), the inner level runs on that with the real lengths, the EMA runs on the padded chunk rows (causal,
 * so padding never reaches a real chunk), and plugging back gathers rows of the [B*maxChunks, D] EMA output.
 * gatherRows' gradient is a scatter-add, so gradients reach the encoder through the chunk selection, and the
 * router through P in the EMA and through the straight-through factor.
 */
export class HNetLevel {
  private readonly prefix: string;
  private readonly encoder?: IsotropicStack;
  private readonly decoder?: IsotropicStack;
  private readonly main?: IsotropicStack;
  private readonly inner?: HNetLevel;

  constructor(
    private readonly params: ParamStore,
    prefix: string,
    private readonly spec: LevelSpec,
    private readonly cfg: HNetConfig,
    parentResiduals = 0,
  ) {
    this.prefix = prefix;
    const d = spec.dModel;
    if (spec.stage > 0 && d > spec.dOuter)
      params.create(`${prefix}.pad_dimension`, [d - spec.dOuter], { kind: "zeros" });
    const body = spec.body;
    const std = cfg.initializer_range;
    const settings = (residuals: number) => ({
      level: spec,
      normEps: cfg.norm_eps,
      rotaryBase: cfg.rotary_emb_base,
      ssm: cfg.ssm_cfg,
      init: { std, outStd: residuals > 0 ? std / Math.sqrt(residuals) : std },
    });
    if (body.innermost) {
      const residuals = parentResiduals + stackHeight(body.main);
      this.main = new IsotropicStack(params, `${prefix}.main_network`, body.main, settings(residuals));
      return;
    }
    const residuals = parentResiduals + stackHeight(body.encoder) + stackHeight(body.decoder);
    this.encoder = new IsotropicStack(params, `${prefix}.encoder`, body.encoder, settings(residuals));
    this.inner = new HNetLevel(params, `${prefix}.main_network`, body.inner, cfg, residuals);
    this.decoder = new IsotropicStack(params, `${prefix}.decoder`, body.decoder, settings(residuals));
    // Identity routing projections and a zero residual_proj weight, as the reference constructs them;
    // residual_proj.bias keeps nn.Linear's default U(-1/sqrt(d), 1/sqrt(d)).
    const wq = params.create(`${prefix}.routing_module.q_proj_layer.weight`, [d, d], { kind: "zeros" });
    const wk = params.create(`${prefix}.routing_module.k_proj_layer.weight`, [d, d], { kind: "zeros" });
    tf.tidy(() => {
      wq.assign(tf.eye(d));
      wk.assign(tf.eye(d));
    });
    params.create(`${prefix}.residual_proj.weight`, [d, d], { kind: "zeros" });
    params.create(`${prefix}.residual_proj.bias`, [d], { kind: "uniform", limit: 1 / Math.sqrt(d) });
  }

  /**
   * x: [B, L, D_outer] (stage 0: D_0) with `lengths[r]` valid positions per row -> [B, L, D_outer], plus the
   * routing of this stage and every stage inside it (outermost first). Call inside tf.tidy.
   */
  forward(x: tf.Tensor3D, lengths: number[]): { y: tf.Tensor3D; routing: StageRouting[] } {
    const [b, l, dIn] = x.shape;
    const d = this.spec.dModel;
    let h: tf.Tensor3D = x;
    if (d > dIn) {
      const pad = this.params.get(`${this.prefix}.pad_dimension`); // [d - dIn]
      h = tf.concat([x, pad.reshape([1, 1, d - dIn]).tile([b, l, 1])], -1) as tf.Tensor3D; // [B, L, D]
    }
    const cut = (t: tf.Tensor3D) => (d > dIn ? (t.slice([0, 0, 0], [b, l, dIn]) as tf.Tensor3D) : t);
    if (this.main) return { y: cut(this.main.forward(h)), routing: [] };
    const encoder = this.encoder!;
    const decoder = this.decoder!;
    const inner = this.inner!;
    const p = this.prefix;

    const enc = encoder.forward(h); // [B, L, D]
    const residual = linear(
      enc,
      this.params.get(`${p}.residual_proj.weight`),
      this.params.get(`${p}.residual_proj.bias`),
    ); // [B, L, D]
    const prob = boundaryProbabilities(
      enc,
      this.params.get(`${p}.routing_module.q_proj_layer.weight`),
      this.params.get(`${p}.routing_module.k_proj_layer.weight`),
    ); // [B, L]
    const probHost = prob.dataSync() as Float32Array;
    const plan = planChunks(probHost, b, l, lengths);
    const m = plan.maxChunks;

    const chunked = gatherRows(enc.reshape([b * l, d]), plan.chunkIndex).reshape([b, m, d]) as tf.Tensor3D; // [B, M, D]
    const innerOut = inner.forward(chunked, plan.chunkLengths); // [B, M, D]
    const chunkProb = gatherRows(prob.reshape([b * l, 1]), plan.chunkIndex)
      .reshape([b, m])
      .clipByValue(DECHUNK_PROB_CLAMP, 1 - DECHUNK_PROB_CLAMP) as tf.Tensor2D; // [B, M]
    const ema = emaScan(innerOut.y, chunkProb); // [B, M, D]
    const plugged = gatherRows(ema.reshape([b * m, d]), plan.plugIndex).reshape([b, l, d]); // [B, L, D]

    // selected_probs = p where b = 1, else 1 - p; the forward factor ste(.) is exactly 1.
    const boundary = tf.tensor2d(plan.mask, [b, l], "bool"); // [B, L]
    const selected = tf.where(boundary, prob, tf.scalar(1).sub(prob)); // [B, L]
    const mixed = plugged.mul(straightThrough(selected).expandDims(-1)).add(residual) as tf.Tensor3D; // [B, L, D]
    const y = cut(decoder.forward(mixed));

    const N = this.cfg.ratio_loss.N[this.spec.stage]!;
    const stats = ratioLoss(prob, probHost, plan, N);
    const routing: StageRouting = {
      stage: this.spec.stage,
      plan,
      prob: probHost,
      boundaryFraction: stats.F,
      meanBoundaryProb: stats.G,
      ratioLoss: stats.loss,
    };
    return { y, routing: [routing, ...innerOut.routing] };
  }
}
