import type { SweepReport } from "../types";
import { paddedDomain } from "./axes";
import { architectureColors, runColor } from "./colors";
import { fixed, sci } from "./format";
import type { ChartBand, ChartLine, ChartMarker, ChartSpec, ChartVLine, LegendEntry } from "./svg-chart";

const WIDTH = 1000;
const GREY = "#5b6670";

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * (sorted.length - 1))))]!;
}

/** Held-out bpb against training FLOPs: runs, fitted power laws, bands, extrapolation and crossings. */
export function scalingChart(report: SweepReport): ChartSpec | null {
  const s = report.scaling;
  if (!s.computeRange || !s.extrapolateTo) return null;
  const colors = architectureColors(s.architectures.map((a) => a.architecture));
  const lines: ChartLine[] = [];
  const bands: ChartBand[] = [];
  const markers: ChartMarker[] = [];
  const yValues: number[] = [];
  for (const arch of s.architectures) {
    for (const p of arch.points) if (p.bitsPerByte !== null) yValues.push(p.bitsPerByte);
    const fit = arch.fit;
    if (!fit) continue;
    for (const b of fit.band)
      if (!b.extrapolated)
        yValues.push(b.estimate, ...(b.lower !== null && b.upper !== null ? [b.lower, b.upper] : []));
      else yValues.push(b.estimate);
  }
  if (yValues.length === 0) return null;
  const yDomain = paddedDomain(yValues, false, 0.08);
  const topEdge = yDomain[1] - (yDomain[1] - yDomain[0]) * 0.03;

  let anyLeftOut = false;
  let anyNoValue = false;
  let anyBand = false;
  for (const arch of s.architectures) {
    const color = colors.get(arch.architecture)!;
    const fit = arch.fit;
    if (fit) {
      const withBand = fit.band.filter((b) => b.lower !== null && b.upper !== null);
      if (withBand.length > 1) {
        anyBand = true;
        bands.push({
          color,
          points: withBand.map((b) => ({ x: b.compute, lower: b.lower!, upper: b.upper! })),
        });
      }
      const inside = fit.band.filter((b) => !b.extrapolated).map((b) => ({ x: b.compute, y: b.estimate }));
      const outside = fit.band.filter((b) => b.extrapolated).map((b) => ({ x: b.compute, y: b.estimate }));
      const title = `${arch.architecture}: L(C) = ${fixed(fit.params.E)} + ${sci(fit.params.A)}·C^-${fixed(fit.params.alpha)}`;
      lines.push({ color, points: inside, width: 2.4, title });
      if (outside.length > 0)
        lines.push({
          color,
          points: [...inside.slice(-1), ...outside],
          width: 2,
          dash: "6 4",
          title: `${title} (extrapolated)`,
        });
    }
    for (const p of arch.points) {
      const what = `${p.runName} (${arch.architecture}): ${p.bitsPerByte === null ? "no finite value" : `${fixed(p.bitsPerByte)} bpb`} at ${sci(p.compute)} FLOPs`;
      if (p.bitsPerByte === null) {
        anyNoValue = true;
        markers.push({
          color,
          x: p.compute,
          y: topEdge,
          shape: "cross",
          size: 5,
          title: `${what}; left out: ${p.reason ?? ""}`,
        });
      } else if (!p.used) {
        anyLeftOut = true;
        markers.push({
          color,
          x: p.compute,
          y: p.bitsPerByte,
          shape: "ring",
          size: 4.5,
          title: `${what}; left out: ${p.reason ?? ""}`,
        });
      } else markers.push({ color, x: p.compute, y: p.bitsPerByte, shape: "dot", size: 4.5, title: what });
    }
  }

  const vlines: ChartVLine[] = s.crossings.flatMap((c) =>
    c.crossings.map((x) => ({
      x: x.compute,
      color: "#27313b",
      label: `${c.architectures[0]} = ${c.architectures[1]}`,
      title: `${c.architectures[0]} and ${c.architectures[1]} cross at ${sci(x.compute)} FLOPs (${fixed(x.loss)} bpb); ${x.betterAbove} lower above`,
    })),
  );

  const legend: LegendEntry[] = s.architectures.map((a) => ({
    color: colors.get(a.architecture)!,
    kind: "line" as const,
    label: `${a.architecture}${a.fit ? (a.fit.provisional ? " (provisional fit)" : "") : " (no fit)"}`,
  }));
  legend.push({ color: GREY, kind: "dot", label: "run in fit" });
  if (anyLeftOut) legend.push({ color: GREY, kind: "ring", label: "run left out of fit" });
  if (anyNoValue) legend.push({ color: GREY, kind: "cross", label: "diverged / no final value (top edge)" });
  if (lines.some((l) => l.dash)) legend.push({ color: GREY, kind: "dashed", label: "extrapolation" });
  if (anyBand)
    legend.push({ color: GREY, kind: "band", label: `${Math.round(s.level * 100)}% bootstrap band` });

  return {
    id: "scaling",
    title: `Scaling: final ${s.metric} vs training compute`,
    subtitle: `L(C) = E + A·C^(−α) fitted per architecture; the shaded region beyond the largest run is extrapolation`,
    width: WIDTH,
    plotHeight: 380,
    xLabel: "training compute (FLOPs, log scale)",
    yLabel: `${s.metric} (bits per byte)`,
    xLog: true,
    xDomain: paddedDomain([s.computeRange[0], s.extrapolateTo], true, 0.03),
    yDomain,
    lines,
    bands,
    markers,
    vlines,
    region:
      s.extrapolateTo > s.computeRange[1]
        ? { from: s.computeRange[1], to: s.extrapolateTo, label: "extrapolation" }
        : undefined,
    legend,
  };
}

/** One chart per architecture: every run's training curve (line) and held-out evaluations (points). */
export function learningCurveCharts(
  report: SweepReport,
): Array<{ architecture: string; chart: ChartSpec | null }> {
  const lc = report.learningCurves;
  return lc.architectures.map(({ architecture, runs }, archIndex) => {
    const xs: number[] = [];
    const trainYs: number[] = [];
    const heldYs: number[] = [];
    for (const r of runs) {
      for (const p of r.train) {
        xs.push(p.x);
        trainYs.push(p.y);
      }
      for (const p of r.heldOut) {
        xs.push(p.x);
        heldYs.push(p.y);
      }
    }
    if (xs.length === 0) return { architecture, chart: null };
    // The first steps of a byte model sit near 8 bits; cap the axis so the informative part is readable.
    const top = Math.max(
      ...(heldYs.length > 0 ? heldYs : [Number.NEGATIVE_INFINITY]),
      trainYs.length > 0 ? quantile(trainYs, 0.95) : Number.NEGATIVE_INFINITY,
    );
    const bottom = Math.min(...trainYs, ...heldYs);
    const lines: ChartLine[] = [];
    const markers: ChartMarker[] = [];
    const legend: LegendEntry[] = [];
    // One colour per config: the seeds of a setting share it and one legend entry.
    const groups = [...new Set(runs.map((r) => r.group))];
    const colorOf = (r: (typeof runs)[number]) => runColor(groups.indexOf(r.group));
    for (const r of runs) {
      const color = colorOf(r);
      if (r.train.length === 0 && r.heldOut.length === 0) continue;
      lines.push({
        color,
        points: r.train,
        width: 1.6,
        opacity: 0.9,
        title: `${r.runName}: ${lc.trainMetric}`,
      });
      if (r.heldOut.length > 1) lines.push({ color, points: r.heldOut, width: 1, dash: "3 3", opacity: 0.8 });
      for (const p of r.heldOut)
        markers.push({
          color,
          x: p.x,
          y: p.y,
          shape: "dot",
          size: 3.2,
          title: `${r.runName}: ${lc.heldOutMetric} ${fixed(p.y)} at ${sci(p.x)} FLOPs`,
        });
    }
    for (const group of groups) {
      const members = runs.filter((r) => r.group === group && (r.train.length > 0 || r.heldOut.length > 0));
      if (members.length === 0) continue;
      const names = members.map((r) =>
        r.status === "COMPLETED" ? r.runName : `${r.runName} (${r.status.toLowerCase()})`,
      );
      legend.push({ color: colorOf(members[0]!), kind: "line", label: names.join(", ") });
    }
    legend.push({ color: GREY, kind: "line", label: lc.trainMetric });
    legend.push({ color: GREY, kind: "dot", label: lc.heldOutMetric });
    return {
      architecture,
      chart: {
        id: `curves-${archIndex + 1}`,
        title: `Learning curves: ${architecture}`,
        subtitle: `${lc.trainMetric} (lines, downsampled) and ${lc.heldOutMetric} (points) against training FLOPs`,
        width: WIDTH,
        plotHeight: 300,
        xLabel: "training compute (FLOPs, log scale)",
        yLabel: "bits per byte",
        xLog: true,
        xDomain: paddedDomain(xs, true, 0.02),
        yDomain: paddedDomain([bottom, top], false, 0.05),
        lines,
        markers,
        legend,
      },
    };
  });
}
