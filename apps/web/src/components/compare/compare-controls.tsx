"use client";

import { useId } from "react";
import type { CompareView } from "../../lib/series/compare-view";
import { AxisControls } from "../charts/axis-controls";

/**
 * The compare chart's controls: metric, x-axis, scales, y range, smoothing, grouping (none / every key but
 * seeds / chosen keys) and the band of groups. Every control is labelled; changes go into the URL.
 */
export function CompareControls(props: {
  view: CompareView;
  metrics: readonly string[];
  groupKeys: readonly string[];
  onChange: (patch: Partial<CompareView>) => void;
}) {
  const id = useId();
  const { view, onChange } = props;
  const groupMode = view.group.mode;
  const chosen = view.group.mode === "keys" ? view.group.keys : [];
  const metrics = props.metrics.includes(view.metric) ? props.metrics : [view.metric, ...props.metrics];
  return (
    <div className="compare-controls card">
      <label htmlFor={`${id}-metric`}>
        Metric
        <select
          id={`${id}-metric`}
          value={view.metric}
          onChange={(e) => onChange({ metric: e.target.value })}
        >
          {metrics.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
      </label>
      <AxisControls
        value={{
          x: view.x,
          xScale: view.xscale,
          yScale: view.yscale,
          yRange: view.yrange,
          smoothing: view.smooth,
        }}
        onChange={(p) =>
          onChange({
            ...(p.x !== undefined ? { x: p.x } : {}),
            ...(p.xScale !== undefined ? { xscale: p.xScale } : {}),
            ...(p.yScale !== undefined ? { yscale: p.yScale } : {}),
            ...(p.yRange !== undefined ? { yrange: p.yRange } : {}),
            ...(p.smoothing !== undefined ? { smooth: p.smoothing } : {}),
          })
        }
      />
      <label htmlFor={`${id}-group`}>
        Group runs
        <select
          id={`${id}-group`}
          value={groupMode}
          onChange={(e) => {
            const mode = e.target.value;
            onChange({
              group:
                mode === "none"
                  ? { mode: "none" }
                  : mode === "keys"
                    ? { mode: "keys", keys: chosen.length ? chosen : props.groupKeys.slice(0, 1) }
                    : { mode: "seeds" },
            });
          }}
        >
          <option value="seeds">by every key except seed</option>
          <option value="keys">by chosen keys</option>
          <option value="none">no grouping (one line per run)</option>
        </select>
      </label>
      {groupMode === "keys" ? (
        <fieldset className="group-keys">
          <legend>Group keys</legend>
          {props.groupKeys.map((k) => (
            <label key={k} className="check">
              <input
                type="checkbox"
                checked={chosen.includes(k)}
                onChange={(e) => {
                  const keys = e.target.checked ? [...chosen, k] : chosen.filter((c) => c !== k);
                  onChange({ group: keys.length ? { mode: "keys", keys } : { mode: "none" } });
                }}
              />
              {k}
            </label>
          ))}
        </fieldset>
      ) : null}
      {groupMode !== "none" ? (
        <label htmlFor={`${id}-band`}>
          Band
          <select
            id={`${id}-band`}
            value={view.band}
            onChange={(e) => onChange({ band: e.target.value as CompareView["band"] })}
          >
            <option value="minmax">min-max</option>
            <option value="stderr">standard error</option>
            <option value="none">none</option>
          </select>
        </label>
      ) : null}
    </div>
  );
}
