"use client";

import { useMemo, useState } from "react";
import { CartesianGrid, LineChart, usePlotArea, useXAxisScale, XAxis, YAxis } from "recharts";
import { toCsv } from "../../lib/series/csv";
import { runKeys } from "../../lib/series/flatten";
import { formatTick } from "../../lib/series/format";
import { axisLabel, normalize, type ValueAxis, valueAxis } from "../../lib/series/parallel";
import { summaryValue } from "../../lib/series/summary";
import { ChartFrame } from "../charts";
import type { CompareRun, CompareStats } from "./types";

const METRIC_AXIS = "__metric";

interface TickProps {
  x?: number | string;
  y?: number | string;
  payload?: { value?: unknown };
}

function tickOf(p: TickProps): { x: number; y: number; payload: { value: string } } {
  return { x: Number(p.x ?? 0), y: Number(p.y ?? 0), payload: { value: String(p.payload?.value ?? "") } };
}

/** Colour of a run by its metric (0 = best .. 1 = worst): blue to vermillion through the theme's colours. */
function heat(t: number): string {
  const p = Math.round(Math.min(1, Math.max(0, t)) * 100);
  return `color-mix(in srgb, var(--series-6) ${p}%, var(--series-7))`;
}

/**
 * Parallel coordinates across the keys that vary between the compared runs, the metric (final or best) as the
 * last axis; each run is a line coloured by its metric, best blue, worst vermillion. Axes show their range
 * (categories: their values); hovering a line names the run.
 */
export function ParallelView(props: {
  runs: readonly CompareRun[];
  stats: CompareStats;
  keys: readonly string[];
  metric: string;
  agg: "final" | "best";
}) {
  const [hover, setHover] = useState<string | null>(null);
  const model = useMemo(() => {
    const flats = props.runs.map(runKeys);
    const values = props.runs.map((r) => {
      const s = props.stats[r.id]?.[props.metric];
      return summaryValue(s ? { last: s[0], min: s[1], max: s[2] } : undefined, props.metric, props.agg);
    });
    const axes: ValueAxis[] = props.keys.map((k) =>
      valueAxis(
        k,
        flats.map((f) => f[k]),
      ),
    );
    const metricAxis = valueAxis(METRIC_AXIS, values);
    const all = [...axes, metricAxis];
    const range = metricAxis.max - metricAxis.min;
    const colours = new Map(
      props.runs.map((r, i) => {
        const v = values[i];
        return [
          r.id,
          v === null || v === undefined
            ? "var(--muted)"
            : heat(range > 0 ? (v - metricAxis.min) / range : 0.5),
        ];
      }),
    );
    // positions[run][axis]: 0 (bottom) .. 1 (top), null where the run has no value on that axis.
    const positions = props.runs.map((_, i) =>
      all.map((axis, a) => normalize(axis, a === axes.length ? values[i] : flats[i]?.[axis.key])),
    );
    return { axes: all, rows: all.map((axis) => ({ axis: axis.key })), values, colours, positions };
  }, [props.runs, props.stats, props.keys, props.metric, props.agg]);

  const metricName = `${props.agg} ${props.metric}`;
  const axisTitle = (key: string) => (key === METRIC_AXIS ? metricName : key);
  const csv = () =>
    toCsv(
      ["run", "id", ...props.keys, metricName],
      props.runs.map((r, i) => {
        const flat = runKeys(r);
        return [r.name, r.id, ...props.keys.map((k) => flat[k] ?? null), model.values[i] ?? null];
      }),
    );

  if (props.keys.length === 0)
    return (
      <p className="muted">The compared runs do not differ in any config key: no parallel coordinates.</p>
    );
  const byKey = new Map(model.axes.map((a) => [a.key, a]));
  return (
    <ChartFrame
      title={`Parallel coordinates: ${props.keys.length} varied key${props.keys.length === 1 ? "" : "s"} and ${metricName}`}
      exportName="parallel-coordinates"
      csv={csv}
      note="Each line is a run; colour: its metric, blue best to vermillion worst. Axes run from their smallest value (bottom) to their largest (top)."
    >
      <div
        className="chart-plot"
        data-chart="parallel"
        data-lines={props.runs.length}
        style={{ height: 340 }}
      >
        <LineChart
          responsive
          style={{ width: "100%", height: 340 }}
          data={model.rows}
          margin={{ top: 24, right: 48, bottom: 40, left: 48 }}
          accessibilityLayer={false}
        >
          <CartesianGrid stroke="var(--border)" horizontal={false} />
          <XAxis
            dataKey="axis"
            type="category"
            interval={0}
            axisLine={false}
            tickLine={false}
            tick={(props: TickProps) => {
              const p = tickOf(props);
              const axis = byKey.get(p.payload.value);
              if (!axis) return <g />;
              const lo =
                axis.kind === "category"
                  ? axis.categories.length > 0
                    ? axisLabel(axis, 0)
                    : ""
                  : axis.key === METRIC_AXIS
                    ? formatTick(axis.min)
                    : axisLabel(axis, axis.min);
              return (
                <g transform={`translate(${p.x},${p.y})`}>
                  <text textAnchor="middle" dy={12} fill="var(--muted)" fontSize={11}>
                    {lo}
                  </text>
                  <text textAnchor="middle" dy={28} fill="var(--text)" fontSize={12}>
                    {axisTitle(axis.key)}
                  </text>
                </g>
              );
            }}
          />
          <YAxis type="number" domain={[0, 1]} hide />
          <XAxis
            xAxisId="top"
            orientation="top"
            dataKey="axis"
            type="category"
            interval={0}
            axisLine={false}
            tickLine={false}
            tick={(props: TickProps) => {
              const p = tickOf(props);
              const axis = byKey.get(p.payload.value);
              if (!axis) return <g />;
              const hi =
                axis.kind === "category"
                  ? axis.categories.length > 1
                    ? axisLabel(axis, axis.categories.length - 1)
                    : ""
                  : axis.key === METRIC_AXIS
                    ? formatTick(axis.max)
                    : axisLabel(axis, axis.max);
              return (
                <text x={p.x} y={p.y} dy={-4} textAnchor="middle" fill="var(--muted)" fontSize={11}>
                  {hi}
                </text>
              );
            }}
          />
          <ParallelLines
            runs={props.runs}
            axes={model.axes.map((x) => x.key)}
            positions={model.positions}
            colours={model.colours}
            hover={hover}
            onHover={setHover}
          />
        </LineChart>
      </div>
    </ChartFrame>
  );
}

/**
 * The runs' lines, drawn as one <path> each (title = the run's name) at the category axis' positions:
 * 100 runs cost 100 paths, not 100 Recharts line components.
 */
function ParallelLines(props: {
  runs: readonly CompareRun[];
  axes: readonly string[];
  positions: readonly (readonly (number | null)[])[];
  colours: ReadonlyMap<string, string>;
  hover: string | null;
  onHover: (id: string | null) => void;
}) {
  const area = usePlotArea();
  const scale = useXAxisScale();
  if (!area || !scale) return null;
  const xs = props.axes.map((a) => scale(a, { position: "middle" }) ?? Number.NaN);
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: hover only highlights; each run is named in its title and in the CSV
    <g
      className="parallel-lines"
      onMouseMove={(e) => props.onHover((e.target as Element).getAttribute("data-run"))}
      onMouseLeave={() => props.onHover(null)}
    >
      {props.runs.map((r, i) => {
        let d = "";
        props.positions[i]?.forEach((p, a) => {
          const x = xs[a]!;
          if (p === null || !Number.isFinite(x)) return;
          const y = area.y + (1 - p) * area.height;
          d += `${d ? "L" : "M"}${x.toFixed(1)} ${y.toFixed(1)}`;
        });
        if (!d) return null;
        const faded = props.hover !== null && props.hover !== r.id;
        return (
          <path
            key={r.id}
            className="recharts-curve recharts-line-curve"
            d={d}
            fill="none"
            stroke={props.colours.get(r.id)}
            strokeWidth={props.hover === r.id ? 3 : 1.5}
            strokeOpacity={faded ? 0.2 : 0.85}
            data-run={r.id}
          >
            <title>{r.name}</title>
          </path>
        );
      })}
    </g>
  );
}
