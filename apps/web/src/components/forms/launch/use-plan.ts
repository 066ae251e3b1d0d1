"use client";

import type { SweepCheck, SweepPlan } from "@bytelab/service/schemas";
import { useEffect, useState } from "react";
import { type ApiFailure, api } from "../api";
import type { FormIssue } from "./issues";

export type PlanState =
  | { status: "idle" }
  | { status: "checking"; forJson: string }
  | { status: "ok"; forJson: string; plan: SweepPlan }
  /** The server found problems the browser cannot (model checks, expansion): shown at their fields. */
  | { status: "invalid"; forJson: string; issues: FormIssue[]; message: string }
  | { status: "failed"; forJson: string; failure: ApiFailure };

/** A validation failure's details as form issues (the paths are spec paths). */
export function serverIssues(failure: ApiFailure): FormIssue[] {
  return failure.details.map((d) => ({
    path: d.path.replace(/^body\.?/, ""),
    issue: d.issue,
    ...(d.fix ? { fix: d.fix } : {}),
    source: "server" as const,
  }));
}

/**
 * The server's dry run (POST /api/v1/sweeps/check, the plan or the spec's problems) of the spec, asked `delayMs` after the last change while
 * the spec passes the browser's checks; a newer spec cancels the older request.
 */
export function usePlan(
  spec: unknown,
  specJson: string,
  ready: boolean,
  delayMs = 500,
): [PlanState, (state: PlanState) => void] {
  const [state, setState] = useState<PlanState>({ status: "idle" });
  // biome-ignore lint/correctness/useExhaustiveDependencies: specJson stands for spec (the body it serialises)
  useEffect(() => {
    if (!ready) return;
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      setState({ status: "checking", forJson: specJson });
      try {
        // /sweeps/check answers a spec with problems as 200 (valid: false): no failed request in the console
        // while the user is still typing.
        const r = await api<SweepCheck>("/sweeps/check", { body: spec, signal: controller.signal });
        if (controller.signal.aborted) return;
        if (r.ok && r.data.valid && r.data.plan)
          setState({ status: "ok", forJson: specJson, plan: r.data.plan });
        else if (r.ok)
          setState({
            status: "invalid",
            forJson: specJson,
            issues: r.data.issues.map((d) => ({ ...d, source: "server" as const })),
            message: r.data.message ?? "the spec is invalid",
          });
        else if (r.error.status === 422)
          setState({
            status: "invalid",
            forJson: specJson,
            issues: serverIssues(r.error),
            message: r.error.message,
          });
        else setState({ status: "failed", forJson: specJson, failure: r.error });
      } catch {
        // aborted: a newer spec is being planned
      }
    }, delayMs);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [specJson, ready, delayMs]);
  return [state, setState];
}
