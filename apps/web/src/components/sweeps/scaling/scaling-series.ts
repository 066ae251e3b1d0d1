import type { SweepReport } from "@bytelab/analysis/report";
import type { ScatterGroup, XMarker } from "../../charts";
import { seriesColor } from "../../charts/palette";
import type { ChartLine } from "../../../lib/series/types";
import { fixed, sci } from "../format";

// Pure transforms from the sweep report (@bytelab/analysis, what `bytelab report` draws) to the chart
// toolkit's shapes. Colours follow the architectures' order in the report, on every chart of the page.

/** Palette slot per architecture, in the report's order. */
export function architectureSlots(report: SweepReport): Map<string, number> {
  const names = [
    ...report.scaling.architectures.map((a) => a.architecture),
    ...report.summary.architectures,
    ...report.learningCurves.architectures.map((a) => a.architecture),
  ];
  const slots = new Map<string, number>();
  for (const n of names) if (!slots.has(n)) slots.set(n, slots.size);
  return slots;
}

/** Which chart the scaling section calls for: fitted laws, or the direct comparison (no law fitted). */
export function scalingMode(report: SweepReport): "fit" | "direct" {
  const s = report.scaling as SweepReport["scaling"] & { mode?: "fit" | "direct" };
  return s.mode ?? (s.architectures.some((a) => a.fit) ? "fit" : "direct");
}

/**
 * Held-out bpb against training FLOPs, one group per architecture: its runs in the fit (points), the fitted
 * law over the compute it saw with its bootstrap band, and beyond the largest run the extrapolated part
 * (dashed, its own group); runs left out of the fit are a group of their own ("… left out of fit").
 */
export function scalingGroups(report: SweepReport): ScatterGroup[] {
  const slots = architectureSlots(report);
  const groups: ScatterGroup[] = [];
  for (const arch of report.scaling.architectures) {
    const slot = slots.get(arch.architecture) ?? 0;
    const used = arch.points.filter((p) => p.used && p.bitsPerByte !== null);
    const left = arch.points.filter((p) => !p.used && p.bitsPerByte !== null);
    const fit = arch.fit;
    const inside = fit ? fit.band.filter((b) => !b.extrapolated) : [];
    const outside = fit ? fit.band.filter((b) => b.extrapolated) : [];
    const curve = (points: typeof inside) => ({
      x: points.map((b) => b.compute),
      y: points.map((b) => b.estimate),
      lo: points.map((b) => b.lower ?? Number.NaN),
      hi: points.map((b) => b.upper ?? Number.NaN),
    });
    groups.push({
      id: arch.architecture,
      name: fit
        ? `${arch.architecture}: L(C) = ${fixed(fit.params.E)} + ${sci(fit.params.A)}·C^-${fixed(fit.params.alpha)}${fit.provisional ? " (provisional)" : ""}`
        : `${arch.architecture} (no fit)`,
      points: used.map((p) => ({ x: p.compute, y: p.bitsPerByte!, label: p.runName })),
      ...(inside.length > 0 ? { fit: curve(inside) } : {}),
      n: arch.points.length,
      colorIndex: slot,
    });
    if (outside.length > 0)
      groups.push({
        id: `${arch.architecture}:extrapolated`,
        name: `${arch.architecture}: extrapolated`,
        points: [],
        // Joined to the fitted part at the largest run, dashed (palette slot + 8), same colour.
        fit: curve([...inside.slice(-1), ...outside]),
        colorIndex: slot + 8,
        color: seriesColor(slot),
      });
    if (left.length > 0)
      groups.push({
        id: `${arch.architecture}:left-out`,
        name: `${arch.architecture}: left out of fit`,
        points: left.map((p) => ({
          x: p.compute,
          y: p.bitsPerByte!,
          label: `${p.runName} (${p.reason ?? "left out"})`,
        })),
        n: left.length,
        colorIndex: slot + 16,
        color: seriesColor(slot),
      });
  }
  return groups;
}

/** Where fitted laws cross: one marker per crossing ("hnet = transformer"). */
export function crossingMarkers(report: SweepReport): XMarker[] {
  return report.scaling.crossings.flatMap((c) =>
    c.crossings.map((x) => ({ x: x.compute, label: `${c.architectures[0]} = ${c.architectures[1]}` })),
  );
}

export interface DirectSetting {
  label: string;
  architecture: string;
  n: number;
  mean: number | null;
  std: number | null;
  interval: { lower: number; upper: number } | null;
  budget: number | null;
  runs: Array<{ runId: string; runName: string; value: number | null }>;
}

/** The direct comparison's settings (the report's, else rebuilt from the seed section). */
export function directSettings(report: SweepReport): DirectSetting[] {
  const s = report.scaling as SweepReport["scaling"] & { direct?: { groups: DirectSetting[] } };
  if (s.direct) return s.direct.groups;
  const metric = report.scaling.metric;
  const byId = new Map(report.runs.map((r) => [r.id, r]));
  return report.seeds.groups.map((g) => {
    const stats = g.metrics[metric] ?? null;
    return {
      label: g.label,
      architecture: g.architecture,
      n: stats?.n ?? 0,
      mean: stats?.mean ?? null,
      std: stats?.std ?? null,
      interval: stats?.ci ? { lower: stats.ci.lower, upper: stats.ci.upper } : null,
      budget: null,
      runs: g.runIds.map((id, i) => ({
        runId: id,
        runName: g.runNames[i] ?? id,
        value: byId.get(id)?.finalHeldOut ?? null,
      })),
    };
  });
}

/** A setting's name on the dot plot: the architecture, with the setting when it says more. */
export function settingName(s: DirectSetting): string {
  return s.label && s.label !== "(one setting)" ? `${s.architecture} ${s.label}` : s.architecture;
}

/**
 * The direct comparison as a dot plot: setting i at x = i, its runs as points, its mean as a short line and
 * the seed interval of the mean as a box around it (the band of a two-point "fit" from i-0.25 to i+0.25).
 */
export function directGroups(report: SweepReport): ScatterGroup[] {
  const slots = architectureSlots(report);
  return directSettings(report).map((s, i) => {
    const half = 0.25;
    const mean = s.mean;
    return {
      id: `${s.architecture}:${s.label}`,
      name: settingName(s),
      points: s.runs.flatMap((r) => (r.value === null ? [] : [{ x: i, y: r.value, label: r.runName }])),
      ...(mean !== null
        ? {
            fit: {
              x: [i - half, i + half],
              y: [mean, mean],
              lo: s.interval ? [s.interval.lower, s.interval.lower] : [mean, mean],
              hi: s.interval ? [s.interval.upper, s.interval.upper] : [mean, mean],
            },
          }
        : {}),
      n: s.n,
      colorIndex: slots.get(s.architecture) ?? i,
    };
  });
}

/**
 * Learning curves of one architecture: per run its training curve (solid) and its held-out evaluations
 * (dashed, same colour), against training FLOPs. Seeds of one setting share a colour (the report's group).
 */
export function learningLines(report: SweepReport, architecture: string): ChartLine[] {
  const entry = report.learningCurves.architectures.find((a) => a.architecture === architecture);
  if (!entry) return [];
  const groups = [...new Set(entry.runs.map((r) => r.group))];
  const lines: ChartLine[] = [];
  for (const r of entry.runs) {
    const slot = groups.indexOf(r.group);
    const status = r.status === "COMPLETED" ? "" : ` (${r.status.toLowerCase()})`;
    if (r.train.length > 0)
      lines.push({
        id: `${r.runId}:train`,
        name: `${r.runName}${status}: ${report.learningCurves.trainMetric}`,
        x: r.train.map((p) => p.x),
        y: r.train.map((p) => p.y),
        stored: r.trainPointsStored,
        downsampled: r.trainPointsStored > r.train.length,
        colorIndex: slot,
        href: `/runs/${encodeURIComponent(r.runId)}`,
      });
    if (r.heldOut.length > 0)
      lines.push({
        id: `${r.runId}:heldout`,
        name: `${r.runName}${status}: ${report.learningCurves.heldOutMetric}`,
        x: r.heldOut.map((p) => p.x),
        y: r.heldOut.map((p) => p.y),
        colorIndex: slot + 8,
        color: seriesColor(slot),
        href: `/runs/${encodeURIComponent(r.runId)}`,
      });
  }
  return lines;
}
