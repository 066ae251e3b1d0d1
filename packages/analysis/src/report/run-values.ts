import type { ReportPoint, ReportRun } from "./schema";

/** The last value of a metric: what "final val bpb" means in the report. */
export interface FinalValue {
  value: number;
  step: number;
  /** Cumulative training FLOPs when it was measured (null when not recorded). */
  flops: number | null;
}

/** What the report reads off one run's stored series. */
export interface RunValues {
  /** Last finite held-out value; null when none was recorded or the last one is not finite. */
  heldOut: FinalValue | null;
  /** The last held-out value recorded is NaN / ±Infinity (the run blew up). */
  heldOutNonFinite: boolean;
  test: FinalValue | null;
  train: FinalValue | null;
  /** Training compute of the run: FLOPs at the final held-out point, else the largest FLOPs recorded. */
  compute: number | null;
  /** The largest cumulative training FLOPs recorded on any of its points: what the run reached. */
  lastFlops: number | null;
  /** Largest bytesSeen recorded. */
  bytesSeen: number | null;
  /** Training wall time in seconds: the largest recorded wallTime, else finishedAt - startedAt. */
  wallTime: { seconds: number; source: "metrics" | "timestamps" } | null;
}

function last(points: readonly ReportPoint[] | undefined): ReportPoint | undefined {
  return points && points.length > 0 ? points[points.length - 1] : undefined;
}

function finalFinite(points: readonly ReportPoint[] | undefined): FinalValue | null {
  const p = last(points);
  if (!p || !Number.isFinite(p.value)) return null;
  return {
    value: p.value,
    step: p.step,
    flops: p.flops !== null && Number.isFinite(p.flops) ? p.flops : null,
  };
}

function maxOf(
  series: Record<string, ReportPoint[]>,
  field: "flops" | "bytesSeen" | "wallTime",
): number | null {
  let best: number | null = null;
  for (const points of Object.values(series))
    for (const p of points) {
      const v = p[field];
      if (v !== null && Number.isFinite(v) && (best === null || v > best)) best = v;
    }
  return best;
}

/** Reads final values, compute and wall time of `run` from its series (metric name -> points by step). */
export function runValues(
  run: ReportRun,
  series: Record<string, ReportPoint[]>,
  metrics: { heldOut: string; test: string; train: string },
): RunValues {
  const heldOutSeries = series[metrics.heldOut];
  const heldOut = finalFinite(heldOutSeries);
  const lastHeldOut = last(heldOutSeries);
  const maxFlops = maxOf(series, "flops");
  const atHeldOut = heldOut?.flops ?? null;
  const compute =
    atHeldOut !== null && atHeldOut > 0 ? atHeldOut : maxFlops !== null && maxFlops > 0 ? maxFlops : null;
  const recordedWall = maxOf(series, "wallTime");
  let wallTime: RunValues["wallTime"] = null;
  if (recordedWall !== null) wallTime = { seconds: recordedWall, source: "metrics" };
  else if (run.startedAt && run.finishedAt)
    wallTime = { seconds: (run.finishedAt.getTime() - run.startedAt.getTime()) / 1000, source: "timestamps" };
  return {
    heldOut,
    heldOutNonFinite: lastHeldOut !== undefined && !Number.isFinite(lastHeldOut.value),
    test: finalFinite(series[metrics.test]),
    train: finalFinite(series[metrics.train]),
    compute,
    lastFlops: maxFlops !== null && maxFlops > 0 ? maxFlops : null,
    bytesSeen: maxOf(series, "bytesSeen"),
    wallTime,
  };
}

/** Points of one metric usable on a log-FLOPs axis: flops > 0, cut at the first non-finite value. */
export function curveOnFlops(points: readonly ReportPoint[] | undefined): Array<{ x: number; y: number }> {
  const out: Array<{ x: number; y: number }> = [];
  for (const p of points ?? []) {
    if (!Number.isFinite(p.value)) break;
    if (p.flops === null || !(p.flops > 0) || !Number.isFinite(p.flops)) continue;
    const prev = out[out.length - 1];
    if (prev && p.flops < prev.x) continue; // a resumed run may repeat compute: keep x non-decreasing
    out.push({ x: p.flops, y: p.value });
  }
  return out;
}
