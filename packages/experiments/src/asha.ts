import { z } from "zod";

/**
 * Asynchronous successive halving (ASHA, Li et al. 2020, "A System for Massively Parallel Hyperparameter
 * Tuning"), in its stopping form: runs train in parallel; whenever a run's cumulative training FLOPs cross
 * a rung, it continues only if its metric is in the top 1/eta of all runs that have reached that rung so
 * far, otherwise it stops there. Rungs are measured in training FLOPs (not steps) so that architectures
 * with different FLOPs per byte are judged at equal compute.
 *
 * Rung k sits at minFlops x eta^k (k = 0 .. maxRungs-1). A run is never judged before rung 0.
 */
export const ashaConfigSchema = z
  .strictObject({
    kind: z.literal("asha").default("asha"),
    /** Metric to compare (a name from @bytelab/train's metrics, e.g. "val/bpb" or "train/loss"). */
    metric: z.string().min(1).default("val/bpb"),
    /** "min" for losses / bpb, "max" for accuracies. */
    mode: z.enum(["min", "max"]).default("min"),
    /** Training FLOPs of rung 0: no run is stopped before it has spent this much compute. */
    minFlops: z.number().positive(),
    /** Reduction factor: about 1/eta of the runs reaching a rung continue past it. 3 as in the ASHA paper. */
    eta: z.number().gt(1).default(3),
    /** Number of rungs (past the last one, runs train to their budget). Default: unbounded. */
    maxRungs: z.int().min(1).optional(),
    /**
     * Runs a rung must have seen before it stops anyone (until then every run reaching it continues).
     * 1 = plain ASHA (the first run at a rung is always promoted). Raise it to avoid stopping on few data.
     */
    minRunsPerRung: z.int().min(1).default(1),
  })
  .describe("ASHA early stopping: rungs in training FLOPs");

export type AshaConfig = z.output<typeof ashaConfigSchema>;
export type AshaConfigInput = z.input<typeof ashaConfigSchema>;

/** One reported value of the compared metric, at the run's cumulative training FLOPs. */
export interface MetricObservation {
  flops: number;
  /** null = not finite (a diverged loss): ranks behind every finite value. */
  value: number | null;
}

/** The reports of every run of the sweep (or the group being compared), keyed by run id. */
export type RunHistories =
  | ReadonlyMap<string, readonly MetricObservation[]>
  | Readonly<Record<string, readonly MetricObservation[]>>;

export type AshaDecision =
  | {
      action: "continue";
      /** The rung the decision was made at; null before the first rung. */
      rung: number | null;
      reason: string;
    }
  | {
      action: "stop";
      rung: number;
      /** Training FLOPs of that rung. */
      rungFlops: number;
      /** The run's metric at the rung. */
      value: number | null;
      /** 0-based rank among the runs at the rung (0 = best). */
      rank: number;
      /** Runs that had reached the rung. */
      competitors: number;
      /** How many of them may continue (max(1, floor(competitors / eta))). */
      promotable: number;
      reason: string;
    };

/** Training FLOPs of rung k. */
export function rungFlops(config: AshaConfig, rung: number): number {
  return config.minFlops * config.eta ** rung;
}

/** The highest rung a run with `flops` cumulative training FLOPs has reached, or -1 before rung 0. */
export function rungReached(config: AshaConfig, flops: number): number {
  if (!(flops >= config.minFlops)) return -1;
  // Guard the float log against landing just below an exact rung.
  let k = Math.floor(Math.log(flops / config.minFlops) / Math.log(config.eta));
  while (rungFlops(config, k + 1) <= flops) k++;
  while (k > 0 && rungFlops(config, k) > flops) k--;
  return config.maxRungs === undefined ? k : Math.min(k, config.maxRungs - 1);
}

/**
 * Rungs crossed between two consecutive reports of a run (previous cumulative FLOPs excluded, next
 * included). A caller decides (and records the decision) exactly when this is non-empty.
 */
export function rungsCrossed(config: AshaConfig, previousFlops: number, nextFlops: number): number[] {
  const from = rungReached(config, previousFlops);
  const to = rungReached(config, nextFlops);
  const out: number[] = [];
  for (let k = from + 1; k <= to; k++) out.push(k);
  return out;
}

/**
 * A run's metric at rung k: the value of its first report at or past the rung's FLOPs (reports come at
 * log intervals, so runs are compared at the first report after the same compute). undefined = not reached.
 */
export function valueAtRung(
  config: AshaConfig,
  history: readonly MetricObservation[],
  rung: number,
): number | null | undefined {
  const threshold = rungFlops(config, rung);
  let best: MetricObservation | undefined;
  for (const o of history) if (o.flops >= threshold && (best === undefined || o.flops < best.flops)) best = o;
  if (best === undefined) return undefined;
  return best.value !== null && Number.isFinite(best.value) ? best.value : null;
}

function entries(histories: RunHistories): Array<[string, readonly MetricObservation[]]> {
  return histories instanceof Map
    ? [...(histories as ReadonlyMap<string, readonly MetricObservation[]>).entries()]
    : Object.entries(histories as Readonly<Record<string, readonly MetricObservation[]>>);
}

/**
 * Orders (runId, value) pairs best first: by value (mode), non-finite last, ties broken by run id so the
 * order never depends on the order runs were listed or reported in.
 */
export function rankAtRung(
  config: AshaConfig,
  values: ReadonlyArray<{ runId: string; value: number | null }>,
): Array<{ runId: string; value: number | null }> {
  const sign = config.mode === "min" ? 1 : -1;
  return [...values].sort((a, b) => {
    if (a.value === null || b.value === null) {
      if (a.value !== b.value) return a.value === null ? 1 : -1;
    } else if (a.value !== b.value) return sign * (a.value - b.value);
    return a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0;
  });
}

/**
 * Decides, for run `runId` at the highest rung it has reached, whether it continues or stops, given the
 * reports of all runs so far (its own included). Pure and deterministic.
 *
 * Call it when the run crosses a rung (see rungsCrossed) and record the result: ASHA's promotions are
 * asynchronous, so a later call with more competitors at the same rung may answer differently, and the
 * decision made at the crossing is the one that counts.
 */
export function decideAsha(config: AshaConfig, runId: string, histories: RunHistories): AshaDecision {
  const all = entries(histories);
  const own = all.find(([id]) => id === runId)?.[1];
  if (!own) throw new Error(`decideAsha: no reports for run ${runId} in the histories passed`);
  const maxFlops = own.reduce((m, o) => Math.max(m, o.flops), 0);
  const rung = rungReached(config, maxFlops);
  if (rung < 0)
    return {
      action: "continue",
      rung: null,
      reason: `not at rung 0 yet (${maxFlops.toExponential(3)} of ${config.minFlops.toExponential(3)} training FLOPs)`,
    };
  const atRung: Array<{ runId: string; value: number | null }> = [];
  for (const [id, history] of all) {
    const value = valueAtRung(config, history, rung);
    if (value !== undefined) atRung.push({ runId: id, value });
  }
  const competitors = atRung.length;
  if (competitors < config.minRunsPerRung)
    return {
      action: "continue",
      rung,
      reason: `rung ${rung} has seen ${competitors} of the ${config.minRunsPerRung} runs it needs before stopping any`,
    };
  const promotable = Math.max(1, Math.floor(competitors / config.eta));
  const ranked = rankAtRung(config, atRung);
  const rank = ranked.findIndex((r) => r.runId === runId);
  const value = ranked[rank]!.value;
  const flops = rungFlops(config, rung);
  const shown = value === null ? "non-finite" : value.toPrecision(5);
  if (rank < promotable)
    return {
      action: "continue",
      rung,
      reason: `${config.metric} ${shown} ranks ${rank + 1} of ${competitors} at rung ${rung} (top ${promotable} continue)`,
    };
  return {
    action: "stop",
    rung,
    rungFlops: flops,
    value,
    rank,
    competitors,
    promotable,
    reason:
      `ASHA: ${config.metric} ${shown} at rung ${rung} (${flops.toExponential(3)} training FLOPs) ranks ` +
      `${rank + 1} of ${competitors}; only the top ${promotable} (1/${config.eta}) continue`,
  };
}
