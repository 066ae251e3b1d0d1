import type { GoldenRunResult } from "./adapter";
import { type GoldenFixture, loadGoldenFixture } from "./fixture";
import { goldenAdapterFor } from "./registry";

/** Tolerances from packages/models/test/fixtures/golden/README.md ("Pass criteria"). */
export const ROUTING_PROB_TOLERANCE = 1e-5;
export const RATIO_LOSS_TOLERANCE = 1e-5;
export const LOSS_TOLERANCE = 1e-4;

export interface GoldenCheckReport {
  fixture: string;
  architecture: string;
  maxAbsLogitDiff: number;
  /** null when the architecture has no routing (everything but H-Net). */
  routingOk: boolean | null;
  meanCeNats: number;
  meanCeDiff: number;
  referenceLossDiff: number | null;
  pass: boolean;
  /** Human-readable reasons for a failure; empty when it passes. */
  failures: string[];
  seconds: number;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= max)) max = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
  }
  return max;
}

/**
 * Mean next-byte cross-entropy in nats of logits[:, :-1] against input[:, 1:] over every batch row
 * (byte 0 is not ignored). logits: row-major [batch, seqLen, vocab]; input: row-major [batch, seqLen].
 */
export function meanNextByteCrossEntropy(
  logits: Float32Array,
  input: number[],
  batch: number,
  seqLen: number,
  vocab: number,
): number {
  let total = 0;
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < seqLen - 1; i++) {
      const row = logits.subarray((b * seqLen + i) * vocab, (b * seqLen + i + 1) * vocab);
      let max = Number.NEGATIVE_INFINITY;
      for (const v of row) max = Math.max(max, v);
      let sum = 0;
      for (const v of row) sum += Math.exp(v - max);
      total += max + Math.log(sum) - row[input[b * seqLen + i + 1]!]!;
    }
  }
  return total / (batch * (seqLen - 1));
}

function checkRouting(fixture: GoldenFixture, result: GoldenRunResult, failures: string[]): boolean | null {
  const expected = fixture.manifest.routing;
  if (!expected) return null;
  const ours = result.routing ?? [];
  if (ours.length !== expected.length) {
    failures.push(`routing: expected ${expected.length} stage(s), the port reported ${ours.length}`);
    return false;
  }
  let ok = true;
  expected.forEach((stage, s) => {
    const mine = ours[s]!;
    const mask = stage.boundary_mask.map((b) => Boolean(b));
    const firstMismatch = mask.findIndex((b, t) => mine.boundaryMask[t] !== b);
    if (mine.boundaryMask.length !== mask.length || firstMismatch >= 0) {
      failures.push(`routing stage ${s}: boundary mask differs (first at position ${firstMismatch})`);
      ok = false;
    }
    const dp = maxAbsDiff(mine.boundaryProb, stage.boundary_prob);
    if (!(dp <= ROUTING_PROB_TOLERANCE)) {
      failures.push(
        `routing stage ${s}: max |p - p_ref| = ${dp.toExponential(3)} > ${ROUTING_PROB_TOLERANCE}`,
      );
      ok = false;
    }
    const dr = Math.abs(mine.ratioLoss - stage.ratio_loss);
    if (!(dr <= RATIO_LOSS_TOLERANCE)) {
      failures.push(
        `routing stage ${s}: |ratio_loss - ref| = ${dr.toExponential(3)} > ${RATIO_LOSS_TOLERANCE}`,
      );
      ok = false;
    }
  });
  return ok;
}

/** Runs one fixture through its port and compares logits, routing and loss with the reference. */
export async function checkGoldenFixture(dir: string): Promise<GoldenCheckReport> {
  const started = performance.now();
  const fixture = loadGoldenFixture(dir);
  const { manifest } = fixture;
  const adapter = await goldenAdapterFor(manifest.architecture);
  const result = await adapter(fixture);
  const failures: string[] = [];

  // Routing first: a wrong boundary makes every later logit meaningless.
  const routingOk = checkRouting(fixture, result, failures);

  const maxAbsLogitDiff = maxAbsDiff(result.logits, fixture.logits);
  const tol = manifest.tolerance.logits_max_abs;
  if (result.logits.length !== fixture.logits.length) {
    failures.push(
      `logits: expected ${fixture.logits.length} values, the port produced ${result.logits.length}`,
    );
  } else if (!(maxAbsLogitDiff <= tol)) {
    failures.push(`logits: max |ours - reference| = ${maxAbsLogitDiff.toExponential(3)} > ${tol}`);
  }

  const [batch, seqLen, vocab] = manifest.logits_shape;
  const meanCeNats = meanNextByteCrossEntropy(result.logits, manifest.input, batch, seqLen, vocab);
  const meanCeDiff = Math.abs(meanCeNats - manifest.loss.mean_ce_nats);
  if (!(meanCeDiff <= LOSS_TOLERANCE))
    failures.push(`loss: |mean CE - ref| = ${meanCeDiff.toExponential(3)}`);

  let referenceLossDiff: number | null = null;
  const refLoss = manifest.loss.reference_loss;
  if (result.referenceLoss !== undefined && refLoss !== null && refLoss !== undefined) {
    referenceLossDiff = Math.abs(result.referenceLoss - refLoss);
    if (!(referenceLossDiff <= LOSS_TOLERANCE)) {
      failures.push(`reference loss: |ours - ref| = ${referenceLossDiff.toExponential(3)}`);
    }
  }
  if (manifest.megabyte && result.startTokenLogits) {
    const d = maxAbsDiff(result.startTokenLogits, manifest.megabyte.start_token_logits);
    if (!(d <= tol)) failures.push(`start token logits: max diff ${d.toExponential(3)} > ${tol}`);
  }

  return {
    fixture: manifest.fixture,
    architecture: manifest.architecture,
    maxAbsLogitDiff,
    routingOk,
    meanCeNats,
    meanCeDiff,
    referenceLossDiff,
    pass: failures.length === 0,
    failures,
    seconds: (performance.now() - started) / 1000,
  };
}
