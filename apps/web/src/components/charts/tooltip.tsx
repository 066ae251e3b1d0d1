"use client";

import { formatInt } from "../../lib/series/format";
import type { ChartRow } from "../../lib/series/rows";

export interface TooltipLine {
  key: string;
  name: string;
  color: string;
}

const MAX_ROWS = 10;

/**
 * The hover box of line charts: the x value, then the lines that have a value there sorted by value (the
 * best first for a loss), at most ten, "+N more" after. Built from the hovered data row, so it costs the same
 * with 100 lines as with 2.
 */
export function LinesTooltip(props: {
  active?: boolean;
  row: ChartRow | undefined;
  lines: readonly TooltipLine[];
  formatX: (v: number) => string;
  formatY: (v: number) => string;
  xLabel: string;
  descending?: boolean;
}) {
  const { row } = props;
  if (!props.active || !row) return null;
  const values = props.lines.flatMap((l) => {
    const v = row[l.key];
    return typeof v === "number" ? [{ ...l, v }] : [];
  });
  values.sort((a, b) => (props.descending ? b.v - a.v : a.v - b.v));
  const shown = values.slice(0, MAX_ROWS);
  return (
    <div className="chart-tooltip">
      <div className="chart-tooltip-x">
        {props.xLabel} {props.formatX(row.x)}
      </div>
      <table>
        <tbody>
          {shown.map((l) => (
            <tr key={l.key}>
              <td>
                <span className="swatch" style={{ background: l.color }} />
                {l.name}
              </td>
              <td className="num">{props.formatY(l.v)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {values.length > MAX_ROWS ? (
        <div className="muted">+{formatInt(values.length - MAX_ROWS)} more</div>
      ) : null}
    </div>
  );
}
