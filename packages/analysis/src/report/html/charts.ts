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

/**
 * The scaling section's chart, the one that fits the data (scaling.mode): runs against compute with the
 * fitted laws ("fit"), or the settings compared directly ("direct": no law was fitted, nothing to extrapolate).
 */
export function scalingChart(report: SweepReport): ChartSpec | null {
  return report.scaling.mode === "direct" ? directChart(report) : fittedChart(report);
}

/** Deterministic horizontal offsets for the runs of one category, so their dots do not hide each other. */
function jitter(i: number, count: number): number {
  if (count <= 1) return 0;
  return -0.16 + (0.32 * i) / (count - 1);
}

/**
 * Final held-out bpb per setting (seed group): every run as a dot, the mean as a bar across, its Student t
 * interval over seeds as a vertical line; runs without a finite value as crosses at the top edge.
 */
export function directChart(report: SweepReport): ChartSpec | null {
  const d = report.scaling.direct;
  const groups = d.groups.filter((g) => g.runs.length > 0);
  if (groups.length === 0) return null;
  const colors = architectureColors(report.scaling.architectures.map((a) => a.architecture));
  const yValues: number[] = [];
  for (const g of groups) {
    for (const r of g.runs) if (r.value !== null) yValues.push(r.value);
    if (g.interval) yValues.push(g.interval.lower, g.interval.upper);
  }
  if (yValues.length === 0) return null;
  const yDomain = paddedDomain(yValues, false, 0.12);
  const topEdge = yDomain[1] - (yDomain[1] - yDomain[0]) * 0.03;
  const perArch = new Map<string, number>();
  for (const g of groups) perArch.set(g.architecture, (perArch.get(g.architecture) ?? 0) + 1);
  const categories = groups.map((g) =>
    (perArch.get(g.architecture) ?? 0) > 1 || g.label !== "(one setting)"
      ? `${g.architecture}: ${g.label}`
      : g.architecture,
  );
  const lines: ChartLine[] = [];
  const markers: ChartMarker[] = [];
  let anyMissing = false;
  let anyInterval = false;
  groups.forEach((g, i) => {
    const x = i + 1;
    const color = colors.get(g.architecture) ?? GREY;
    g.runs.forEach((r, k) => {
      const what = `${r.runName}: ${r.value === null ? "no finite final value" : `${fixed(r.value)} bpb`} at ${sci(r.compute)} FLOPs`;
      if (r.value === null) {
        anyMissing = true;
        markers.push({
          color,
          x: x + jitter(k, g.runs.length),
          y: topEdge,
          shape: "cross",
          size: 5,
          title: what,
        });
      } else
        markers.push({
          color,
          x: x + jitter(k, g.runs.length),
          y: r.value,
          shape: "dot",
          size: 4.5,
          title: what,
        });
    });
    if (g.mean !== null) {
      const summary = `${categories[i]}: mean ${fixed(g.mean)} bpb over ${g.n} run${g.n === 1 ? "" : "s"}${g.interval ? `, ${Math.round(d.level * 100)}% interval [${fixed(g.interval.lower)}, ${fixed(g.interval.upper)}]` : ""}${g.budget !== null ? ` at ${sci(g.budget)} FLOPs` : ""}`;
      lines.push({
        color,
        points: [
          { x: x - 0.28, y: g.mean },
          { x: x + 0.28, y: g.mean },
        ],
        width: 3,
        title: summary,
      });
      if (g.interval) {
        anyInterval = true;
        lines.push({
          color,
          points: [
            { x, y: g.interval.lower },
            { x, y: g.interval.upper },
          ],
          width: 1.6,
          title: summary,
        });
      }
    }
  });
  const budgets = [...new Set(groups.map((g) => g.budget))];
  const at =
    budgets.length === 1 && budgets[0] !== null && budgets[0] !== undefined
      ? ` at ${sci(budgets[0])} training FLOPs`
      : "";
  const legend: LegendEntry[] = [...new Set(groups.map((g) => g.architecture))].map((a) => ({
    color: colors.get(a) ?? GREY,
    kind: "line" as const,
    label: a,
  }));
  legend.push({ color: GREY, kind: "dot", label: "run (seed)" });
  legend.push({ color: GREY, kind: "line", label: "mean over seeds" });
  if (anyInterval)
    legend.push({ color: GREY, kind: "line", label: `${Math.round(d.level * 100)}% t interval of the mean` });
  if (anyMissing) legend.push({ color: GREY, kind: "cross", label: "diverged / no final value (top edge)" });
  return {
    id: "scaling",
    title: `Final ${d.metric} per setting${at}`,
    subtitle:
      "One compute value per setting: compared directly (no scaling law can be fitted through a single budget)",
    width: WIDTH,
    plotHeight: 340,
    xLabel: "setting",
    yLabel: `${d.metric} (bits per byte)`,
    xLog: false,
    xDomain: [0.5, groups.length + 0.5],
    xCategories: categories,
    yDomain,
    lines,
    markers,
    legend,
  };
}

/** Held-out bpb against training FLOPs: runs, fitted power laws, bands, extrapolation and crossings. */
function fittedChart(report: SweepReport): ChartSpec | null {
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
    // Extrapolation only where a law was fitted.
    region:
      s.architectures.some((a) => a.fit) && s.extrapolateTo > s.computeRange[1]
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
