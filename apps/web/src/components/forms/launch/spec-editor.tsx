"use client";

import type { TextPosition } from "./editor-text";
import type { FormIssue } from "./issues";
import type { SpecFormat } from "./spec-model";

/**
 * The spec as YAML or JSON text, validated like the form (same schemas, same server plan); each problem is
 * listed with its path and its line and column in the text.
 */
export function SpecEditor({
  text,
  format,
  onText,
  onFormat,
  issues,
  locate,
}: {
  text: string;
  format: SpecFormat;
  onText: (text: string) => void;
  onFormat: (format: SpecFormat) => void;
  issues: FormIssue[];
  locate: (issue: FormIssue) => TextPosition | null;
}) {
  const lines = [...new Set(issues.map((i) => locate(i)?.line).filter((l): l is number => l !== undefined))];
  return (
    <div className="spec-editor">
      <div className="editor-bar">
        <span className="field-label" id="editor-format-label">
          format
        </span>
        <div role="radiogroup" aria-labelledby="editor-format-label" className="segmented">
          {(["yaml", "json"] as const).map((f) => (
            <label key={f} className={format === f ? "on" : undefined}>
              <input
                type="radio"
                name="editor-format"
                value={f}
                checked={format === f}
                onChange={() => onFormat(f)}
              />
              {f.toUpperCase()}
            </label>
          ))}
        </div>
        {lines.length > 0 ? (
          <span className="field-error">
            problems on line{lines.length === 1 ? "" : "s"} {lines.sort((a, b) => a - b).join(", ")}
          </span>
        ) : null}
      </div>
      <label htmlFor="spec-text" className="visually-hidden">
        spec ({format.toUpperCase()})
      </label>
      <textarea
        id="spec-text"
        className="spec-text"
        value={text}
        rows={Math.min(80, Math.max(16, text.split("\n").length + 1))}
        spellCheck={false}
        autoCapitalize="off"
        autoCorrect="off"
        onChange={(e) => onText(e.target.value)}
        aria-invalid={issues.length > 0 ? true : undefined}
        aria-describedby={issues.length > 0 ? "editor-issues" : undefined}
      />
      <p className="hint">
        The same spec as <code>bytelab sweep submit FILE</code> reads; see{" "}
        <code>packages/experiments/README.md</code> for every field.
      </p>
    </div>
  );
}
