"use client";

import { type ReactNode, useMemo, useState } from "react";
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Line,
  ReferenceLine,
  Scatter,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { toCsv } from "../../lib/series/csv";
import { formatTick } from "../../lib/series/format";
import { drawable } from "../../lib/series/rows";
import { linearDomain, logDomain, logTicks, niceTicks } from "../../lib/series/ticks";
import type { Scale } from "../../lib/series/types";
import { ChartFrame } from "./chart-frame";
import { ChartLegend, type LegendEntry, useHiddenSeries } from "./legend";
import { AXIS_STYLE, seriesColor, seriesDash } from "./palette";

export interface ScatterPoint {
  x: number;
  y: number;
  /** Shown in the tooltip (e.g. the run's name). */
  label?: string;
}

export interface ScatterGroup {
  id: string;
  /** Legend label (e.g. the architecture). */
  name: string;
  points: readonly ScatterPoint[];
  /** A fitted curve drawn as a line through (x[i], y[i]), with an optional band lo..hi (e.g. bootstrap). */
  fit?: { x: readonly number[]; y: readonly number[]; lo?: readonly number[]; hi?: readonly number[] };
  /** Runs behind the group, shown as N in the legend. */
  n?: number;
  colorIndex?: number;
  color?: string;
}

/** A vertical marker line (e.g. where two fitted curves cross). */
export interface XMarker {
  x: number;
  label: string;
}

export interface ScatterChartProps {
  title: string;
  groups: readonly ScatterGroup[];
  xLabel: string;
  yLabel: string;
  /** Default log on both axes (scaling curves). */
  xScale?: Scale;
  yScale?: Scale;
  formatX?: (v: number) => string;
  formatY?: (v: number) => string;
  markers?: readonly XMarker[];
  /** Fixed x ticks and domain (e.g. categories at 0..k-1 with domain [-0.5, k-0.5]); default: from the data. */
  xTicks?: readonly number[];
  xDomain?: [number, number];
  height?: number;
  exportName?: string;
  controls?: ReactNode;
  note?: string;
  empty?: string;
}

interface PlotPoint extends ScatterPoint {
  group: string;
}

interface FitRow {
  x: number;
  fit: number | null;
  band: [number, number] | null;
}

/**
 * Points per group (e.g. final bpb of each run against its training FLOPs), each group's fitted curve and its
 * band, and vertical markers, on log-log axes by default; legend with N, tooltip, PNG / SVG / CSV export.
 *
 *   <ScatterChart title="val/bpb vs FLOPs" xLabel="training FLOPs" yLabel="val/bpb"
 *     groups={[{ id: "hnet", name: "hnet", points, fit: { x, y, lo, hi } }]} markers={[{ x: 3e15, label: "crossing" }]} />
 */
export function ScatterChart(props: ScatterChartProps) {
  const xScale = props.xScale ?? "log";
  const yScale = props.yScale ?? "log";
  const formatX = props.formatX ?? formatTick;
  const formatY = props.formatY ?? formatTick;
  const height = props.height ?? 380;
  const [hidden, toggleHidden] = useHiddenSeries();
  const [highlight, setHighlight] = useState<string | null>(null);

  const prepared = useMemo(
    () =>
      props.groups.map((g, i) => {
        const slot = g.colorIndex ?? i;
        const points: PlotPoint[] = g.points
          .filter((p) => drawable(p.x, xScale) && drawable(p.y, yScale))
          .map((p) => ({ ...p, group: g.name }));
        const fit: FitRow[] = [];
        if (g.fit)
          for (let j = 0; j < g.fit.x.length; j++) {
            const x = g.fit.x[j]!;
            if (!drawable(x, xScale)) continue;
            const y = g.fit.y[j];
            const lo = g.fit.lo?.[j];
            const hi = g.fit.hi?.[j];
            fit.push({
              x,
              fit: drawable(y, yScale) ? y : null,
              band: drawable(lo, yScale) && drawable(hi, yScale) ? [lo, hi] : null,
            });
          }
        return { group: g, slot, color: g.color ?? seriesColor(slot), dash: seriesDash(slot), points, fit };
      }),
    [props.groups, xScale, yScale],
  );

  const domains = useMemo(() => {
    const xs: number[] = [];
    const ys: number[] = [];
    for (const p of prepared) {
      if (hidden.has(p.group.id)) continue;
      for (const pt of p.points) {
        xs.push(pt.x);
        ys.push(pt.y);
      }
      for (const f of p.fit) {
        xs.push(f.x);
        if (f.fit !== null) ys.push(f.fit);
        if (f.band) ys.push(...f.band);
      }
    }
    for (const m of props.markers ?? []) if (drawable(m.x, xScale)) xs.push(m.x);
    if (xs.length === 0 || ys.length === 0) return null;
    const ext = (v: number[]): [number, number] => [Math.min(...v), Math.max(...v)];
    const dom = (v: number[], s: Scale) => (s === "log" ? logDomain(...ext(v)) : linearDomain(...ext(v)));
    return { x: props.xDomain ?? dom(xs, xScale), y: dom(ys, yScale) };
  }, [prepared, hidden, props.markers, props.xDomain, xScale, yScale]);

  const legend: LegendEntry[] = prepared.map((p) => ({
    id: p.group.id,
    name: p.group.name,
    color: p.color,
    dash: p.dash,
    n: p.group.n,
    points: p.points.length,
  }));

  const csv = () => {
    const rows: unknown[][] = [];
    for (const p of prepared) {
      for (const pt of p.points) rows.push([p.group.name, "point", pt.x, pt.y, null, null, pt.label ?? ""]);
      for (const f of p.fit) rows.push([p.group.name, "fit", f.x, f.fit, f.band?.[0], f.band?.[1], ""]);
    }
    for (const m of props.markers ?? []) rows.push(["", "marker", m.x, null, null, null, m.label]);
    return toCsv(["group", "kind", props.xLabel, props.yLabel, "lo", "hi", "label"], rows);
  };

  const fade = (id: string) => highlight !== null && highlight !== id;
  return (
    <ChartFrame
      title={props.title}
      {...(props.exportName ? { exportName: props.exportName } : {})}
      note={props.note}
      legend={legend.filter((l) => !hidden.has(l.id))}
      csv={csv}
      controls={props.controls}
      disabled={!domains}
      footer={
        <ChartLegend entries={legend} hidden={hidden} onToggle={toggleHidden} onHighlight={setHighlight} />
      }
    >
      <div data-chart="scatter" data-groups={prepared.length}>
        {!domains ? (
          <div className="chart-message muted" style={{ height }}>
            {props.empty ?? "Nothing to plot yet."}
          </div>
        ) : (
          <div className="chart-plot" style={{ height }}>
            <ComposedChart
              responsive
              style={{ width: "100%", height }}
              margin={{ top: 8, right: 16, bottom: 28, left: 12 }}
              accessibilityLayer={false}
            >
              <CartesianGrid stroke="var(--border)" strokeOpacity={0.6} />
              <XAxis
                dataKey="x"
                type="number"
                scale={xScale}
                domain={domains.x}
                allowDataOverflow
                ticks={
                  props.xTicks
                    ? [...props.xTicks]
                    : xScale === "log"
                      ? logTicks(...domains.x)
                      : niceTicks(...domains.x, 6)
                }
                tickFormatter={formatX}
                label={{ value: props.xLabel, position: "insideBottom", offset: -16, fill: "var(--muted)" }}
                {...AXIS_STYLE}
              />
              <YAxis
                type="number"
                scale={yScale}
                domain={domains.y}
                allowDataOverflow
                ticks={yScale === "log" ? logTicks(...domains.y) : niceTicks(...domains.y, 5)}
                tickFormatter={formatY}
                width={64}
                label={{
                  value: props.yLabel,
                  angle: -90,
                  position: "insideLeft",
                  fill: "var(--muted)",
                  dy: 40,
                }}
                {...AXIS_STYLE}
              />
              <Tooltip
                isAnimationActive={false}
                shared={false}
                cursor={false}
                content={({ active, payload }) => {
                  const p = payload?.[0]?.payload as Partial<PlotPoint & FitRow> | undefined;
                  if (!active || !p || p.x === undefined) return null;
                  const y = p.y ?? p.fit;
                  return (
                    <div className="chart-tooltip">
                      <div className="chart-tooltip-x">{p.label ?? p.group ?? "fit"}</div>
                      <div>
                        {props.xLabel} {formatX(p.x)}
                      </div>
                      {typeof y === "number" ? (
                        <div>
                          {props.yLabel} {formatY(y)}
                        </div>
                      ) : null}
                    </div>
                  );
                }}
              />
              {prepared.map((p) =>
                p.fit.some((f) => f.band) ? (
                  <Area
                    key={`band-${p.group.id}`}
                    data={p.fit}
                    dataKey="band"
                    stroke="none"
                    fill={p.color}
                    fillOpacity={fade(p.group.id) ? 0.04 : 0.15}
                    hide={hidden.has(p.group.id)}
                    isAnimationActive={false}
                    activeDot={false}
                    tooltipType="none"
                    legendType="none"
                  />
                ) : null,
              )}
              {prepared.map((p) =>
                p.fit.length > 0 ? (
                  <Line
                    key={`fit-${p.group.id}`}
                    data={p.fit}
                    dataKey="fit"
                    name={`${p.group.name} fit`}
                    stroke={p.color}
                    strokeDasharray={p.dash}
                    strokeWidth={2}
                    strokeOpacity={fade(p.group.id) ? 0.2 : 1}
                    hide={hidden.has(p.group.id)}
                    dot={false}
                    activeDot={false}
                    isAnimationActive={false}
                    connectNulls
                  />
                ) : null,
              )}
              {prepared.map((p) => (
                <Scatter
                  key={`pts-${p.group.id}`}
                  data={p.points}
                  dataKey="y"
                  name={p.group.name}
                  fill={p.color}
                  fillOpacity={fade(p.group.id) ? 0.2 : 0.9}
                  hide={hidden.has(p.group.id)}
                  isAnimationActive={false}
                />
              ))}
              {(props.markers ?? []).map((m) => (
                <ReferenceLine
                  key={`m-${m.x}-${m.label}`}
                  x={m.x}
                  stroke="var(--muted)"
                  strokeDasharray="4 4"
                  label={{ value: m.label, position: "top", fill: "var(--muted)", fontSize: 11 }}
                />
              ))}
            </ComposedChart>
          </div>
        )}
      </div>
    </ChartFrame>
  );
}
