"use client";

import type { RunActionResult, RunProgress, SweepActionResult, SweepStatus } from "@bytelab/service/schemas";
import Link from "next/link";
import { useState } from "react";
import { type ApiFailure, api, describeFailure } from "../forms/api";
import { ConfirmDialog } from "../forms/confirm-dialog";
import { ActionResult } from "./action-result";
import { SweepHeader } from "./sweep-header";
import { SweepRunsTable } from "./sweep-runs-table";
import { usePoll } from "./use-poll";

type Pending =
  | { kind: "cancel-sweep" }
  | { kind: "rerun-sweep"; includeCancelled: boolean }
  | { kind: "cancel-run"; run: RunProgress };

/** Runs of the sweep to put side by side on the compare page (its URL: /compare?runs=a,b,c). */
function compareHref(runs: RunProgress[]): string {
  return `/compare?runs=${runs.map((r) => encodeURIComponent(r.id)).join(",")}`;
}

/**
 * The sweep page's live part: header, actions and runs table, refreshed every 2 s from GET /api/v1/sweeps/{id}
 * while any run is queued or running (no page reload). Cancel sweep, cancel a run and re-run failed runs ask
 * for confirmation, then show what happened to each run.
 */
export function SweepLive({ initial }: { initial: SweepStatus }) {
  const id = initial.sweep.id;
  const { data, error, refresh } = usePoll<SweepStatus>(
    `/sweeps/${encodeURIComponent(id)}`,
    initial,
    (s) => s.outcome === "running",
  );
  const [pending, setPending] = useState<Pending | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ title: string; runs: RunActionResult[] } | null>(null);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [reason, setReason] = useState("");

  const active = data.counts.QUEUED + data.counts.RUNNING;
  const failed = data.counts.FAILED;
  const cancelled = data.counts.CANCELLED;

  async function perform(p: Pending) {
    setBusy(true);
    setFailure(null);
    const body = reason.trim() ? { reason: reason.trim() } : {};
    if (p.kind === "cancel-run") {
      const r = await api<RunActionResult>(`/runs/${encodeURIComponent(p.run.id)}/cancel`, { body });
      if (r.ok)
        setResult({
          title: `Run ${p.run.label}: ${r.data.changed ? "cancelled" : "not changed"}`,
          runs: [r.data],
        });
      else setFailure(r.error);
    } else {
      const action = p.kind === "cancel-sweep" ? "cancel" : "rerun";
      const r = await api<SweepActionResult>(`/sweeps/${encodeURIComponent(id)}/${action}`, {
        body: p.kind === "rerun-sweep" ? { ...body, includeCancelled: p.includeCancelled } : body,
      });
      if (r.ok)
        setResult({
          title:
            action === "cancel"
              ? `Cancelled ${r.data.changed} run${r.data.changed === 1 ? "" : "s"}`
              : `Re-queued ${r.data.changed} run${r.data.changed === 1 ? "" : "s"}`,
          runs: r.data.runs,
        });
      else setFailure(r.error);
    }
    setBusy(false);
    setPending(null);
    setReason("");
    await refresh();
  }

  const finished = data.runs.filter((r) => r.status !== "QUEUED");
  return (
    <>
      <SweepHeader status={data} />
      <nav className="actions-bar" aria-label="sweep actions">
        <Link className="button" href={`/sweeps/${encodeURIComponent(id)}/scaling`}>
          Scaling
        </Link>
        <Link
          className="button"
          href={compareHref(finished.length > 0 ? finished : data.runs)}
          aria-disabled={data.runs.length === 0}
        >
          Compare these runs
        </Link>
        <span className="spacer" />
        <button
          type="button"
          className="button"
          disabled={failed === 0 && cancelled === 0}
          onClick={() => setPending({ kind: "rerun-sweep", includeCancelled: failed === 0 })}
        >
          Re-run failed runs{failed > 0 ? ` (${failed})` : ""}
        </button>
        <button
          type="button"
          className="button danger"
          disabled={active === 0}
          onClick={() => setPending({ kind: "cancel-sweep" })}
        >
          Cancel sweep{active > 0 ? ` (${active} active)` : ""}
        </button>
      </nav>
      <p className="live-note muted small" aria-live="polite">
        {data.outcome === "running"
          ? error
            ? `Live updates failing: ${error.message} (retrying)`
            : "Live: refreshes every 2 s while runs are queued or running."
          : `All runs finished (${data.outcome}).`}
      </p>
      {failure ? (
        <div className="notice error" role="alert">
          <strong>That did not work.</strong> {describeFailure(failure)}
        </div>
      ) : null}
      {result ? (
        <ActionResult title={result.title} runs={result.runs} onDismiss={() => setResult(null)} />
      ) : null}

      <section className="card" aria-label="runs">
        <SweepRunsTable
          runs={data.runs}
          onCancelRun={(run) => setPending({ kind: "cancel-run", run })}
          busyRunId={pending?.kind === "cancel-run" && busy ? pending.run.id : null}
        />
      </section>

      <ConfirmDialog
        open={pending !== null}
        busy={busy}
        danger={pending?.kind !== "rerun-sweep"}
        title={
          pending?.kind === "cancel-sweep"
            ? `Cancel sweep ${data.sweep.name}?`
            : pending?.kind === "cancel-run"
              ? `Cancel run ${pending.run.label}?`
              : "Re-run failed runs?"
        }
        confirmLabel={
          pending?.kind === "cancel-sweep"
            ? "Cancel sweep"
            : pending?.kind === "cancel-run"
              ? "Cancel run"
              : "Re-run"
        }
        onCancel={() => {
          setPending(null);
          setReason("");
        }}
        onConfirm={() => {
          if (pending) void perform(pending);
        }}
      >
        {pending?.kind === "cancel-sweep" ? (
          <p>
            Every queued or running run of this sweep ({active}) stops and is marked CANCELLED; finished runs
            keep their results. You can re-run cancelled runs later.
          </p>
        ) : pending?.kind === "cancel-run" ? (
          <p>
            The run stops ({pending.run.status.toLowerCase()} now) and is marked CANCELLED; it can be re-run
            from its last checkpoint.
          </p>
        ) : pending?.kind === "rerun-sweep" ? (
          <>
            <p>Each run goes back to the queue and resumes from its last checkpoint.</p>
            <label className="check">
              <input
                type="checkbox"
                checked={pending.includeCancelled}
                disabled={cancelled === 0}
                onChange={(e) => setPending({ kind: "rerun-sweep", includeCancelled: e.target.checked })}
              />{" "}
              also re-run cancelled runs ({cancelled})
            </label>
            <p className="muted small">
              {failed} failed{pending.includeCancelled ? ` + ${cancelled} cancelled` : ""} run
              {failed + (pending.includeCancelled ? cancelled : 0) === 1 ? "" : "s"} will be re-queued.
            </p>
          </>
        ) : null}
        {pending && pending.kind !== "rerun-sweep" ? (
          <label className="field">
            <span>reason (optional, recorded on the run)</span>
            <input type="text" value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
          </label>
        ) : null}
      </ConfirmDialog>
    </>
  );
}
