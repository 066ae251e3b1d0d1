"use client";

import { getPath, type PathSegment } from "@bytelab/experiments/spec";
import { createContext, useContext } from "react";
import type { FormIssue } from "./issues";
import type { SpecDraft } from "./spec-model";
import { pathKey } from "./spec-paths";

/** What every field of the launch form reads and writes: the spec draft and the issues at each field. */
export interface SpecFormState {
  spec: SpecDraft;
  /** Sets (or with undefined removes) the value at `path`. */
  set(path: readonly PathSegment[], value: unknown): void;
  /** Issues shown at the field of `path` (see assignIssues). */
  issues: Map<string, FormIssue[]>;
  /** A field's own parse error (text that is not a list / YAML), or null to clear it. */
  setInputError(path: readonly PathSegment[], error: string | null): void;
}

export const SpecFormContext = createContext<SpecFormState | null>(null);

export function useSpecForm(): SpecFormState {
  const state = useContext(SpecFormContext);
  if (!state) throw new Error("launch form fields must be inside SpecFormContext");
  return state;
}

/** The value at `path` and the issues shown at it. */
export function useField(path: readonly PathSegment[]): {
  value: unknown;
  issues: FormIssue[];
  set: (value: unknown) => void;
  setInputError: (error: string | null) => void;
  id: string;
} {
  const form = useSpecForm();
  const key = pathKey(path);
  return {
    value: getPath(form.spec, path),
    issues: form.issues.get(key) ?? [],
    set: (value) => form.set(path, value),
    setInputError: (error) => form.setInputError(path, error),
    id: `spec-${path.join("-").replace(/[^\w-]/g, "_")}`,
  };
}
