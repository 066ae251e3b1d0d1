"use client";

import { X_AXES, type XAxis } from "@bytelab/service/schemas";
import { useId } from "react";
import { X_AXIS_LABELS } from "../../lib/series/format";
import type { Scale } from "../../lib/series/types";

export interface CurveSettings {
  x: XAxis;
  xScale: Scale;
  yScale: Scale;
  smoothing: number;
  yRange: "all" | "focus";
}

/** x-axis, axis scales and EMA smoothing: labelled controls shared by the run page's charts. */
export function CurveControls(props: { value: CurveSettings; onChange: (next: CurveSettings) => void }) {
  const id = useId();
  const v = props.value;
  const set = (patch: Partial<CurveSettings>) => props.onChange({ ...v, ...patch });
  return (
    <div className="curve-controls">
      <label htmlFor={`${id}-x`}>
        x-axis
        <select id={`${id}-x`} value={v.x} onChange={(e) => set({ x: e.target.value as XAxis })}>
          {X_AXES.map((x) => (
            <option key={x} value={x}>
              {X_AXIS_LABELS[x]}
            </option>
          ))}
        </select>
      </label>
      <label htmlFor={`${id}-xs`}>
        x scale
        <select id={`${id}-xs`} value={v.xScale} onChange={(e) => set({ xScale: e.target.value as Scale })}>
          <option value="linear">linear</option>
          <option value="log">log</option>
        </select>
      </label>
      <label htmlFor={`${id}-ys`}>
        y scale
        <select id={`${id}-ys`} value={v.yScale} onChange={(e) => set({ yScale: e.target.value as Scale })}>
          <option value="linear">linear</option>
          <option value="log">log</option>
        </select>
      </label>
      <label htmlFor={`${id}-yr`}>
        y range
        <select
          id={`${id}-yr`}
          value={v.yRange}
          onChange={(e) => set({ yRange: e.target.value as CurveSettings["yRange"] })}
        >
          <option value="focus">focus (skip the first 10%)</option>
          <option value="all">all values</option>
        </select>
      </label>
      <label htmlFor={`${id}-sm`} className="smoothing">
        smoothing {v.smoothing.toFixed(2)}
        <input
          id={`${id}-sm`}
          type="range"
          min={0}
          max={0.99}
          step={0.01}
          value={v.smoothing}
          onChange={(e) => set({ smoothing: Number(e.target.value) })}
        />
      </label>
    </div>
  );
}
