"use client";

import type { SpecKind } from "@bytelab/experiments/spec";
import { type ApiFailure, describeFailure } from "../api";
import { AblationSection } from "./ablation-section";
import { ArchitecturesSection } from "./architectures-section";
import { BudgetField } from "./budget-fields";
import { BaseSection, CommonSection } from "./common-section";
import { SpecFormContext } from "./form-context";
import { GridSection } from "./grid-section";
import { IssueSummary } from "./issue-summary";
import { LadderSection } from "./ladder-section";
import { PlanPanel } from "./plan-panel";
import { SpecEditor } from "./spec-editor";
import { type SpecDraft, type SpecTemplate, specKind } from "./spec-model";
import { TemplatePicker } from "./template-picker";
import { type Tab, useLaunchForm } from "./use-launch-form";

export interface LaunchFormProps {
  initialSpec: SpecDraft;
  /** The template the spec came from (its text goes to the editor tab as written). */
  initialTemplate: SpecTemplate | null;
  initialTab: Tab;
  templates: SpecTemplate[];
}

const TABS: ReadonlyArray<readonly [Tab, string]> = [
  ["form", "Form"],
  ["editor", "YAML / JSON"],
];

/** The two tabs (form, text) over the one spec. */
function EditTabs({ tab, onSwitch }: { tab: Tab; onSwitch: (next: Tab) => void }) {
  return (
    <div
      role="tablist"
      aria-label="how to edit the spec"
      className="tabs"
      onKeyDown={(e) => {
        // The tab pattern: arrow keys move between the two tabs.
        if (e.key !== "ArrowLeft" && e.key !== "ArrowRight") return;
        e.preventDefault();
        const next = tab === "form" ? "editor" : "form";
        onSwitch(next);
        document.getElementById(`tab-${next}`)?.focus();
      }}
    >
      {TABS.map(([id, label]) => (
        <button
          key={id}
          type="button"
          role="tab"
          id={`tab-${id}`}
          aria-controls={`panel-${id}`}
          aria-selected={tab === id}
          tabIndex={tab === id ? 0 : -1}
          onClick={() => onSwitch(id)}
        >
          {label}
        </button>
      ))}
    </div>
  );
}

/** The form tab: the sections this kind of spec has (the fields read and write the spec through context). */
function FormPanel({ kind, templates }: { kind: SpecKind; templates: SpecTemplate[] }) {
  return (
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
  );
}

/** Why the submit failed; the spec is kept, so it can be sent again. */
function SubmitFailure({ failure }: { failure: ApiFailure | null }) {
  if (!failure) return null;
  return (
    <div className="notice error" role="alert">
      <strong>
        {failure.status === 503 ? "Not submitted: the queue is unavailable." : "Not submitted."}
      </strong>{" "}
      {describeFailure(failure)} The spec stays here.
    </div>
  );
}

/**
 * /sweeps/new: builds a sweep / ablation / ladder spec in a form or as YAML / JSON text (the same spec in both
 * tabs), validates it as it changes with the zod schemas of `bytelab sweep submit` (in the browser) and the
 * server's dry run (POST /sweeps/plan: model checks, runs, steps, FLOPs, reuse), shows every problem next to
 * its field, and submits (POST /sweeps) only a spec whose plan is shown.
 */
export function LaunchForm({ initialSpec, initialTemplate, initialTab, templates }: LaunchFormProps) {
  const form = useLaunchForm(initialSpec, initialTemplate, initialTab);
  const { tab, issues } = form;
  return (
    <SpecFormContext.Provider value={form.state}>
      <div className="launch">
        <div className="launch-main">
          <TemplatePicker
            templates={templates}
            initial={initialTemplate ? { file: initialTemplate.file } : { kind: specKind(initialSpec) }}
            dirty={form.dirty}
            onLoad={form.loadTemplate}
          />
          <EditTabs tab={tab} onSwitch={form.switchTab} />
          {form.tabError ? (
            <p className="field-error" role="alert">
              {form.tabError}
            </p>
          ) : null}
          <IssueSummary
            id={tab === "editor" ? "editor-issues" : "form-issues"}
            issues={issues}
            locate={tab === "editor" ? form.locate : undefined}
          />
          {tab === "form" ? (
            <FormPanel kind={specKind(form.state.spec)} templates={templates} />
          ) : (
            <div role="tabpanel" id="panel-editor" aria-labelledby="tab-editor">
              <SpecEditor
                text={form.text}
                format={form.format}
                onText={(t) => form.editText(t)}
                onFormat={form.switchFormat}
                issues={issues}
                locate={form.locate}
              />
            </div>
          )}
        </div>
        <aside className="launch-side" aria-label="plan and submit">
          <PlanPanel
            plan={form.plan}
            current={form.current}
            browserOk={form.browserOk}
            issueCount={issues.length}
            submitting={form.submitting}
            onSubmit={form.submit}
          />
          <SubmitFailure failure={form.failure} />
        </aside>
      </div>
    </SpecFormContext.Provider>
  );
}
