"use client";

import Link from "next/link";
import { useDeferredValue, useEffect, useMemo, useState } from "react";
import { seriesAnswerSchema } from "../../lib/client/series-schema";
import { usePolled } from "../../lib/client/use-polled";
import {
  COMPARE_POINTS,
  type CompareView,
  compareQuery,
  compareSeriesUrl,
} from "../../lib/series/compare-view";
import { isSeedKey, keysWithDifferentValues, runKeys } from "../../lib/series/flatten";
import { formatTick, X_AXIS_LABELS, xFormatter } from "../../lib/series/format";
import { groupRuns } from "../../lib/series/group";
import { groupLines, runLines } from "../../lib/series/lines";
import { betterDirection } from "../../lib/series/summary";
import { LineChart } from "../charts";
import { CompareControls } from "./compare-controls";
import { HparamView } from "./hparam-view";
import { ParallelView } from "./parallel-view";
import type { CompareRun, CompareStats } from "./types";

/**
 * The compare page's live part: any number of runs (or groups of them) on one chart over a shared x grid,
 * with the view in the URL (history.replaceState: no reload, a shareable link), the hyperparameter view and
 * parallel coordinates. Series are fetched from GET /api/v1/series, downsampled on the server.
 */
export function CompareClient(props: {
  initial: CompareView;
  runs: CompareRun[];
  stats: CompareStats;
  metrics: string[];
}) {
  const [view, setView] = useState(props.initial);
  const update = (patch: Partial<CompareView>) => setView((v) => ({ ...v, ...patch }));
  useEffect(() => {
    const q = compareQuery(view);
    const url = q ? `/compare?${q}` : "/compare";
    if (`${window.location.pathname}${window.location.search}` !== url)
      window.history.replaceState(null, "", url);
  }, [view]);

  const active = props.runs.some((r) => r.status === "QUEUED" || r.status === "RUNNING");
  const polled = usePolled(
    props.runs.length > 0
      ? compareSeriesUrl(
          props.runs.map((r) => r.id),
          view,
          COMPARE_POINTS,
        )
      : null,
    seriesAnswerSchema,
    active ? 5_000 : null,
  );
  // The hyperparameter view and parallel coordinates wait for the main chart: they must not hold up its data.
  const [secondary, setSecondary] = useState(false);
  const ready = polled.data !== null || polled.error !== null;
  useEffect(() => {
    if (secondary || !ready) return;
    const id = requestAnimationFrame(() => setSecondary(true));
    return () => cancelAnimationFrame(id);
  }, [secondary, ready]);
  const smoothing = useDeferredValue(view.smooth);
  const names = useMemo(() => new Map(props.runs.map((r) => [r.id, r.name])), [props.runs]);
  const groups = useMemo(() => groupRuns(props.runs, view.group), [props.runs, view.group]);
  const varied = useMemo(
    () => keysWithDifferentValues(props.runs.map(runKeys)).filter((k) => !isSeedKey(k)),
    [props.runs],
  );
  const lines = useMemo(() => {
    const series = (polled.data?.series ?? []).filter((s) => s.metric === view.metric);
    if (view.group.mode === "none")
      return runLines(series, {
        smoothing,
        name: (id) => names.get(id) ?? id,
        href: (id) => `/runs/${id}`,
      }).filter((l) => l.x.length > 0);
    return groupLines(series, groups, { smoothing, band: view.band });
  }, [polled.data, view.metric, view.group.mode, view.band, smoothing, names, groups]);

  const recorded = (polled.data?.series ?? []).filter((s) => s.x.length > 0).length;
  const title = `${view.metric} vs ${X_AXIS_LABELS[view.x]}`;
  const groupNote =
    view.group.mode === "none"
      ? `${lines.length} runs`
      : `${props.runs.length} runs in ${lines.length} group${lines.length === 1 ? "" : "s"} (mean, ${view.band === "stderr" ? "band = ±1 standard error" : view.band === "minmax" ? "band = min-max" : "no band"}; smoothing applied per run before averaging)`;

  return (
    <>
      <CompareControls
        view={view}
        metrics={props.metrics}
        groupKeys={varied.length ? varied : ["architecture"]}
        onChange={update}
      />
      <LineChart
        title={title}
        lines={lines}
        xLabel={X_AXIS_LABELS[view.x]}
        csvX={view.x}
        yLabel={view.metric}
        xScale={view.xscale}
        yScale={view.yscale}
        yRange={view.yrange}
        formatX={xFormatter(view.x)}
        formatY={formatTick}
        height={420}
        loading={polled.loading}
        error={polled.error}
        descending={betterDirection(view.metric) === "max"}
        empty={
          polled.data
            ? `None of these runs recorded ${view.metric}${recorded === 0 ? "" : " on this axis"} yet.`
            : "Loading…"
        }
        note={groupNote}
        exportName={`compare-${view.metric.replace(/[^\w]+/g, "-")}-${view.x}`}
      />
      {polled.data && polled.data.missingRuns.length > 0 ? (
        <p className="notice">Unknown run ids: {polled.data.missingRuns.join(", ")}</p>
      ) : null}
      <section className="compare-pair" aria-busy={!secondary}>
        {secondary ? (
          <>
            <HparamView runs={props.runs} stats={props.stats} keys={varied} view={view} onChange={update} />
            <ParallelView
              runs={props.runs}
              stats={props.stats}
              keys={varied}
              metric={view.metric}
              agg={view.hpagg}
            />
          </>
        ) : null}
      </section>
      <details className="card compared-runs">
        <summary>
          The {props.runs.length} compared run{props.runs.length === 1 ? "" : "s"}
        </summary>
        <table>
          <thead>
            <tr>
              <th scope="col">run</th>
              <th scope="col">architecture</th>
              <th scope="col">status</th>
              <th scope="col">group</th>
            </tr>
          </thead>
          <tbody>
            {props.runs.map((r) => (
              <tr key={r.id}>
                <td>
                  <Link href={`/runs/${r.id}`}>{r.name}</Link>
                </td>
                <td>{r.architecture}</td>
                <td>{r.status.toLowerCase()}</td>
                <td>{groups.find((g) => g.runIds.includes(r.id))?.label ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </>
  );
}
