"use client";

import { type ReactNode, useId, useRef, useState } from "react";
import { chartSvg, downloadBlob, fileSlug, type LegendItem, svgToPng } from "./export";
import "./charts.css";

export interface ChartFrameProps {
  /** Shown above the chart, names the figure for screen readers, and titles exported files. */
  title: string;
  /** File name stem of exports (default: the title as a slug). */
  exportName?: string;
  /** A line under the chart, e.g. "downsampled: 500 of 30,001 points per line". */
  note?: string | undefined;
  /** Legend entries for the exported SVG / PNG (the page shows its own legend). */
  legend?: readonly LegendItem[];
  /** The chart's data as CSV text, made when the person asks for it. */
  csv?: () => string;
  /** Extra controls next to the export buttons (axis pickers, ...). */
  controls?: ReactNode;
  /** No chart to export (loading, empty, error): the export buttons are disabled. */
  disabled?: boolean;
  children: ReactNode;
  /** Below the chart (an HTML legend). */
  footer?: ReactNode;
  className?: string;
}

/**
 * A chart's frame: the title (figcaption, the figure's accessible name), export buttons (PNG, SVG, CSV: real
 * buttons, each named "Download <title> as PNG"), optional controls, the chart, a note and a footer. Exports
 * read the first Recharts SVG inside the frame, so any chart drawn inside gets them.
 */
export function ChartFrame(props: ChartFrameProps) {
  const ref = useRef<HTMLElement>(null);
  const titleId = useId();
  const [problem, setProblem] = useState<string | null>(null);
  const stem = props.exportName ?? fileSlug(props.title);

  const svgOf = () => {
    const svg = ref.current?.querySelector<SVGSVGElement>("svg.recharts-surface");
    if (!svg) throw new Error("the chart has not been drawn yet");
    return chartSvg(svg, {
      title: props.title,
      ...(props.legend ? { legend: props.legend } : {}),
      ...(props.note ? { note: props.note } : {}),
    });
  };
  const run = (what: () => Promise<void> | void) => async () => {
    setProblem(null);
    try {
      await what();
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    }
  };

  return (
    <figure ref={ref} className={`chart ${props.className ?? ""}`} aria-labelledby={titleId}>
      <div className="chart-head">
        <figcaption id={titleId} className="chart-title">
          {props.title}
        </figcaption>
        <div className="chart-tools">
          {props.controls}
          <div className="chart-export">
            <button
              type="button"
              className="button small"
              disabled={props.disabled}
              aria-label={`Download ${props.title} as PNG`}
              onClick={run(async () => downloadBlob(await svgToPng(svgOf()), `${stem}.png`))}
            >
              PNG
            </button>
            <button
              type="button"
              className="button small"
              disabled={props.disabled}
              aria-label={`Download ${props.title} as SVG`}
              onClick={run(() =>
                downloadBlob(new Blob([svgOf().text], { type: "image/svg+xml" }), `${stem}.svg`),
              )}
            >
              SVG
            </button>
            {props.csv ? (
              <button
                type="button"
                className="button small"
                disabled={props.disabled}
                aria-label={`Download the data of ${props.title} as CSV`}
                onClick={run(() => {
                  const text = props.csv?.() ?? "";
                  downloadBlob(new Blob([text], { type: "text/csv;charset=utf-8" }), `${stem}.csv`);
                })}
              >
                CSV
              </button>
            ) : null}
          </div>
        </div>
      </div>
      {props.children}
      {props.note ? <p className="chart-note muted">{props.note}</p> : null}
      {problem ? (
        <p role="alert" className="bad chart-note">
          Export failed: {problem}
        </p>
      ) : null}
      {props.footer}
    </figure>
  );
}
