"use client";

import { describeFailure } from "../api";
import { PlanView } from "./plan-view";
import type { PlanState } from "./use-plan";

/** The dry-run plan of the spec being edited and the submit button (enabled only for a planned, valid spec). */
export function PlanPanel({
  plan,
  current,
  browserOk,
  issueCount,
  submitting,
  onSubmit,
}: {
  plan: PlanState;
  /** The plan is of the spec as it is now. */
  current: boolean;
  browserOk: boolean;
  issueCount: number;
  submitting: boolean;
  onSubmit: () => void;
}) {
  const ready = plan.status === "ok" && current && issueCount === 0;
  let status: string;
  if (!browserOk)
    status = `Fix the ${issueCount} problem${issueCount === 1 ? "" : "s"} first; then the server plans the runs.`;
  else if (!current || plan.status === "checking" || plan.status === "idle")
    status = "Checking the spec on the server (expanding the runs, counting parameters and FLOPs)…";
  else if (plan.status === "invalid")
    status = `The server found ${plan.issues.length} problem${plan.issues.length === 1 ? "" : "s"}: see them at their fields.`;
  else if (plan.status === "failed") status = describeFailure(plan.failure);
  else status = "Planned: this is what submitting creates.";
  return (
    <section className="card plan-panel" aria-labelledby="plan-heading">
      <h2 id="plan-heading">Dry-run plan</h2>
      <p
        className={`plan-status${plan.status === "failed" && current ? " bad" : ""}`}
        aria-live="polite"
        data-plan-status={current ? plan.status : "stale"}
      >
        {status}
      </p>
      {plan.status === "ok" ? (
        <div className={current ? undefined : "stale"}>
          <PlanView plan={plan.plan} />
        </div>
      ) : null}
      <button
        type="button"
        className="button primary submit"
        disabled={!ready || submitting}
        onClick={onSubmit}
      >
        {submitting
          ? "Submitting…"
          : plan.status === "ok" && current
            ? `Submit ${plan.plan.totals.new} new run${plan.plan.totals.new === 1 ? "" : "s"}`
            : "Submit"}
      </button>
    </section>
  );
}
