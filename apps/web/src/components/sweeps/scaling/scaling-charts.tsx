"use client";

import type { SweepReport } from "@bytelab/analysis/report";
import { useMemo } from "react";
import { LineChart, ScatterChart } from "../../charts";
import { seriesColor } from "../../charts/palette";
import { formatBpb, formatFlops, formatParams } from "../../../lib/series/format";
import type { ChartLine } from "../../../lib/series/types";
import { compact, fixed, sci } from "../format";
import type { IsoFlopData } from "./isoflop";
import {
  crossingMarkers,
  directGroups,
  directSettings,
  learningLines,
  scalingGroups,
  settingName,
} from "./scaling-series";

/** Held-out bpb against training FLOPs (log-log): runs, fitted laws, bootstrap bands, extrapolation, crossings. */
export function ScalingChart({ report }: { report: SweepReport }) {
  const groups = useMemo(() => scalingGroups(report), [report]);
  const markers = useMemo(() => crossingMarkers(report), [report]);
  const s = report.scaling;
  return (
    <ScatterChart
      title={`Scaling: final ${s.metric} vs training FLOPs`}
      exportName={`${report.sweep.name}-scaling`}
      groups={groups}
      markers={markers}
      xLabel="training FLOPs"
      yLabel={`${s.metric} (bits per byte)`}
      formatX={formatFlops}
      formatY={formatBpb}
      height={420}
      note={`L(C) = E + A·C^(−α) fitted per architecture; bands: ${Math.round(s.level * 100)}% bootstrap; dashed: extrapolated${s.extrapolateTo ? ` to ${sci(s.extrapolateTo)} FLOPs` : ""}${markers.length > 0 ? "; vertical lines: where two laws cross" : ""}.`}
      empty={`No finished run has both training FLOPs and a final ${s.metric} yet.`}
    />
  );
}

/**
 * A sweep with one compute value per architecture cannot fit a law: each setting's runs (points), its mean
 * (short line) and the seed interval of the mean (box), side by side.
 */
export function DirectChart({ report }: { report: SweepReport }) {
  const settings = useMemo(() => directSettings(report), [report]);
  const groups = useMemo(() => directGroups(report), [report]);
  const names = settings.map(settingName);
  const level = Math.round(report.scaling.level * 100);
  return (
    <ScatterChart
      title={`Direct comparison: final ${report.scaling.metric} per setting`}
      exportName={`${report.sweep.name}-direct`}
      groups={groups}
      xLabel="setting"
      yLabel={`${report.scaling.metric} (bits per byte)`}
      xScale="linear"
      yScale="linear"
      xTicks={names.map((_, i) => i)}
      xDomain={[-0.5, Math.max(0.5, names.length - 0.5)]}
      formatX={(v) => names[Math.round(v)] ?? ""}
      formatY={formatBpb}
      height={360}
      note={`Points: runs; line: mean; box: ${level}% Student-t interval of the mean over seeds. One compute value per architecture: no scaling law is fitted, nothing is extrapolated.`}
      empty="No finished run has a final value yet."
    />
  );
}

/** One architecture's iso-FLOP curves: final bpb against model size at each budget, with the fitted parabola. */
export function IsoFlopChart({ architecture, data }: { architecture: string; data: IsoFlopData }) {
  const curves = data.curves
    .filter((c) => c.architecture === architecture)
    .sort((a, b) => a.budget - b.budget);
  const lines = useMemo(() => {
    const out: ChartLine[] = [];
    curves.forEach((c, i) => {
      out.push({
        id: `${c.budget}:runs`,
        name: `${sci(c.budget)} FLOPs`,
        x: c.points.map((p) => p.params),
        y: c.points.map((p) => p.loss),
        colorIndex: i,
      });
      if (c.parabola.length > 0)
        out.push({
          id: `${c.budget}:parabola`,
          name: `${sci(c.budget)} FLOPs: parabola${c.optimalParams !== null ? ` (optimum ${compact(c.optimalParams)} params, ${fixed(c.minLoss)} bpb)` : " (no optimum)"}`,
          x: c.parabola.map((p) => p.params),
          y: c.parabola.map((p) => p.loss),
          colorIndex: i + 8,
          color: seriesColor(i),
        });
    });
    return out;
  }, [curves]);
  const frontier = data.frontiers.find((f) => f.architecture === architecture);
  return (
    <LineChart
      title={`Iso-FLOP curves: ${architecture}`}
      exportName={`iso-flop-${architecture}`}
      lines={lines}
      xLabel="parameters"
      yLabel="final bits per byte"
      xScale="log"
      formatX={formatParams}
      formatY={formatBpb}
      height={300}
      note={
        frontier
          ? `compute-optimal size N_opt(C) ≈ ${sci(frontier.coefficient)}·C^${fixed(frontier.exponent)} over ${frontier.budgetsUsed} budgets`
          : "A parabola in ln(size) per budget; the optimum needs 3 or more sizes with the minimum inside them."
      }
      empty="No completed run of this architecture yet."
    />
  );
}

/** One architecture's learning curves: training bpb (lines) and held-out evaluations (dashed) per run. */
export function LearningCurvesChart({ report, architecture }: { report: SweepReport; architecture: string }) {
  const lines = useMemo(() => learningLines(report, architecture), [report, architecture]);
  return (
    <LineChart
      title={`Learning curves: ${architecture}`}
      exportName={`learning-curves-${architecture}`}
      lines={lines}
      xLabel="training FLOPs"
      yLabel="bits per byte"
      xScale="log"
      formatX={formatFlops}
      formatY={formatBpb}
      height={300}
      yRange="focus"
      note={`solid: ${report.learningCurves.trainMetric}; dashed: ${report.learningCurves.heldOutMetric}; seeds of one setting share a colour`}
      empty="No points with training FLOPs recorded yet."
    />
  );
}
