"use client";

import { RERUNNABLE_STATUSES, type RunRow, runActionResultSchema } from "@bytelab/service/schemas";
import { useRef, useState } from "react";
import { fetchJson } from "../../lib/client/fetch-json";

type Action = "cancel" | "rerun";

const TEXT: Record<Action, { button: string; title: string; body: string; confirm: string }> = {
  cancel: {
    button: "Cancel run",
    title: "Cancel this run?",
    body: "A queued run is removed from the queue; a running one stops at its next step (its last checkpoint is kept, so it can be re-run later).",
    confirm: "Yes, cancel it",
  },
  rerun: {
    button: "Re-run",
    title: "Re-run this run?",
    body: "It is queued again and resumes from its last checkpoint, with the same config.",
    confirm: "Yes, re-run it",
  },
};

/**
 * Cancel (QUEUED / RUNNING) and re-run (FAILED / CANCELLED) with a confirmation dialog: POST
 * /api/v1/runs/{id}/cancel | rerun, then `onDone` to refresh the page's data.
 */
export function RunActions(props: { run: RunRow; onDone: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [action, setAction] = useState<Action | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ text: string; bad: boolean } | null>(null);
  const [reason, setReason] = useState("");
  const canCancel = props.run.status === "QUEUED" || props.run.status === "RUNNING";
  const canRerun = RERUNNABLE_STATUSES.includes(props.run.status);

  const open = (a: Action) => {
    setAction(a);
    setReason("");
    setMessage(null);
    dialog.current?.showModal();
  };
  const confirm = async () => {
    if (!action) return;
    setBusy(true);
    try {
      const result = await fetchJson(
        `/api/v1/runs/${encodeURIComponent(props.run.id)}/${action}`,
        runActionResultSchema,
        { method: "POST", body: reason.trim() ? { reason: reason.trim() } : {} },
      );
      setMessage({ text: `${result.previous} -> ${result.status}: ${result.note}`, bad: !result.changed });
      props.onDone();
    } catch (e) {
      setMessage({ text: e instanceof Error ? e.message : String(e), bad: true });
    } finally {
      setBusy(false);
      dialog.current?.close();
    }
  };
  const t = action ? TEXT[action] : null;

  return (
    <div className="run-actions">
      {canCancel ? (
        <button type="button" className="button danger" onClick={() => open("cancel")}>
          {TEXT.cancel.button}
        </button>
      ) : null}
      {canRerun ? (
        <button type="button" className="button" onClick={() => open("rerun")}>
          {TEXT.rerun.button}
        </button>
      ) : null}
      {message ? (
        <span role="status" className={message.bad ? "bad" : "ok"}>
          {message.text}
        </span>
      ) : null}
      <dialog
        ref={dialog}
        className="confirm-dialog"
        aria-labelledby="run-action-title"
        onClose={() => setAction(null)}
      >
        {t ? (
          <form
            method="dialog"
            onSubmit={(e) => {
              e.preventDefault();
              void confirm();
            }}
          >
            <h2 id="run-action-title">{t.title}</h2>
            <p>{t.body}</p>
            <p className="muted">
              <code>{props.run.name}</code>
            </p>
            <label>
              Reason (optional, kept in the run's events)
              <input
                className="reason-input"
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                maxLength={500}
              />
            </label>
            <div className="dialog-buttons">
              <button
                type="button"
                className="button"
                onClick={() => dialog.current?.close()}
                disabled={busy}
              >
                Keep it
              </button>
              <button
                type="submit"
                className={`button ${action === "cancel" ? "danger" : "primary"}`}
                disabled={busy}
              >
                {busy ? "Working…" : t.confirm}
              </button>
            </div>
          </form>
        ) : null}
      </dialog>
    </div>
  );
}
