import { displayPath, type FormIssue } from "./issues";
import type { TextPosition } from "./editor-text";

/**
 * Every problem of the spec in one list (paths as in the spec; with line and column in the editor tab), so
 * none is missed even when its field is not on screen. Each is also shown next to its field.
 */
export function IssueSummary({
  id,
  issues,
  locate,
}: {
  id?: string;
  issues: FormIssue[];
  locate?: (issue: FormIssue) => TextPosition | null;
}) {
  if (issues.length === 0) return null;
  return (
    <div id={id} className="notice error issue-summary" role="alert" aria-label="spec problems">
      <strong>
        {issues.length} problem{issues.length === 1 ? "" : "s"} with this spec; nothing can be submitted until
        they are fixed:
      </strong>
      <ul>
        {issues.map((i) => {
          const at = locate?.(i) ?? null;
          return (
            <li key={`${i.source}:${i.path}:${i.issue}`} data-issue-path={i.path}>
              <code>{displayPath(i)}</code>
              {at ? (
                <span className="muted">
                  {" "}
                  (line {at.line}, column {at.col})
                </span>
              ) : null}
              : {i.issue}
              {i.fix && i.fix !== "see the message" ? <span className="muted"> (fix: {i.fix})</span> : null}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
