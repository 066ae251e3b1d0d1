"use client";

import { type ReactNode, useMemo, useRef, useState } from "react";
import { CartesianGrid, ComposedChart, XAxis, YAxis } from "recharts";
import { linesToCsv } from "../../lib/series/csv";
import { formatInt, formatTick } from "../../lib/series/format";
import { pointCounts } from "../../lib/series/lines";
import { distinctX, drawable, focusFrom, rowAt, yExtent, yKey } from "../../lib/series/rows";
import { linearDomain, logDomain, logTicks, niceTicks } from "../../lib/series/ticks";
import type { ChartLine, Scale } from "../../lib/series/types";
import { ChartFrame } from "./chart-frame";
import { FastLines, type Hover, type LineStyle } from "./fast-lines";
import { ChartLegend, type LegendEntry, useHiddenSeries } from "./legend";
import { AXIS_STYLE, seriesColor, seriesDash } from "./palette";
import { LinesTooltip } from "./tooltip";

export interface LineChartProps {
  /** Title above the chart, its accessible name and the stem of exported files. */
  title: string;
  lines: readonly ChartLine[];
  xLabel: string;
  yLabel: string;
  xScale?: Scale;
  yScale?: Scale;
  /** Tick and tooltip formatting (default: compact numbers). */
  formatX?: (v: number) => string;
  formatY?: (v: number) => string;
  /** Plot height in px (default 340); the width follows the container. */
  height?: number;
  /** Draw the lines' bands (lo / hi) where they have them (default true). */
  bands?: boolean;
  /** Column name of x in the CSV (default xLabel). */
  csvX?: string;
  exportName?: string;
  /** Controls shown next to the export buttons. */
  controls?: ReactNode;
  /** Loading / error / empty states, shown instead of the plot. */
  loading?: boolean;
  error?: string | null;
  /** What to say when there is nothing to draw. */
  empty?: string;
  /** Added to the downsampling note. */
  note?: string;
  /** Sort the tooltip highest first (metrics where higher is better). */
  descending?: boolean;
  /**
   * y range: "all" values (default), or "focus": the values after the first 10% of the x range, so the
   * first steps' high loss does not flatten the rest (lines above it are clipped at the top).
   */
  yRange?: "all" | "focus";
}

/** "downsampled on the server: 500 of 30,001 points" (per line for a few lines, totals for many). */
function downsampleNote(lines: readonly ChartLine[]): string | undefined {
  const c = pointCounts(lines);
  if (!c.downsampled) return undefined;
  const sampled = lines.filter((l) => l.downsampled);
  if (sampled.length <= 3)
    return `downsampled on the server (mean per bucket${sampled.some((l) => l.lo) ? ", band = min-max" : ""}): ${sampled
      .map((l) => `${l.name}: ${formatInt(l.x.length)} of ${formatInt(l.stored ?? l.x.length)} points`)
      .join("; ")}`;
  return `downsampled on the server: ${formatInt(c.shown)} of ${formatInt(c.stored)} stored points drawn (${formatInt(sampled.length)} of ${formatInt(lines.length)} lines downsampled, min-max kept per bucket)`;
}

/**
 * Lines over a numeric x (step, bytes, FLOPs, wall time) on linear or log axes, optional bands (group min-max or
 * standard error, or a downsampled run's bucket min-max), a legend that hides / highlights lines and shows N,
 * a tooltip, and PNG / SVG / CSV export. Draws 100 lines x 500 points without animation.
 *
 *   <LineChart title="val/bpb vs step" lines={runLines(series)} xLabel="step" yLabel="val/bpb" />
 */
export function LineChart(props: LineChartProps) {
  const xScale = props.xScale ?? "linear";
  const yScale = props.yScale ?? "linear";
  const formatX = props.formatX ?? formatTick;
  const formatY = props.formatY ?? formatTick;
  const height = props.height ?? 340;
  const bands = props.bands ?? true;
  const [hidden, toggleHidden] = useHiddenSeries();
  const [highlight, setHighlight] = useState<string | null>(null);
  const [hover, setHover] = useState<Hover | null>(null);

  const lines = props.lines;
  const plot = useRef<HTMLDivElement>(null);
  const xs = useMemo(() => distinctX(lines, xScale, yScale), [lines, xScale, yScale]);
  const visible = useMemo(() => lines.filter((l) => !hidden.has(l.id)), [lines, hidden]);
  const xDomain = useMemo((): [number, number] | null => {
    const first = xs[0];
    const last = xs.at(-1);
    if (first === undefined || last === undefined) return null;
    return xScale === "log" ? logDomain(first, last) : [first, last === first ? first + 1 : last];
  }, [xs, xScale]);
  const yRange = props.yRange ?? "all";
  const yDomain = useMemo((): [number, number] | null => {
    const shown = visible.length > 0 ? visible : lines;
    const ext =
      (yRange === "focus" && xDomain ? yExtent(shown, yScale, focusFrom(xDomain, xScale)) : null) ??
      yExtent(shown, yScale);
    if (!ext) return null;
    return yScale === "log" ? logDomain(ext[0], ext[1]) : linearDomain(ext[0], ext[1]);
  }, [visible, lines, yScale, yRange, xDomain, xScale]);

  const styled = useMemo(
    () =>
      lines.map((l, i) => {
        const slot = l.colorIndex ?? i;
        return { line: l, i, color: l.color ?? seriesColor(slot), dash: seriesDash(slot) };
      }),
    [lines],
  );
  const legend: LegendEntry[] = styled.map(({ line, color, dash }) => ({
    id: line.id,
    name: line.name,
    color,
    dash,
    n: line.n,
    points: line.x.filter((x, j) => drawable(x, xScale) && drawable(line.y[j], yScale)).length,
    stored: line.stored,
    href: line.href,
  }));
  const note = [downsampleNote(lines), props.note].filter(Boolean).join(" · ") || undefined;
  const many = lines.length > 20;
  const hasData = xs.length > 0 && xDomain !== null && yDomain !== null;
  const lineStyles: LineStyle[] = styled.map(({ line, color, dash }) => {
    const faded = highlight !== null && highlight !== line.id;
    return {
      color,
      dash,
      width: highlight === line.id ? 2.6 : many ? 1.2 : 1.8,
      opacity: faded ? 0.15 : 1,
      bandOpacity: faded ? 0.04 : 0.16,
      hidden: hidden.has(line.id),
    };
  });
  const hoverX = hover ? xs[hover.index] : undefined;
  const hoverRow = hoverX === undefined ? undefined : rowAt(lines, hoverX);
  const tooltipLines = styled
    .filter(({ line }) => !hidden.has(line.id))
    .map(({ line, i, color }) => ({ key: yKey(i), name: line.name, color }));

  let body: ReactNode;
  if (props.error) body = <ChartMessage role="alert" text={props.error} height={height} bad />;
  else if (props.loading && !hasData) body = <ChartMessage text="Loading…" height={height} />;
  else if (!hasData) body = <ChartMessage text={props.empty ?? "Nothing recorded yet."} height={height} />;
  else
    body = (
      <div className="chart-plot" style={{ height }} ref={plot}>
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
            domain={xDomain!}
            allowDataOverflow
            ticks={
              xScale === "log" ? logTicks(xDomain![0], xDomain![1]) : niceTicks(xDomain![0], xDomain![1], 6)
            }
            tickFormatter={formatX}
            label={{ value: props.xLabel, position: "insideBottom", offset: -16, fill: "var(--muted)" }}
            {...AXIS_STYLE}
          />
          <YAxis
            type="number"
            scale={yScale}
            domain={yDomain!}
            allowDataOverflow
            ticks={
              yScale === "log" ? logTicks(yDomain![0], yDomain![1]) : niceTicks(yDomain![0], yDomain![1], 5)
            }
            tickFormatter={formatY}
            width={64}
            label={{ value: props.yLabel, angle: -90, position: "insideLeft", fill: "var(--muted)", dy: 40 }}
            {...AXIS_STYLE}
          />
          <FastLines
            lines={lines}
            styles={lineStyles}
            bands={bands}
            xDomain={xDomain!}
            yDomain={yDomain!}
            xScale={xScale}
            yScale={yScale}
            xs={xs}
            hover={hover}
            onHover={setHover}
          />
        </ComposedChart>
        {hover && hoverRow ? (
          <div
            className="chart-tooltip-float"
            style={{
              top: Math.max(0, hover.top - 20),
              ...(hover.left > (plot.current?.clientWidth ?? 800) / 2
                ? { right: (plot.current?.clientWidth ?? 800) - hover.left + 12 }
                : { left: hover.left + 12 }),
            }}
          >
            <LinesTooltip
              active
              row={hoverRow}
              lines={tooltipLines}
              formatX={formatX}
              formatY={formatY}
              xLabel={props.xLabel}
              descending={props.descending}
            />
          </div>
        ) : null}
      </div>
    );

  return (
    <ChartFrame
      title={props.title}
      {...(props.exportName ? { exportName: props.exportName } : {})}
      note={hasData ? note : undefined}
      legend={legend.filter((l) => !hidden.has(l.id))}
      csv={() => linesToCsv(visible, props.csvX ?? props.xLabel, props.yLabel)}
      controls={props.controls}
      disabled={!hasData || Boolean(props.error)}
      footer={
        <ChartLegend entries={legend} hidden={hidden} onToggle={toggleHidden} onHighlight={setHighlight} />
      }
    >
      <div
        data-chart="lines"
        data-state={props.error ? "error" : hasData ? "ready" : props.loading ? "loading" : "empty"}
        data-lines={visible.length}
        data-rows={xs.length}
      >
        {body}
      </div>
    </ChartFrame>
  );
}

export function ChartMessage(props: { text: string; height: number; bad?: boolean; role?: "alert" }) {
  return (
    <div
      className={`chart-message ${props.bad ? "bad" : "muted"}`}
      style={{ height: props.height }}
      role={props.role}
    >
      {props.text}
    </div>
  );
}
