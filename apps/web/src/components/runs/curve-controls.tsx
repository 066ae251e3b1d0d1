"use client";

import { type AxisSettings, AxisControls } from "../charts/axis-controls";

export type CurveSettings = AxisSettings;

/** x-axis, axis scales and EMA smoothing: labelled controls shared by the run page's charts. */
export function CurveControls(props: { value: CurveSettings; onChange: (next: CurveSettings) => void }) {
  return (
    <div className="curve-controls">
      <AxisControls value={props.value} onChange={(patch) => props.onChange({ ...props.value, ...patch })} />
    </div>
  );
}
