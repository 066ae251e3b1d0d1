"use client";

import { useId, useMemo } from "react";
import type { CompareView } from "../../lib/series/compare-view";
import { runKeys } from "../../lib/series/flatten";
import { formatTick } from "../../lib/series/format";
import { axisLabel, axisNumber, valueAxis } from "../../lib/series/parallel";
import { summaryValue } from "../../lib/series/summary";
import { ScatterChart, type ScatterGroup } from "../charts";
import type { CompareRun, CompareStats } from "./types";

/** The key a hyperparameter plot starts with: a numeric one with the most distinct values (lr over d_model). */
function defaultKey(keys: readonly string[], flats: readonly Record<string, unknown>[]): string | null {
  let best: string | null = null;
  let bestScore = -1;
  for (const k of keys) {
    const values = flats.map((f) => f[k]).filter((v) => v !== undefined);
    const numeric = values.length > 0 && values.every((v) => typeof v === "number");
    const score = (numeric ? 1000 : 0) + new Set(values.map((v) => JSON.stringify(v))).size;
    if (score > bestScore) {
      best = k;
      bestScore = score;
    }
  }
  return best;
}

/**
 * Final or best value of the metric against one config value, one point per run, coloured by architecture
 * (log axes on request; a learning rate gets a log axis by default). Categorical keys are spread as
 * categories along x.
 */
export function HparamView(props: {
  runs: readonly CompareRun[];
  stats: CompareStats;
  keys: readonly string[];
  view: CompareView;
  onChange: (patch: Partial<CompareView>) => void;
}) {
  const id = useId();
  const { view } = props;
  const flats = useMemo(() => props.runs.map(runKeys), [props.runs]);
  const key = view.hp && props.keys.includes(view.hp) ? view.hp : defaultKey(props.keys, flats);
  const axis = useMemo(
    () =>
      key
        ? valueAxis(
            key,
            flats.map((f) => f[key]),
            view.hpx ?? undefined,
          )
        : null,
    [key, flats, view.hpx],
  );
  const groups = useMemo((): ScatterGroup[] => {
    if (!axis || !key) return [];
    const byArch = new Map<string, ScatterGroup & { points: { x: number; y: number; label: string }[] }>();
    props.runs.forEach((r, i) => {
      const x = axisNumber(axis, flats[i]?.[key]);
      const s = props.stats[r.id]?.[view.metric];
      const y = summaryValue(s ? { last: s[0], min: s[1], max: s[2] } : undefined, view.metric, view.hpagg);
      if (x === null || y === null) return;
      let g = byArch.get(r.architecture);
      if (!g) {
        g = { id: r.architecture, name: r.architecture, points: [], colorIndex: byArch.size };
        byArch.set(r.architecture, g);
      }
      g.points.push({ x, y, label: r.name });
    });
    return [...byArch.values()].map((g) => ({ ...g, n: g.points.length }));
  }, [axis, key, flats, props.runs, props.stats, view.metric, view.hpagg]);

  if (!key || !axis)
    return (
      <p className="muted">The compared runs do not differ in any config key: nothing to plot against.</p>
    );
  const xScale = axis.kind === "numeric" ? axis.scale : "linear";
  return (
    <ScatterChart
      title={`${view.hpagg} ${view.metric} vs ${key}`}
      xLabel={key}
      yLabel={`${view.hpagg} ${view.metric}`}
      xScale={xScale}
      yScale={view.hpy}
      formatX={(v) => axisLabel(axis, v)}
      {...(axis.kind === "category"
        ? {
            xTicks: axis.categories.map((_, i) => i),
            xDomain: [-0.5, axis.categories.length - 0.5] as [number, number],
          }
        : {})}
      formatY={formatTick}
      groups={groups}
      empty={`No run has both ${key} and a recorded ${view.metric}.`}
      height={320}
      controls={
        <div className="inline-controls">
          <label htmlFor={`${id}-key`} className="inline-label">
            key
            <select
              id={`${id}-key`}
              aria-label="Hyperparameter key"
              value={key}
              onChange={(e) => props.onChange({ hp: e.target.value })}
            >
              {props.keys.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
          </label>
          <label htmlFor={`${id}-agg`} className="inline-label">
            value
            <select
              id={`${id}-agg`}
              value={view.hpagg}
              onChange={(e) => props.onChange({ hpagg: e.target.value as CompareView["hpagg"] })}
            >
              <option value="best">best</option>
              <option value="final">final</option>
            </select>
          </label>
          {axis.kind === "numeric" ? (
            <label htmlFor={`${id}-hpx`} className="inline-label">
              x
              <select
                id={`${id}-hpx`}
                value={xScale}
                onChange={(e) => props.onChange({ hpx: e.target.value as CompareView["yscale"] })}
              >
                <option value="linear">linear</option>
                <option value="log">log</option>
              </select>
            </label>
          ) : null}
          <label htmlFor={`${id}-hpy`} className="inline-label">
            y
            <select
              id={`${id}-hpy`}
              value={view.hpy}
              onChange={(e) => props.onChange({ hpy: e.target.value as CompareView["hpy"] })}
            >
              <option value="linear">linear</option>
              <option value="log">log</option>
            </select>
          </label>
        </div>
      }
    />
  );
}
