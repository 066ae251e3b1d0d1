"use client";

import { X_AXES, type XAxis } from "@bytelab/service/schemas";
import { useId } from "react";
import { X_AXIS_LABELS } from "../../lib/series/format";
import type { Scale } from "../../lib/series/types";

/** What every curve chart lets the reader choose: the x-axis, both scales, the y range and EMA smoothing. */
export interface AxisSettings {
  x: XAxis;
  xScale: Scale;
  yScale: Scale;
  yRange: "all" | "focus";
  smoothing: number;
}

function ScaleSelect(props: { id: string; label: string; value: Scale; onChange: (s: Scale) => void }) {
  return (
    <label htmlFor={props.id}>
      {props.label}
      <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.target.value as Scale)}>
        <option value="linear">linear</option>
        <option value="log">log</option>
      </select>
    </label>
  );
}

/**
 * Labelled controls for AxisSettings (the run page's curves and the compare chart). Renders its controls
 * without a wrapper, so the caller places them in its own control bar next to its other controls.
 */
export function AxisControls(props: {
  value: AxisSettings;
  onChange: (patch: Partial<AxisSettings>) => void;
}) {
  const id = useId();
  const { value: v, onChange } = props;
  return (
    <>
      <label htmlFor={`${id}-x`}>
        x-axis
        <select id={`${id}-x`} value={v.x} onChange={(e) => onChange({ x: e.target.value as XAxis })}>
          {X_AXES.map((x) => (
            <option key={x} value={x}>
              {X_AXIS_LABELS[x]}
            </option>
          ))}
        </select>
      </label>
      <ScaleSelect
        id={`${id}-xs`}
        label="x scale"
        value={v.xScale}
        onChange={(xScale) => onChange({ xScale })}
      />
      <ScaleSelect
        id={`${id}-ys`}
        label="y scale"
        value={v.yScale}
        onChange={(yScale) => onChange({ yScale })}
      />
      <label htmlFor={`${id}-yr`}>
        y range
        <select
          id={`${id}-yr`}
          value={v.yRange}
          onChange={(e) => onChange({ yRange: e.target.value as AxisSettings["yRange"] })}
        >
          <option value="focus">focus (skip the first 10%)</option>
          <option value="all">all values</option>
        </select>
      </label>
      <label htmlFor={`${id}-sm`} className="smoothing">
        Smoothing (EMA) {v.smoothing.toFixed(2)}
        <input
          id={`${id}-sm`}
          type="range"
          min={0}
          max={0.99}
          step={0.01}
          value={v.smoothing}
          onChange={(e) => onChange({ smoothing: Number(e.target.value) })}
        />
      </label>
    </>
  );
}
