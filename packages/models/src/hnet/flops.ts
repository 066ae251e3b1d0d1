import type { FlopsPerByte } from "../model";
import { type BlockKind, countLevels, type HNetConfig, type LevelSpec, resolveLevels } from "./config";

/**
 * Analytic FLOPs per byte of an H-Net (2 FLOPs per multiply-add of every matmul; training = 3x forward).
 *
 * Level lengths: L_0 = seqLen and L_{s+1} = r_s * L_s, where r_s = (chunks) / (positions) of stage s, the
 * fraction of positions that start a chunk (the telemetry's boundaryFraction; the paper's "compression" is
 * 1 / r_s bytes per chunk). Measured r_s can be passed in; the default is 1 / N_s, the ratio-loss target.
 * So each stage's inner network costs what it would cost on r_s * L_s positions.
 *
 * cost(level s, L):
 *   innermost:  stack(main, L)
 *   otherwise:  stack(encoder, L) + stack(decoder, L)
 *               + 2 * (2 L d^2)  routing W_q, W_k   + 2 L d^2  residual_proj
 *               + cost(level s+1, r_s L)
 * stack(blocks, L) with width d, per block:
 *   't'/'T' attention: 2 L d 3d (Wqkv) + 2 L d^2 (out_proj) + 2 L^2 d (q k^T) + 2 L^2 d (attn v)
 *           (dense L x L scores, as the TF.js implementation computes them; a sliding window masks, not skips)
 *   'T'/'M' SwiGLU with hidden h: 2 L d 2h (fc1) + 2 L h d (fc2)
 *   'm'/'M' Mamba-2 with di = expand d, H = di / headdim, G groups, state N, conv k:
 *           2 L d (2 di + 2 G N + H) (in_proj) + 2 L (di + 2 G N) k (conv) + 2 * 2 L di N (state update and
 *           readout) + 2 L di d (out_proj)
 *           (the recurrent scan's cost, intrinsic to the model; this port evaluates the scan in its quadratic
 *           form, which does ~2 L^2 (N + headdim) per head instead)
 * total = cost(level 0, seqLen) + 2 seqLen d_0 256 (lm_head; the embedding is a lookup); per byte = total / seqLen.
 * Chunk gathers, the dechunk EMA, norms and activations are elementwise and not counted.
 */
export function hnetFlopsPerByte(
  cfg: HNetConfig,
  seqLen: number,
  compressionRatios?: number[],
): FlopsPerByte {
  const stages = countLevels(cfg.arch_layout) - 1;
  const measured = compressionRatios !== undefined;
  const ratios = compressionRatios ?? cfg.ratio_loss.N.map((n) => 1 / n);
  if (ratios.length !== stages)
    throw new Error(
      `hnet flopsPerByte: compressionRatios has ${ratios.length} entries but the model has ${stages} chunking stage(s)`,
    );
  ratios.forEach((r, s) => {
    if (!(r > 0 && r <= 1))
      throw new Error(
        `hnet flopsPerByte: compressionRatios[${s}] = ${r} must be in (0, 1]: it is chunks per position (boundaryFraction), not bytes per chunk`,
      );
  });
  const total = levelCost(resolveLevels(cfg), seqLen, ratios, cfg) + 2 * seqLen * cfg.d_model[0]! * 256;
  const forward = total / seqLen;
  const shown = ratios.map((r) => r.toFixed(4)).join(", ");
  return {
    forward,
    training: 3 * forward,
    basis: `H-Net analytic matmul count at seqLen ${seqLen}, chunk fraction per stage [${shown}] (${measured ? "measured" : "1/N from ratio_loss.N"})`,
  };
}

function levelCost(level: LevelSpec, L: number, ratios: number[], cfg: HNetConfig): number {
  const body = level.body;
  if (body.innermost) return stackCost(body.main, L, level, cfg);
  const d = level.dModel;
  const routing = 2 * (2 * L * d * d) + 2 * L * d * d;
  const inner = levelCost(body.inner, L * ratios[level.stage]!, ratios, cfg);
  return stackCost(body.encoder, L, level, cfg) + stackCost(body.decoder, L, level, cfg) + routing + inner;
}

function stackCost(blocks: BlockKind[], L: number, level: LevelSpec, cfg: HNetConfig): number {
  const d = level.dModel;
  const h = level.mlpHidden;
  const ssm = cfg.ssm_cfg;
  let total = 0;
  for (const kind of blocks) {
    if (kind === "T" || kind === "t") total += 2 * L * d * 3 * d + 2 * L * d * d + 2 * (2 * L * L * d);
    if (kind === "M" || kind === "m") {
      const di = ssm.expand * d;
      const heads = di / ssm.headdim;
      const gn = ssm.ngroups * ssm.d_state;
      total += 2 * L * d * (2 * di + 2 * gn + heads) + 2 * L * (di + 2 * gn) * ssm.d_conv;
      total += 2 * (2 * L * di * ssm.d_state) + 2 * L * di * d;
    }
    if (kind === "T" || kind === "M") total += 2 * L * d * 2 * h + 2 * L * h * d;
  }
  return total;
}
