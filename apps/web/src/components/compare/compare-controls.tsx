"use client";

import { useId } from "react";
import type { CompareView } from "../../lib/series/compare-view";
import { X_AXIS_LABELS } from "../../lib/series/format";

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
      <label htmlFor={`${id}-x`}>
        x-axis
        <select
          id={`${id}-x`}
          value={view.x}
          onChange={(e) => onChange({ x: e.target.value as CompareView["x"] })}
        >
          {(["step", "bytes", "flops", "wall"] as const).map((x) => (
            <option key={x} value={x}>
              {X_AXIS_LABELS[x]}
            </option>
          ))}
        </select>
      </label>
      <label htmlFor={`${id}-xs`}>
        x scale
        <select
          id={`${id}-xs`}
          value={view.xscale}
          onChange={(e) => onChange({ xscale: e.target.value as CompareView["xscale"] })}
        >
          <option value="linear">linear</option>
          <option value="log">log</option>
        </select>
      </label>
      <label htmlFor={`${id}-ys`}>
        y scale
        <select
          id={`${id}-ys`}
          value={view.yscale}
          onChange={(e) => onChange({ yscale: e.target.value as CompareView["yscale"] })}
        >
          <option value="linear">linear</option>
          <option value="log">log</option>
        </select>
      </label>
      <label htmlFor={`${id}-yr`}>
        y range
        <select
          id={`${id}-yr`}
          value={view.yrange}
          onChange={(e) => onChange({ yrange: e.target.value as CompareView["yrange"] })}
        >
          <option value="focus">focus (skip the first 10%)</option>
          <option value="all">all values</option>
        </select>
      </label>
      <label htmlFor={`${id}-sm`} className="smoothing">
        Smoothing (EMA) {view.smooth.toFixed(2)}
        <input
          id={`${id}-sm`}
          type="range"
          min={0}
          max={0.99}
          step={0.01}
          value={view.smooth}
          onChange={(e) => onChange({ smooth: Number(e.target.value) })}
        />
      </label>
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
