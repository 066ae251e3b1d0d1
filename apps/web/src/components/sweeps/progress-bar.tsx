import { percent } from "./format";

/**
 * A progress bar with its value for assistive technology (role progressbar) and as text. `fraction` null:
 * the total is unknown (no run's config says how many steps).
 */
export function ProgressBar({
  fraction,
  label,
  detail,
}: {
  fraction: number | null;
  /** What progresses (the accessible name), e.g. "sweep progress". */
  label: string;
  /** Text after the percentage, e.g. "120 / 400 steps". */
  detail?: string;
}) {
  const value = fraction === null ? null : Math.min(1, Math.max(0, fraction));
  return (
    <span className="progress">
      <span
        className="progress-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={value === null ? undefined : Math.floor(value * 100)}
        aria-valuetext={value === null ? "unknown" : `${percent(value)}${detail ? `, ${detail}` : ""}`}
      >
        <span className="progress-fill" style={{ width: `${value === null ? 0 : value * 100}%` }} />
      </span>
      <span className="progress-text">
        {percent(value)}
        {detail ? <span className="muted"> · {detail}</span> : null}
      </span>
    </span>
  );
}
