"use client";

import { useCallback, useState } from "react";
import { formatInt } from "../../lib/series/format";

export interface LegendEntry {
  id: string;
  name: string;
  color: string;
  dash?: string | undefined;
  /** Runs behind the line (groups): shown as N=3. */
  n?: number | undefined;
  /** Points drawn, and stored in the database (shown in the entry's tooltip). */
  points: number;
  stored?: number | undefined;
  href?: string | undefined;
}

/**
 * The chart's legend as an HTML list (it scrolls past a few rows, so 100 lines stay readable). Each entry is a
 * button that hides or shows its line; hovering or focusing one highlights its line. data-points carries the
 * number of points drawn (tests and people can check the chart holds what the server sent).
 */
export function ChartLegend(props: {
  entries: readonly LegendEntry[];
  hidden: ReadonlySet<string>;
  onToggle: (id: string) => void;
  onHighlight: (id: string | null) => void;
}) {
  if (props.entries.length === 0) return null;
  return (
    <ul className="chart-legend" aria-label="legend">
      {props.entries.map((e) => {
        const off = props.hidden.has(e.id);
        const detail = `${formatInt(e.points)} points shown${e.stored !== undefined ? ` of ${formatInt(e.stored)} stored` : ""}`;
        return (
          <li
            key={e.id}
            data-series={e.name}
            data-points={e.points}
            data-n={e.n}
            className={off ? "off" : undefined}
          >
            <button
              type="button"
              aria-pressed={!off}
              title={`${e.name}: ${detail}. Click to ${off ? "show" : "hide"}.`}
              onClick={() => props.onToggle(e.id)}
              onMouseEnter={() => props.onHighlight(e.id)}
              onMouseLeave={() => props.onHighlight(null)}
              onFocus={() => props.onHighlight(e.id)}
              onBlur={() => props.onHighlight(null)}
            >
              <svg width="22" height="10" aria-hidden="true">
                <line
                  x1="1"
                  y1="5"
                  x2="21"
                  y2="5"
                  stroke={e.color}
                  strokeWidth="3"
                  strokeDasharray={e.dash}
                />
              </svg>
              <span className="chart-legend-name">{e.name}</span>
              {e.n !== undefined ? <span className="chart-legend-n">N={e.n}</span> : null}
            </button>
            {e.href ? (
              <a href={e.href} className="chart-legend-link" aria-label={`open ${e.name}`}>
                ↗
              </a>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}

/** The ids a legend has hidden, and the toggle its entries call. */
export function useHiddenSeries(): [ReadonlySet<string>, (id: string) => void] {
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const toggle = useCallback(
    (id: string) =>
      setHidden((h) => {
        const next = new Set(h);
        if (!next.delete(id)) next.add(id);
        return next;
      }),
    [],
  );
  return [hidden, toggle];
}
