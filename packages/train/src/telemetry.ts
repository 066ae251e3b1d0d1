import type { ByteLM, StageTelemetry } from "@bytelab/models";

/**
 * Training FLOPs per byte for this step. H-Net's cost depends on how much its routers compress, so it is
 * computed from the measured chunk fraction of each stage (chunks per position = chunkedLen / seqLen, the
 * `compressionRatios` convention of ByteLM.flopsPerByte) when telemetry is present.
 */
export function trainingFlopsPerByte(
  model: ByteLM,
  seqLen: number,
  stages: StageTelemetry[] | undefined,
): number {
  if (!stages?.length) return model.flopsPerByte(seqLen).training;
  const compressionRatios = stages.map((s) => Math.min(1, Math.max(1 / s.seqLen, s.chunkedLen / s.seqLen)));
  return model.flopsPerByte(seqLen, { compressionRatios }).training;
}

export function stageMetrics(stages: StageTelemetry[] | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of stages ?? []) {
    out[`stage${s.stage}/boundary_fraction`] = s.boundaryFraction;
    out[`stage${s.stage}/ratio_loss`] = s.ratioLoss;
    // positions per chunk (the paper's compression ratio, e.g. ~4-6 bytes per chunk at stage 0)
    out[`stage${s.stage}/compression`] = s.chunkedLen > 0 ? s.seqLen / s.chunkedLen : 1;
  }
  return out;
}
