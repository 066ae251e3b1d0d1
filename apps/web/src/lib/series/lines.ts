import type { Series } from "@bytelab/service/schemas";
import { aggregateSeries } from "./aggregate";
import type { RunGroup } from "./group";
import { emaSmooth } from "./smoothing";
import type { BandMode, ChartLine } from "./types";

export interface RunLineOptions {
  /** EMA weight (0 = none). */
  smoothing?: number;
  /** Draw each bucket's min-max as a band (downsampled series). */
  bands?: boolean;
  /** Legend label of a run (default its id). */
  name?: (runId: string) => string;
  href?: (runId: string) => string | undefined;
}

/** The series of one metric as one line per run (in the order given), smoothed, with optional bucket bands. */
export function runLines(series: readonly Series[], opts: RunLineOptions = {}): ChartLine[] {
  const w = opts.smoothing ?? 0;
  return series.map((s, i) => {
    const line: ChartLine = {
      id: s.runId,
      name: opts.name?.(s.runId) ?? s.runId,
      x: s.x,
      y: emaSmooth(s.y, w),
      stored: s.stored,
      downsampled: s.downsampled,
      colorIndex: i,
    };
    const href = opts.href?.(s.runId);
    if (href) line.href = href;
    if (opts.bands && s.downsampled) {
      line.lo = emaSmooth(s.min, w);
      line.hi = emaSmooth(s.max, w);
    }
    return line;
  });
}

/** The series of one run, one line per metric (the run page: train/bpb and val/bpb on one chart). */
export function metricLines(
  series: readonly Series[],
  opts: {
    smoothing?: number;
    bands?: boolean;
    transform?: (v: number) => number;
    name?: (metric: string) => string;
  } = {},
): ChartLine[] {
  const w = opts.smoothing ?? 0;
  const t = opts.transform;
  const map = (values: readonly (number | null)[]) =>
    emaSmooth(t ? values.map((v) => (v === null ? null : t(v))) : values, w);
  return series.map((s, i) => {
    const line: ChartLine = {
      id: s.metric,
      name: opts.name?.(s.metric) ?? s.metric,
      x: s.x,
      y: map(s.y),
      stored: s.stored,
      downsampled: s.downsampled,
      colorIndex: i,
    };
    if (opts.bands && s.downsampled) {
      // A transform may reverse the order (1 / x): keep lo below hi.
      const a = map(s.min);
      const b = map(s.max);
      line.lo = a.map((v, j) => (v === null || b[j] === null ? null : Math.min(v, b[j]!)));
      line.hi = a.map((v, j) => (v === null || b[j] === null ? null : Math.max(v, b[j]!)));
    }
    return line;
  });
}

export interface GroupLineOptions {
  smoothing?: number;
  band: BandMode;
}

/**
 * One line per group: each member's series smoothed first (so the band shows the spread of what each run's
 * smoothed curve looks like), then aggregated on the shared grid into the mean with a min-max or standard-error
 * band; n = the group's runs that have this metric. Groups with no series of the metric are left out.
 */
export function groupLines(
  series: readonly Series[],
  groups: readonly RunGroup[],
  opts: GroupLineOptions,
): ChartLine[] {
  const byRun = new Map(series.map((s) => [s.runId, s]));
  const w = opts.smoothing ?? 0;
  const out: ChartLine[] = [];
  groups.forEach((g, i) => {
    const members = g.runIds.flatMap((id) => {
      const s = byRun.get(id);
      return s && s.x.length > 0 ? [s] : [];
    });
    if (members.length === 0) return;
    const agg = aggregateSeries(
      members.map((s) => ({ x: s.x, y: emaSmooth(s.y, w) })),
      opts.band,
    );
    const line: ChartLine = {
      id: g.id,
      name: g.label,
      x: agg.x,
      y: agg.mean,
      n: members.length,
      stored: members.reduce((sum, s) => sum + s.stored, 0),
      downsampled: members.some((s) => s.downsampled),
      colorIndex: i,
    };
    if (opts.band !== "none") {
      line.lo = agg.lo;
      line.hi = agg.hi;
    }
    out.push(line);
  });
  return out;
}

/** Points drawn and stored over all lines, for the chart's "downsampled: 500 of 30,001 points" note. */
export function pointCounts(lines: readonly ChartLine[]): {
  shown: number;
  stored: number;
  downsampled: boolean;
} {
  let shown = 0;
  let stored = 0;
  let downsampled = false;
  for (const l of lines) {
    shown += l.x.length;
    stored += l.stored ?? l.x.length;
    downsampled ||= l.downsampled === true;
  }
  return { shown, stored, downsampled };
}
