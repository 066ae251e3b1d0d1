"use client";

import { isPlainObject, type PathSegment, safeParseSpec } from "@bytelab/experiments/spec";
import type { SubmitResultJson } from "@bytelab/service/schemas";
import { useRouter } from "next/navigation";
import { useMemo, useRef, useState } from "react";
import { type ApiFailure, api } from "../api";
import { readEditorText, type TextPosition } from "./editor-text";
import type { SpecFormState } from "./form-context";
import { assignIssues, type FormIssue } from "./issues";
import { setIn } from "./set-in";
import { type SpecDraft, type SpecFormat, type SpecTemplate, specText } from "./spec-model";
import { pathKey } from "./spec-paths";
import { type PlanState, serverIssues, usePlan } from "./use-plan";

export type Tab = "form" | "editor";

/** Keeps the view in the URL (template, tab) without a navigation. */
function replaceQuery(changes: Record<string, string | null>): void {
  const url = new URL(window.location.href);
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) url.searchParams.delete(k);
    else url.searchParams.set(k, v);
  }
  window.history.replaceState(window.history.state, "", url);
}

type SpecRead = { ok: true; value: SpecDraft } | { ok: false; issue: FormIssue; at: TextPosition | null };

/** The editor's text as a spec, or its syntax error (shown in the summary, at its line and column). */
function readSpecText(text: string, format: SpecFormat): SpecRead {
  const read = readEditorText(text, format);
  if (!read.ok)
    return {
      ok: false,
      issue: { path: "", issue: read.error.issue, fix: read.error.fix, source: "input" },
      at: read.error.at,
    };
  // A list or a scalar parses but has no fields the form could show.
  if (!isPlainObject(read.value))
    return {
      ok: false,
      issue: {
        path: "",
        issue: "a spec must be a mapping (YAML) or an object (JSON)",
        fix: "start from a template",
        source: "input",
      },
      at: { line: 1, col: 1 },
    };
  return { ok: true, value: read.value };
}

/**
 * Every problem of the spec, in the order the summary lists them: the text's syntax (editor tab) or the
 * fields' input errors (form tab), the zod schemas', and the server's dry run's. The dry run is asked only
 * once the browser finds nothing, and its issues count only while the plan is of the spec as it is now.
 */
function useSpecIssues(
  spec: SpecDraft,
  specJson: string,
  tab: Tab,
  syntax: FormIssue | null,
  inputErrors: Map<string, FormIssue>,
) {
  const schemaIssues = useMemo<FormIssue[]>(() => {
    const parsed = safeParseSpec(spec);
    return parsed.success ? [] : parsed.issues.map((i) => ({ ...i, source: "schema" as const }));
  }, [spec]);
  const localIssues = [
    ...(syntax && tab === "editor" ? [syntax] : []),
    ...(tab === "form" ? inputErrors.values() : []),
  ];
  const browserOk = schemaIssues.length === 0 && localIssues.length === 0;
  const [plan, setPlan] = usePlan(spec, specJson, browserOk);
  const current = "forJson" in plan && plan.forJson === specJson;
  const issues: FormIssue[] = [
    ...localIssues,
    ...schemaIssues,
    ...(browserOk && current && plan.status === "invalid" ? plan.issues : []),
  ];
  return { issues, browserOk, plan, setPlan, current };
}

/** Fields' own parse errors (text that is not a list / YAML), by path; the form tab shows them, the editor not. */
function useInputErrors() {
  const [inputErrors, setInputErrors] = useState<Map<string, FormIssue>>(new Map());
  const setInputError = (path: readonly PathSegment[], error: string | null) =>
    setInputErrors((m) => {
      const key = pathKey(path);
      const next = new Map(m);
      if (error === null) next.delete(key);
      else next.set(key, { path: path.map(String).join("."), issue: error, source: "input" });
      return next;
    });
  return { inputErrors, setInputError, clearInputErrors: () => setInputErrors(new Map()) };
}

/**
 * Submits (POST /sweeps) the spec whose plan is shown and opens its sweep. The same spec sent again (a retry
 * after a failure) reuses its idempotency key, so the server answers with the sweep it already made.
 */
function useSubmit(
  spec: SpecDraft,
  specJson: string,
  ready: boolean,
  setPlan: (plan: PlanState) => void,
  setFailure: (failure: ApiFailure | null) => void,
) {
  const router = useRouter();
  const [submitting, setSubmitting] = useState(false);
  const idempotency = useRef(new Map<string, string>());

  async function submit() {
    if (!ready || submitting) return;
    setSubmitting(true);
    setFailure(null);
    let key = idempotency.current.get(specJson);
    if (!key) {
      key = crypto.randomUUID();
      idempotency.current.set(specJson, key);
    }
    const r = await api<SubmitResultJson>("/sweeps", { body: spec, headers: { "idempotency-key": key } });
    if (r.ok) {
      const q = new URLSearchParams({ submitted: r.data.existing ? "existing" : "new" });
      if (r.data.enqueueError) q.set("enqueueError", r.data.enqueueError);
      router.push(`/sweeps/${encodeURIComponent(r.data.sweepId)}?${q}`);
      return;
    }
    setSubmitting(false);
    if (r.error.status === 422)
      setPlan({
        status: "invalid",
        forJson: specJson,
        issues: serverIssues(r.error),
        message: r.error.message,
      });
    else setFailure(r.error);
  }

  return { submitting, submit };
}

/**
 * The launch form's state: one spec shown in both tabs (the form, or the editor's text that is kept in step
 * with it), its problems, the dry-run plan, and what the user can do (edit, switch tab or format, load a
 * template, submit).
 */
export function useLaunchForm(initialSpec: SpecDraft, initialTemplate: SpecTemplate | null, initialTab: Tab) {
  const [spec, setSpec] = useState<SpecDraft>(initialSpec);
  const [tab, setTab] = useState<Tab>(initialTab);
  const [format, setFormat] = useState<SpecFormat>(initialTemplate?.format ?? "yaml");
  const [text, setText] = useState(() => initialTemplate?.text ?? specText(initialSpec, "yaml"));
  /** The spec (as JSON) the editor text was last written from or read as. */
  const textFor = useRef(JSON.stringify(initialSpec));
  /** The spec as loaded (a template or the blank one): changed since then means loading asks first. */
  const loadedJson = useRef(JSON.stringify(initialSpec));
  const [syntax, setSyntax] = useState<FormIssue | null>(null);
  /** Where the syntax error is (line, column). */
  const syntaxAt = useRef<{ line: number; col: number } | null>(null);
  const { inputErrors, setInputError, clearInputErrors } = useInputErrors();
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [tabError, setTabError] = useState<string | null>(null);

  const specJson = useMemo(() => JSON.stringify(spec), [spec]);
  const { issues, browserOk, plan, setPlan, current } = useSpecIssues(
    spec,
    specJson,
    tab,
    syntax,
    inputErrors,
  );
  const { submitting, submit } = useSubmit(
    spec,
    specJson,
    plan.status === "ok" && current,
    setPlan,
    setFailure,
  );
  const located = useMemo(
    () => (tab === "editor" ? readEditorText(text, format) : null),
    [tab, text, format],
  );
  const locate = (i: FormIssue) =>
    i === syntax ? syntaxAt.current : located?.ok ? located.locate(i.path) : null;

  const state: SpecFormState = {
    spec,
    set: (path: readonly PathSegment[], value: unknown) => {
      setSpec((s) => (path.length === 0 ? (value as SpecDraft) : setIn(s, path, value)));
      setFailure(null);
    },
    issues: assignIssues(spec, issues),
    setInputError,
  };

  function editText(next: string, fmt: SpecFormat = format) {
    setText(next);
    setTabError(null);
    const read = readSpecText(next, fmt);
    if (!read.ok) {
      syntaxAt.current = read.at;
      setSyntax(read.issue);
      return;
    }
    syntaxAt.current = null;
    setSyntax(null);
    textFor.current = JSON.stringify(read.value);
    setSpec(read.value);
    setFailure(null);
  }

  function switchTab(next: Tab) {
    setTabError(null);
    if (next === tab) return;
    if (next === "form" && syntax) {
      setTabError("Fix the syntax error in the text first: the form can only show a spec that parses.");
      return;
    }
    if (next === "editor" && textFor.current !== specJson) {
      setText(specText(spec, format));
      textFor.current = specJson;
      setSyntax(null);
    }
    clearInputErrors();
    setTab(next);
    replaceQuery({ tab: next === "editor" ? "editor" : null });
  }

  function switchFormat(next: SpecFormat) {
    if (syntax) {
      setTabError("Fix the syntax error first; then the text can be converted.");
      return;
    }
    setFormat(next);
    setText(specText(spec, next));
    textFor.current = specJson;
  }

  function loadTemplate(t: SpecTemplate | null, kind: "sweep" | "ablation" | "ladder", blank: SpecDraft) {
    const next = t?.spec ?? blank;
    setSpec(next);
    setFormat(t?.format ?? "yaml");
    setText(t?.text ?? specText(next, "yaml"));
    textFor.current = JSON.stringify(next);
    loadedJson.current = textFor.current;
    setSyntax(null);
    clearInputErrors();
    setFailure(null);
    replaceQuery({ template: t?.file ?? null, kind: t ? null : kind });
  }

  return {
    state,
    tab,
    text,
    format,
    issues,
    locate,
    plan,
    current,
    browserOk,
    submitting,
    failure,
    tabError,
    /** The spec differs from the one last loaded (loading another asks first). */
    dirty: specJson !== loadedJson.current,
    editText,
    switchTab,
    switchFormat,
    loadTemplate,
    submit,
  };
}
