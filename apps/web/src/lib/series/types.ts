/**
 * One line of a chart, columnar: x[i], y[i] (null = no value there: a gap, or NaN in the database). The chart
 * toolkit (components/charts) draws these; the transforms of lib/series build them from the service's
 * series JSON (one run, or a group of runs aggregated on the shared x grid).
 */
export interface ChartLine {
  /** Unique within the chart (a run id, a group key). */
  id: string;
  /** Legend label. */
  name: string;
  x: number[];
  y: (number | null)[];
  /** Optional band around the line: lower and upper edge at each x (min-max, or mean ± standard error). */
  lo?: (number | null)[];
  hi?: (number | null)[];
  /** Runs behind the line (a group): shown as "N=3" in the legend. */
  n?: number;
  /** Points stored in the database, and whether the server downsampled them to what is drawn. */
  stored?: number;
  downsampled?: boolean;
  /** Palette slot (0-based) for the colour and dash pattern; default the line's position in the chart. */
  colorIndex?: number;
  /** Explicit CSS colour, overriding the palette. */
  color?: string;
  /** Link of the legend entry (e.g. the run page). */
  href?: string;
}

/** Axis scale. */
export type Scale = "linear" | "log";

/** How a group's band is drawn around its mean. */
export type BandMode = "minmax" | "stderr" | "none";
