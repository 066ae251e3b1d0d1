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

/** One group ready to draw: only its drawable points and fit rows, with its legend slot's colour and dash. */
interface PreparedGroup {
  group: ScatterGroup;
  slot: number;
  color: string;
  dash: string | undefined;
  points: PlotPoint[];
  fit: FitRow[];
}

/**
 * The fit as rows { x, fit, band } (fit.x[i] with fit.y[i] and [lo[i], hi[i]]), dropping the x values the
 * axis cannot draw (e.g. x <= 0 on a log axis) and nulling a y or band the y axis cannot draw, so that row's
 * x is kept and the line connects over the gap (connectNulls).
 */
function fitRows(fit: ScatterGroup["fit"], xScale: Scale, yScale: Scale): FitRow[] {
  const rows: FitRow[] = [];
  if (fit)
    for (let j = 0; j < fit.x.length; j++) {
      const x = fit.x[j]!;
      if (!drawable(x, xScale)) continue;
      const y = fit.y[j];
      const lo = fit.lo?.[j];
      const hi = fit.hi?.[j];
      rows.push({
        x,
        fit: drawable(y, yScale) ? y : null,
        band: drawable(lo, yScale) && drawable(hi, yScale) ? [lo, hi] : null,
      });
    }
  return rows;
}

/** Each group with its colour slot (colorIndex, else its position) and only what the axes can draw. */
function prepareGroups(groups: readonly ScatterGroup[], xScale: Scale, yScale: Scale): PreparedGroup[] {
  return groups.map((g, i) => {
    const slot = g.colorIndex ?? i;
    const points: PlotPoint[] = g.points
      .filter((p) => drawable(p.x, xScale) && drawable(p.y, yScale))
      .map((p) => ({ ...p, group: g.name }));
    const fit = fitRows(g.fit, xScale, yScale);
    return { group: g, slot, color: g.color ?? seriesColor(slot), dash: seriesDash(slot), points, fit };
  });
}

/**
 * The domain of each axis: [min, max] over the visible groups' points, fits and bands (and the markers' x) with
 * a little room for the scale (logDomain / linearDomain); a fixed xDomain wins for x. Null when nothing visible
 * is drawable (the chart then shows its empty message).
 */
function plotDomains(
  prepared: readonly PreparedGroup[],
  hidden: ReadonlySet<string>,
  markers: readonly XMarker[] | undefined,
  xDomain: [number, number] | undefined,
  xScale: Scale,
  yScale: Scale,
): { x: [number, number]; y: [number, number] } | null {
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
  for (const m of markers ?? []) if (drawable(m.x, xScale)) xs.push(m.x);
  if (xs.length === 0 || ys.length === 0) return null;
  const ext = (v: number[]): [number, number] => [Math.min(...v), Math.max(...v)];
  const dom = (v: number[], s: Scale) => (s === "log" ? logDomain(...ext(v)) : linearDomain(...ext(v)));
  return { x: xDomain ?? dom(xs, xScale), y: dom(ys, yScale) };
}

/** One legend entry per group, hidden ones included (the legend lets them be shown again). */
function legendEntries(prepared: readonly PreparedGroup[]): LegendEntry[] {
  return prepared.map((p) => ({
    id: p.group.id,
    name: p.group.name,
    color: p.color,
    dash: p.dash,
    n: p.group.n,
    points: p.points.length,
  }));
}

/** The CSV export: one row per point, fit row and marker, columns group, kind, x, y, lo, hi, label. */
function scatterCsv(
  prepared: readonly PreparedGroup[],
  markers: readonly XMarker[] | undefined,
  xLabel: string,
  yLabel: string,
): string {
  const rows: unknown[][] = [];
  for (const p of prepared) {
    for (const pt of p.points) rows.push([p.group.name, "point", pt.x, pt.y, null, null, pt.label ?? ""]);
    for (const f of p.fit) rows.push([p.group.name, "fit", f.x, f.fit, f.band?.[0], f.band?.[1], ""]);
  }
  for (const m of markers ?? []) rows.push(["", "marker", m.x, null, null, null, m.label]);
  return toCsv(["group", "kind", xLabel, yLabel, "lo", "hi", "label"], rows);
}

/**
 * The hover box: the hovered point's label (else its group; a fit row has neither, so "fit"), then x and y.
 * The hovered row is a PlotPoint (y) or a FitRow (fit), hence the Partial of both.
 */
function ScatterTooltip(props: {
  active: boolean | undefined;
  point: Partial<PlotPoint & FitRow> | undefined;
  xLabel: string;
  yLabel: string;
  formatX: (v: number) => string;
  formatY: (v: number) => string;
}) {
  const p = props.point;
  if (!props.active || !p || p.x === undefined) return null;
  const y = p.y ?? p.fit;
  return (
    <div className="chart-tooltip">
      <div className="chart-tooltip-x">{p.label ?? p.group ?? "fit"}</div>
      <div>
        {props.xLabel} {props.formatX(p.x)}
      </div>
      {typeof y === "number" ? (
        <div>
          {props.yLabel} {props.formatY(y)}
        </div>
      ) : null}
    </div>
  );
}

/** Whether a group is drawn faded because another one is highlighted from the legend. */
type FadeFn = (id: string) => boolean;

/*
 * The layers below are plain functions returning Recharts elements (not components), so the chart's children
 * stay the same flat lists of Area / Line / Scatter / ReferenceLine elements as when they were written inline.
 */

/** Each group's band lo..hi as a filled area, for the groups whose fit has one. */
function bandAreas(prepared: readonly PreparedGroup[], hidden: ReadonlySet<string>, fade: FadeFn) {
  return prepared.map((p) =>
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
  );
}

/** Each group's fitted curve, in its colour and dash. */
function fitLines(prepared: readonly PreparedGroup[], hidden: ReadonlySet<string>, fade: FadeFn) {
  return prepared.map((p) =>
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
  );
}

/** Each group's points. */
function groupPoints(prepared: readonly PreparedGroup[], hidden: ReadonlySet<string>, fade: FadeFn) {
  return prepared.map((p) => (
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
  ));
}

/** The vertical marker lines, labelled at the top. */
function markerLines(markers: readonly XMarker[] | undefined) {
  return (markers ?? []).map((m) => (
    <ReferenceLine
      key={`m-${m.x}-${m.label}`}
      x={m.x}
      stroke="var(--muted)"
      strokeDasharray="4 4"
      label={{ value: m.label, position: "top", fill: "var(--muted)", fontSize: 11 }}
    />
  ));
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

  const prepared = useMemo(() => prepareGroups(props.groups, xScale, yScale), [props.groups, xScale, yScale]);
  const domains = useMemo(
    () => plotDomains(prepared, hidden, props.markers, props.xDomain, xScale, yScale),
    [prepared, hidden, props.markers, props.xDomain, xScale, yScale],
  );
  const legend = legendEntries(prepared);
  const csv = () => scatterCsv(prepared, props.markers, props.xLabel, props.yLabel);

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
                content={({ active, payload }) => (
                  <ScatterTooltip
                    active={active}
                    point={payload?.[0]?.payload}
                    xLabel={props.xLabel}
                    yLabel={props.yLabel}
                    formatX={formatX}
                    formatY={formatY}
                  />
                )}
              />
              {bandAreas(prepared, hidden, fade)}
              {fitLines(prepared, hidden, fade)}
              {groupPoints(prepared, hidden, fade)}
              {markerLines(props.markers)}
            </ComposedChart>
          </div>
        )}
      </div>
    </ChartFrame>
  );
}
