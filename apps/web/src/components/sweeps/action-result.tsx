import type { RunActionResult } from "@bytelab/service/schemas";
import { StatusBadge } from "./status";

/** What a cancel or re-run did, run by run (the API's note for each), as a dismissable live message. */
export function ActionResult({
  title,
  runs,
  onDismiss,
}: {
  title: string;
  runs: RunActionResult[];
  onDismiss: () => void;
}) {
  return (
    <div className="notice success" role="status" aria-label="action result">
      <div className="notice-head">
        <strong>{title}</strong>
        <button type="button" className="button small" onClick={onDismiss}>
          Dismiss
        </button>
      </div>
      {runs.length === 0 ? (
        <p className="muted">No run was in a state this applies to.</p>
      ) : (
        <ul className="action-runs">
          {runs.map((r) => (
            <li key={r.runId}>
              <code>{r.label}</code>: <StatusBadge status={r.previous} />
              {r.changed ? (
                <>
                  {" "}
                  → <StatusBadge status={r.status} />
                </>
              ) : (
                <span className="muted"> (unchanged)</span>
              )}{" "}
              <span className="muted">{r.note}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
