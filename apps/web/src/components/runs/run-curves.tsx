"use client";

import type { MetricSummary } from "@bytelab/service/schemas";
import { useMemo, useState } from "react";
import { LineChart } from "../../components/charts";
import { seriesAnswerSchema } from "../../lib/client/series-schema";
import { usePolled } from "../../lib/client/use-polled";
import { formatTick, X_AXIS_LABELS, xFormatter } from "../../lib/series/format";
import { metricLines } from "../../lib/series/lines";
import { CurveControls, type CurveSettings } from "./curve-controls";

const POINTS = 800;
const POLL_MS = 2_000;

function seriesUrl(runId: string, metrics: readonly string[], s: CurveSettings): string {
  const p = new URLSearchParams({
    metrics: metrics.join(","),
    x: s.x,
    scale: s.xScale,
    points: String(POINTS),
  });
  return `/api/v1/runs/${encodeURIComponent(runId)}/series?${p}`;
}

/** One live chart of some of the run's metrics: polls its series every 2 s while the run is active. */
function MetricsChart(props: {
  runId: string;
  title: string;
  metrics: readonly string[];
  settings: CurveSettings;
  active: boolean;
  statusKey: string;
  yLabel: string;
  transform?: (v: number) => number;
  name?: (metric: string) => string;
  empty: string;
  controls?: React.ReactNode;
  yRange?: "all" | "focus";
}) {
  const url = props.metrics.length > 0 ? seriesUrl(props.runId, props.metrics, props.settings) : null;
  const polled = usePolled(url, seriesAnswerSchema, props.active ? POLL_MS : null, props.statusKey);
  const { transform, name } = props;
  const lines = useMemo(
    () =>
      metricLines(polled.data?.series ?? [], {
        smoothing: props.settings.smoothing,
        bands: true,
        ...(transform ? { transform } : {}),
        ...(name ? { name } : {}),
      }).filter((l) => l.x.length > 0),
    [polled.data, props.settings.smoothing, transform, name],
  );
  return (
    <LineChart
      title={props.title}
      lines={lines}
      xLabel={X_AXIS_LABELS[props.settings.x]}
      csvX={props.settings.x}
      yLabel={props.yLabel}
      xScale={props.settings.xScale}
      yScale={props.settings.yScale}
      yRange={props.yRange ?? "all"}
      formatX={xFormatter(props.settings.x)}
      formatY={formatTick}
      loading={polled.loading}
      error={polled.error}
      empty={props.empty}
      controls={props.controls}
      {...(props.active ? { note: "live: refreshes every 2 s" } : {})}
    />
  );
}

const STAGE_COMPRESSION = /^stage(\d+)\/compression$/;
const STAGE_FRACTION = /^stage(\d+)\/boundary_fraction$/;
const invert = (v: number) => (v > 0 ? 1 / v : Number.NaN);

/**
 * The run's curves, live while it trains: train/bpb and val/bpb (default x: step), any other recorded
 * metric, and for H-Net the compression ratio per stage (bytes per chunk: stage<s>/compression, or
 * 1 / stage<s>/boundary_fraction for runs that recorded only that).
 */
export function RunCurves(props: {
  runId: string;
  metrics: readonly MetricSummary[];
  active: boolean;
  statusKey: string;
  architecture: string;
}) {
  const [settings, setSettings] = useState<CurveSettings>({
    x: "step",
    xScale: "linear",
    yScale: "linear",
    smoothing: 0,
    yRange: "focus",
  });
  const names = props.metrics.map((m) => m.name);
  const bpb = ["train/bpb", "val/bpb"].filter((m) => names.includes(m) || props.active);
  const others = names.filter((n) => !STAGE_COMPRESSION.test(n) && !STAGE_FRACTION.test(n));
  const [extra, setExtra] = useState<string>(
    others.find((n) => n === "lr") ?? others.find((n) => !bpb.includes(n)) ?? "",
  );
  const compression = names.filter((n) => STAGE_COMPRESSION.test(n));
  const fractions = names.filter((n) => STAGE_FRACTION.test(n));
  const stageMetrics = compression.length > 0 ? compression : fractions;
  const stageName = useMemo(
    () => (m: string) => `stage ${(STAGE_COMPRESSION.exec(m) ?? STAGE_FRACTION.exec(m))?.[1] ?? "?"}`,
    [],
  );

  return (
    <section className="run-curves" aria-label="curves">
      <CurveControls value={settings} onChange={setSettings} />
      <MetricsChart
        runId={props.runId}
        title="Learning curves: train and val bits per byte"
        metrics={bpb.length > 0 ? bpb : ["train/bpb", "val/bpb"]}
        settings={settings}
        active={props.active}
        statusKey={props.statusKey}
        yLabel="bits per byte"
        yRange={settings.yRange}
        empty={props.active ? "Waiting for the first metrics…" : "No train/bpb or val/bpb recorded."}
      />
      {props.architecture === "hnet" || stageMetrics.length > 0 ? (
        <MetricsChart
          runId={props.runId}
          title="H-Net compression ratio per stage (bytes per chunk)"
          metrics={stageMetrics}
          settings={{ ...settings, yScale: "linear" }}
          active={props.active}
          statusKey={props.statusKey}
          yLabel="bytes per chunk"
          name={stageName}
          {...(compression.length === 0 ? { transform: invert } : {})}
          empty={props.active ? "Waiting for the first stage telemetry…" : "No stage telemetry recorded."}
        />
      ) : null}
      {others.length > 0 ? (
        <MetricsChart
          runId={props.runId}
          title={`Metric: ${extra || "choose one"}`}
          metrics={extra ? [extra] : []}
          settings={settings}
          active={props.active}
          statusKey={props.statusKey}
          yLabel={extra}
          empty="Choose a metric."
          controls={
            <label className="inline-label">
              metric{" "}
              <select value={extra} onChange={(e) => setExtra(e.target.value)}>
                {others.map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
            </label>
          }
        />
      ) : null}
    </section>
  );
}
