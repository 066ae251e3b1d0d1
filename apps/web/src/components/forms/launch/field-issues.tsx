import type { FormIssue } from "./issues";

/** The problems of one field, under it (announced; linked from the input by aria-describedby). */
export function FieldIssues({ id, issues }: { id: string; issues: FormIssue[] }) {
  if (issues.length === 0) return null;
  return (
    <ul id={id} className="field-issues" data-field-issues>
      {issues.map((i) => (
        <li key={`${i.source}:${i.path}:${i.issue}`} className="field-error">
          {i.issue}
          {i.fix && i.fix !== "see the message" ? <span className="fix"> (fix: {i.fix})</span> : null}
        </li>
      ))}
    </ul>
  );
}

/** aria attributes of an input with these issues. */
export function invalidProps(errorId: string, issues: FormIssue[]) {
  return issues.length > 0 ? { "aria-invalid": true as const, "aria-describedby": errorId } : {};
}
