"use client";

import { isPlainObject, type PathSegment, safeParseSpec } from "@bytelab/experiments/spec";
import type { SubmitResultJson } from "@bytelab/service/schemas";
import { useRouter } from "next/navigation";
import { useMemo, useRef, useState } from "react";
import { type ApiFailure, api, describeFailure } from "../api";
import { AblationSection } from "./ablation-section";
import { ArchitecturesSection } from "./architectures-section";
import { BudgetField } from "./budget-fields";
import { BaseSection, CommonSection } from "./common-section";
import { readEditorText } from "./editor-text";
import { SpecFormContext, type SpecFormState } from "./form-context";
import { GridSection } from "./grid-section";
import { assignIssues, type FormIssue } from "./issues";
import { IssueSummary } from "./issue-summary";
import { LadderSection } from "./ladder-section";
import { PlanPanel } from "./plan-panel";
import { setIn } from "./set-in";
import { SpecEditor } from "./spec-editor";
import { type SpecDraft, type SpecFormat, type SpecTemplate, specKind, specText } from "./spec-model";
import { pathKey } from "./spec-paths";
import { TemplatePicker } from "./template-picker";
import { serverIssues, usePlan } from "./use-plan";

type Tab = "form" | "editor";

export interface LaunchFormProps {
  initialSpec: SpecDraft;
  /** The template the spec came from (its text goes to the editor tab as written). */
  initialTemplate: SpecTemplate | null;
  initialTab: Tab;
  templates: SpecTemplate[];
}

/** Keeps the view in the URL (template, tab) without a navigation. */
function replaceQuery(changes: Record<string, string | null>): void {
  const url = new URL(window.location.href);
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) url.searchParams.delete(k);
    else url.searchParams.set(k, v);
  }
  window.history.replaceState(window.history.state, "", url);
}

/**
 * /sweeps/new: builds a sweep / ablation / ladder spec in a form or as YAML / JSON text (the same spec in both
 * tabs), validates it as it changes with the zod schemas of `bytelab sweep submit` (in the browser) and the
 * server's dry run (POST /sweeps/plan: model checks, runs, steps, FLOPs, reuse), shows every problem next to
 * its field, and submits (POST /sweeps) only a spec whose plan is shown.
 */
export function LaunchForm({ initialSpec, initialTemplate, initialTab, templates }: LaunchFormProps) {
  const router = useRouter();
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
  const [inputErrors, setInputErrors] = useState<Map<string, FormIssue>>(new Map());
  const [submitting, setSubmitting] = useState(false);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [tabError, setTabError] = useState<string | null>(null);
  const idempotency = useRef(new Map<string, string>());

  const specJson = useMemo(() => JSON.stringify(spec), [spec]);
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
  const assigned = assignIssues(spec, issues);
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
    issues: assigned,
    setInputError: (path, error) =>
      setInputErrors((m) => {
        const key = pathKey(path);
        const next = new Map(m);
        if (error === null) next.delete(key);
        else next.set(key, { path: path.map(String).join("."), issue: error, source: "input" });
        return next;
      }),
  };

  function editText(next: string, fmt: SpecFormat = format) {
    setText(next);
    setTabError(null);
    const read = readEditorText(next, fmt);
    if (!read.ok) {
      syntaxAt.current = read.error.at;
      setSyntax({ path: "", issue: read.error.issue, fix: read.error.fix, source: "input" });
      return;
    }
    if (!isPlainObject(read.value)) {
      syntaxAt.current = { line: 1, col: 1 };
      setSyntax({
        path: "",
        issue: "a spec must be a mapping (YAML) or an object (JSON)",
        fix: "start from a template",
        source: "input",
      });
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
    setInputErrors(new Map());
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
    setInputErrors(new Map());
    setFailure(null);
    replaceQuery({ template: t?.file ?? null, kind: t ? null : kind });
  }

  async function submit() {
    if (!(plan.status === "ok" && current) || submitting) return;
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

  const kind = specKind(spec);
  return (
    <SpecFormContext.Provider value={state}>
      <div className="launch">
        <div className="launch-main">
          <TemplatePicker
            templates={templates}
            initial={initialTemplate ? { file: initialTemplate.file } : { kind: specKind(initialSpec) }}
            dirty={specJson !== loadedJson.current}
            onLoad={loadTemplate}
          />
          <div
            role="tablist"
            aria-label="how to edit the spec"
            className="tabs"
            onKeyDown={(e) => {
              // The tab pattern: arrow keys move between the two tabs.
              if (e.key !== "ArrowLeft" && e.key !== "ArrowRight") return;
              e.preventDefault();
              const next = tab === "form" ? "editor" : "form";
              switchTab(next);
              document.getElementById(`tab-${next}`)?.focus();
            }}
          >
            <button
              type="button"
              role="tab"
              id="tab-form"
              aria-controls="panel-form"
              aria-selected={tab === "form"}
              tabIndex={tab === "form" ? 0 : -1}
              onClick={() => switchTab("form")}
            >
              Form
            </button>
            <button
              type="button"
              role="tab"
              id="tab-editor"
              aria-controls="panel-editor"
              aria-selected={tab === "editor"}
              tabIndex={tab === "editor" ? 0 : -1}
              onClick={() => switchTab("editor")}
            >
              YAML / JSON
            </button>
          </div>
          {tabError ? (
            <p className="field-error" role="alert">
              {tabError}
            </p>
          ) : null}
          <IssueSummary
            id={tab === "editor" ? "editor-issues" : "form-issues"}
            issues={issues}
            locate={tab === "editor" ? locate : undefined}
          />
          {tab === "form" ? (
            <div role="tabpanel" id="panel-form" aria-labelledby="tab-form" className="spec-form">
              <CommonSection />
              {kind === "ablation" ? (
                <AblationSection />
              ) : (
                <>
                  <ArchitecturesSection templates={templates} />
                  {kind === "sweep" ? (
                    <>
                      <GridSection />
                      <fieldset className="form-section">
                        <legend>Budget</legend>
                        <BudgetField path={["budget"]} label="budget per run" optional />
                      </fieldset>
                    </>
                  ) : (
                    <LadderSection />
                  )}
                </>
              )}
              <BaseSection />
            </div>
          ) : (
            <div role="tabpanel" id="panel-editor" aria-labelledby="tab-editor">
              <SpecEditor
                text={text}
                format={format}
                onText={(t) => editText(t)}
                onFormat={switchFormat}
                issues={issues}
                locate={locate}
              />
            </div>
          )}
        </div>
        <aside className="launch-side" aria-label="plan and submit">
          <PlanPanel
            plan={plan}
            current={current}
            browserOk={browserOk}
            issueCount={issues.length}
            submitting={submitting}
            onSubmit={submit}
          />
          {failure ? (
            <div className="notice error" role="alert">
              <strong>
                {failure.status === 503 ? "Not submitted: the queue is unavailable." : "Not submitted."}
              </strong>{" "}
              {describeFailure(failure)} The spec stays here.
            </div>
          ) : null}
        </aside>
      </div>
    </SpecFormContext.Provider>
  );
}
