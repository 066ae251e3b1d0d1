import type { Architecture } from "@bytelab/models";
import type { PathSegment } from "./issues";

/** A problem with a (model, seqLen) combination, at a path of the run config. */
export interface CombinationProblem {
  path: PathSegment[];
  issue: string;
  fix: string;
}

export interface CombinationReport {
  /** The run cannot train as configured: refused before anything is queued. */
  errors: CombinationProblem[];
  /** It trains, but probably not as intended (e.g. padding wasted on every sequence). */
  warnings: CombinationProblem[];
}

type HourglassLevelTree =
  | { kind: "transformer" }
  | { kind: "hourglass"; shortenFactor: number; valley: HourglassLevelTree };

/** The helpers of @bytelab/models the checks use (passed in: @bytelab/models loads TF.js, so it loads late). */
export interface CombinationHelpers {
  resolveHourglassLevels: (depth: never, shortenFactor: never) => HourglassLevelTree;
  megabytePaddingMultiple: (config: never) => number;
}

const product = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);

function hourglassFactors(level: HourglassLevelTree): number[] {
  return level.kind === "transformer" ? [] : [level.shortenFactor, ...hourglassFactors(level.valley)];
}

/**
 * Checks that need both the model config (already parsed by its schema, defaults filled in) and the
 * training sequence length: what the model schema alone cannot know.
 */
export function checkCombination(
  architecture: Architecture,
  model: Record<string, unknown>,
  seqLen: number,
  helpers: CombinationHelpers,
): CombinationReport {
  const report: CombinationReport = { errors: [], warnings: [] };
  const seq: PathSegment[] = ["seqLen"];
  switch (architecture) {
    case "hourglass": {
      const maxSeqLen = model.max_seq_len as number;
      if (seqLen > maxSeqLen)
        report.errors.push({
          path: ["model", "max_seq_len"],
          issue: `seqLen ${seqLen} exceeds the hourglass max_seq_len ${maxSeqLen} (rows of its position embedding)`,
          fix: `set model.max_seq_len >= ${seqLen}, or lower seqLen`,
        });
      const factors = hourglassFactors(
        helpers.resolveHourglassLevels(model.depth as never, model.shorten_factor as never),
      );
      const total = product(factors);
      if (total > seqLen)
        report.errors.push({
          path: ["model", "shorten_factor"],
          issue: `the shortening factors [${factors.join(", ")}] shorten by ${total} in all, more than seqLen ${seqLen}: the innermost valley would hold less than one real token`,
          fix: `use factors whose product divides seqLen ${seqLen} (e.g. ${largestDivisorAtMost(seqLen, Math.min(total, 8))}), or raise seqLen`,
        });
      else if (seqLen % total !== 0)
        report.warnings.push({
          path: ["model", "shorten_factor"],
          issue: `seqLen ${seqLen} is not a multiple of the total shortening ${total}: every sequence is padded to ${Math.ceil(seqLen / total) * total} in the valley`,
          fix: `pick seqLen a multiple of ${total}`,
        });
      break;
    }
    case "megabyte": {
      const patch = helpers.megabytePaddingMultiple(model as never);
      const lens = model.max_seq_len as number[];
      if (patch > seqLen)
        report.errors.push({
          path: ["model", "max_seq_len"],
          issue: `one global patch covers ${patch} bytes (max_seq_len[1..] = ${JSON.stringify(lens.slice(1))}), more than seqLen ${seqLen}`,
          fix: `use patch sizes whose product divides seqLen ${seqLen}, or raise seqLen`,
        });
      else if (seqLen % patch !== 0)
        report.warnings.push({
          path: ["model", "max_seq_len"],
          issue: `seqLen ${seqLen} is not a multiple of the patch ${patch}: the last patch of every sequence is padding`,
          fix: `pick seqLen a multiple of ${patch}`,
        });
      const globalLen = Math.ceil(seqLen / patch);
      if (model.pos_emb === true && globalLen > lens[0]!)
        report.errors.push({
          path: ["model", "max_seq_len", 0],
          issue: `pos_emb: seqLen ${seqLen} makes ${globalLen} global positions but max_seq_len[0] = ${lens[0]}`,
          fix: `set model.max_seq_len[0] >= ${globalLen}, or lower seqLen`,
        });
      break;
    }
    case "hnet": {
      const targets = (model.ratio_loss as { N?: number[] } | undefined)?.N;
      if (targets && product(targets) > seqLen)
        report.errors.push({
          path: ["model", "ratio_loss", "N"],
          issue: `target compression ${product(targets)} (ratio_loss.N = ${JSON.stringify(targets)}) exceeds seqLen ${seqLen}: the innermost network would see less than one chunk`,
          fix: `lower ratio_loss.N or raise seqLen above ${product(targets)}`,
        });
      break;
    }
    case "transformer": {
      // Only learned positions bind the length (rotary and "none" accept any).
      const max = model.block_size;
      if (model.positions === "learned" && typeof max === "number" && seqLen > max)
        report.errors.push({
          path: ["model", "block_size"],
          issue: `seqLen ${seqLen} exceeds the transformer's block_size ${max} (rows of its learned position table)`,
          fix: `set model.block_size >= ${seqLen}, use positions "rotary", or lower seqLen`,
        });
      break;
    }
  }
  if (seqLen < 2)
    report.errors.push({
      path: seq,
      issue: `seqLen ${seqLen} is too short to train on`,
      fix: "use seqLen >= 2",
    });
  return report;
}

function largestDivisorAtMost(n: number, limit: number): number {
  for (let d = Math.max(1, Math.floor(limit)); d > 1; d--) if (n % d === 0) return d;
  return 1;
}
