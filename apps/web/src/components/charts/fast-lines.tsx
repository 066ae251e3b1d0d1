"use client";

import { type MouseEvent, useId, useMemo } from "react";
import { usePlotArea } from "recharts";
import {
  type AxisMap,
  axisMap,
  bandPath,
  linePath,
  nearestIndex,
  project,
  unproject,
} from "../../lib/series/paths";
import type { ChartLine, Scale } from "../../lib/series/types";

export interface LineStyle {
  color: string;
  dash?: string | undefined;
  width: number;
  opacity: number;
  bandOpacity: number;
  hidden: boolean;
}

export interface Hover {
  /** Index into the chart's sorted x values. */
  index: number;
  /** Pointer position in the plot's pixels (for the tooltip). */
  left: number;
  top: number;
}

/**
 * Lines and bands drawn inside a Recharts chart (which draws the axes and grid) straight from the columnar
 * series: one <path> per line and per band, built in one pass over the numbers. Recharts' own <Line> costs a
 * component and a data record per point, which with 100 lines x 500 points took most of a second; this takes
 * milliseconds. Paths keep Recharts' class names (recharts-line-curve, recharts-area-area), so exports and
 * tests see the same SVG. A transparent layer over the plot reports the nearest x under the pointer.
 */
export function FastLines(props: {
  lines: readonly ChartLine[];
  styles: readonly LineStyle[];
  bands: boolean;
  xDomain: [number, number];
  yDomain: [number, number];
  xScale: Scale;
  yScale: Scale;
  /** Sorted distinct x values of all lines (the tooltip snaps to them). */
  xs: readonly number[];
  hover: Hover | null;
  onHover: (hover: Hover | null) => void;
}) {
  const area = usePlotArea();
  const clipId = useId().replace(/:/g, "");
  const maps = useMemo((): { x: AxisMap; y: AxisMap } | null => {
    if (!area || area.width <= 0 || area.height <= 0) return null;
    return {
      x: axisMap(props.xDomain, [area.x, area.x + area.width], props.xScale),
      y: axisMap(props.yDomain, [area.y + area.height, area.y], props.yScale),
    };
  }, [area, props.xDomain, props.yDomain, props.xScale, props.yScale]);
  // Geometry depends on the data and the axes only: hovering and hiding re-style, they do not re-project.
  const geometry = useMemo(
    () =>
      maps
        ? props.lines.map((l) => ({
            d: linePath(l.x, l.y, maps.x, maps.y),
            band: l.lo && l.hi ? bandPath(l.x, l.lo, l.hi, maps.x, maps.y) : "",
          }))
        : [],
    [props.lines, maps],
  );
  if (!area || !maps) return null;

  const onMove = (e: MouseEvent<SVGRectElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    const px = area.x + ((e.clientX - box.left) / box.width) * area.width;
    const py = area.y + ((e.clientY - box.top) / box.height) * area.height;
    const index = nearestIndex(props.xs, unproject(maps.x, px));
    if (index < 0) return;
    props.onHover({ index, left: px, top: py });
  };
  const hoverX = props.hover ? props.xs[props.hover.index] : undefined;
  const cursorX = hoverX === undefined ? Number.NaN : project(maps.x, hoverX);
  const cursor = Number.isFinite(cursorX) ? cursorX : null;

  return (
    <g className="fast-lines">
      <defs>
        <clipPath id={clipId}>
          <rect x={area.x} y={area.y} width={area.width} height={area.height} />
        </clipPath>
      </defs>
      <g clipPath={`url(#${clipId})`}>
        {props.bands
          ? geometry.map((g, i) => {
              const s = props.styles[i]!;
              return g.band && !s.hidden ? (
                <path
                  key={`band-${props.lines[i]!.id}`}
                  className="recharts-area-area"
                  d={g.band}
                  fill={s.color}
                  fillOpacity={s.bandOpacity}
                  stroke="none"
                />
              ) : null;
            })
          : null}
        {geometry.map((g, i) => {
          const s = props.styles[i]!;
          return g.d && !s.hidden ? (
            <path
              key={props.lines[i]!.id}
              className="recharts-curve recharts-line-curve"
              d={g.d}
              fill="none"
              stroke={s.color}
              strokeWidth={s.width}
              strokeOpacity={s.opacity}
              strokeDasharray={s.dash}
              strokeLinejoin="round"
              strokeLinecap="round"
            />
          ) : null;
        })}
      </g>
      {cursor !== null ? (
        <line
          className="chart-cursor"
          x1={cursor}
          x2={cursor}
          y1={area.y}
          y2={area.y + area.height}
          stroke="var(--muted)"
          strokeDasharray="3 3"
        />
      ) : null}
      {/* biome-ignore lint/a11y/noStaticElementInteractions: pointer hover only shows values; the same data is in the CSV export and the legend */}
      <rect
        className="chart-hover-layer"
        x={area.x}
        y={area.y}
        width={area.width}
        height={area.height}
        fill="transparent"
        onMouseMove={onMove}
        onMouseLeave={() => props.onHover(null)}
      />
    </g>
  );
}
