"use client";

import type { PathSegment } from "@bytelab/experiments/spec";
import { type ReactNode, useEffect, useState } from "react";
import { FieldIssues, invalidProps } from "./field-issues";
import { useField } from "./form-context";
import { type Parsed, sameJson } from "./spec-values";

/**
 * A text input bound to the spec at `path` through `parse` / `format`. What is typed stays in the input
 * while it is being typed (even when it does not parse yet); when the spec changes from elsewhere (a
 * template, the editor tab), the input shows the new value.
 */
export function SpecInput({
  path,
  label,
  hint,
  parse,
  format,
  placeholder,
  multiline = false,
  rows = 4,
  className,
}: {
  path: readonly PathSegment[];
  label: string;
  hint?: ReactNode;
  parse: (text: string) => Parsed<unknown>;
  format: (value: unknown) => string;
  placeholder?: string;
  multiline?: boolean;
  rows?: number;
  className?: string;
}) {
  const field = useField(path);
  const [text, setText] = useState(() => format(field.value));
  // Follow the spec when it changed from elsewhere (not when it is what this text already says).
  // biome-ignore lint/correctness/useExhaustiveDependencies: parse and format are fixed per field
  useEffect(() => {
    setText((current) => {
      const parsed = parse(current);
      return parsed.ok && sameJson(parsed.value, field.value) ? current : format(field.value);
    });
  }, [field.value]);
  const errorId = `${field.id}-issues`;
  const onChange = (next: string) => {
    setText(next);
    const parsed = parse(next);
    if (parsed.ok) {
      field.setInputError(null);
      field.set(parsed.value);
    } else field.setInputError(parsed.error);
  };
  const common = {
    id: field.id,
    name: field.id,
    value: text,
    placeholder,
    spellCheck: false,
    ...invalidProps(errorId, field.issues),
  };
  return (
    <div className={`field ${className ?? ""}`} data-spec-path={path.join(".")}>
      <label htmlFor={field.id} className="field-label">
        {label}
      </label>
      {multiline ? (
        <textarea
          {...common}
          rows={Math.max(rows, Math.min(14, text.split("\n").length))}
          onChange={(e) => onChange(e.target.value)}
        />
      ) : (
        <input type="text" {...common} onChange={(e) => onChange(e.target.value)} />
      )}
      {hint ? <span className="hint">{hint}</span> : null}
      <FieldIssues id={errorId} issues={field.issues} />
    </div>
  );
}

/** A select bound to the spec at `path`; `onSelect` replaces the default write (e.g. changing the kind). */
export function SpecSelect({
  path,
  label,
  options,
  hint,
  onSelect,
  emptyLabel,
}: {
  path: readonly PathSegment[];
  label: string;
  options: ReadonlyArray<{ value: string; label: string }>;
  hint?: ReactNode;
  onSelect?: (value: string) => void;
  /** Offer "not set" (removes the key) with this label. */
  emptyLabel?: string;
}) {
  const field = useField(path);
  const errorId = `${field.id}-issues`;
  const value = field.value === undefined ? "" : String(field.value);
  const known = options.some((o) => o.value === value) || (value === "" && emptyLabel !== undefined);
  return (
    <div className="field" data-spec-path={path.join(".")}>
      <label htmlFor={field.id} className="field-label">
        {label}
      </label>
      <select
        id={field.id}
        name={field.id}
        value={value}
        onChange={(e) => {
          const v = e.target.value;
          if (onSelect) onSelect(v);
          else field.set(v === "" ? undefined : v);
        }}
        {...invalidProps(errorId, field.issues)}
      >
        {emptyLabel !== undefined ? <option value="">{emptyLabel}</option> : null}
        {!known ? <option value={value}>{value}</option> : null}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {hint ? <span className="hint">{hint}</span> : null}
      <FieldIssues id={errorId} issues={field.issues} />
    </div>
  );
}

/** A checkbox bound to a boolean of the spec (unchecked removes the key: the default is false). */
export function SpecCheckbox({ path, label }: { path: readonly PathSegment[]; label: ReactNode }) {
  const field = useField(path);
  const errorId = `${field.id}-issues`;
  return (
    <div className="field" data-spec-path={path.join(".")}>
      <label className="check">
        <input
          type="checkbox"
          id={field.id}
          checked={field.value === true}
          onChange={(e) => field.set(e.target.checked ? true : undefined)}
          {...invalidProps(errorId, field.issues)}
        />
        {label}
      </label>
      <FieldIssues id={errorId} issues={field.issues} />
    </div>
  );
}

/** The issues of a group's own path (a list as a whole, e.g. `architectures`), under its heading. */
export function GroupIssues({ path }: { path: readonly PathSegment[] }) {
  const field = useField(path);
  return <FieldIssues id={`${field.id}-issues`} issues={field.issues} />;
}
