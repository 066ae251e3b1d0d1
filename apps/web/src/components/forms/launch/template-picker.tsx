"use client";

import { SPEC_KINDS, type SpecKind } from "@bytelab/experiments/spec";
import { useState } from "react";
import { blankSpec, type SpecDraft, type SpecTemplate } from "./spec-model";

/**
 * Start from a blank spec of a kind (small default models) or from one of the repository's examples/
 * specs. Loading replaces the spec being edited (asked first when it was changed).
 */
export function TemplatePicker({
  templates,
  initial,
  dirty,
  onLoad,
}: {
  templates: SpecTemplate[];
  /** What the page was opened with: a template's file, or a blank kind. */
  initial: { file: string } | { kind: SpecKind };
  /** The spec was changed since it was loaded (loading another asks first). */
  dirty: boolean;
  onLoad: (template: SpecTemplate | null, kind: SpecKind, blank: SpecDraft) => void;
}) {
  const [choice, setChoice] = useState("file" in initial ? `file:${initial.file}` : `blank:${initial.kind}`);
  const usable = templates.filter((t) => t.spec !== null);
  return (
    <div className="template-picker">
      <label className="field grow">
        <span>start from</span>
        <select value={choice} onChange={(e) => setChoice(e.target.value)} name="template">
          <optgroup label="blank (small default models)">
            {SPEC_KINDS.map((k) => (
              <option key={k} value={`blank:${k}`}>
                blank {k}
              </option>
            ))}
          </optgroup>
          {usable.length > 0 ? (
            <optgroup label="examples/">
              {usable.map((t) => (
                <option key={t.file} value={`file:${t.file}`}>
                  {t.file} ({t.kind}: {t.name})
                </option>
              ))}
            </optgroup>
          ) : null}
        </select>
      </label>
      <button
        type="button"
        className="button"
        onClick={() => {
          if (dirty && !window.confirm("Replace the spec you are editing with this template?")) return;
          if (choice.startsWith("file:")) {
            const t = usable.find((x) => `file:${x.file}` === choice);
            if (t) onLoad(t, (t.kind as SpecKind) ?? "sweep", t.spec ?? blankSpec("sweep"));
          } else {
            const kind = choice.slice("blank:".length) as SpecKind;
            onLoad(null, kind, blankSpec(kind));
          }
        }}
      >
        Load template
      </button>
    </div>
  );
}
