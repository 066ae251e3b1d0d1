"use client";

import { useId, useState } from "react";
import { type ApiFailure, api } from "../forms/api";
import { safeNext } from "./safe-next";

/** Paste an API key -> POST /api/v1/session (an HTTP-only cookie) -> go to `next`. */
export function LoginForm({ next }: { next: string }) {
  const [key, setKey] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | null>(null);
  const errorId = useId();
  const keyError = error?.details.find((d) => d.path === "body.key") ?? null;
  return (
    <form
      className="card form login-form"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        const r = await api("/session", { body: { key: key.trim() } });
        if (r.ok) {
          window.location.assign(safeNext(next));
          return;
        }
        setError(r.error);
        setBusy(false);
      }}
    >
      <label className="field">
        <span>API key</span>
        <input
          type="password"
          name="key"
          autoComplete="off"
          spellCheck={false}
          placeholder="blk_…"
          value={key}
          required
          onChange={(e) => setKey(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
        />
      </label>
      {error ? (
        <p id={errorId} className="field-error" role="alert">
          {error.message}
          {keyError?.fix ? ` Fix: ${keyError.fix}.` : ""}
        </p>
      ) : null}
      <button type="submit" className="button primary" disabled={busy || key.trim() === ""}>
        {busy ? "Signing in…" : "Sign in"}
      </button>
      <p className="muted small">
        Create a key on a machine with access: <code>npx bytelab keys create --name me --scope admin</code>.
        The key is kept in an HTTP-only cookie for 30 days; sign out from the top bar.
      </p>
    </form>
  );
}
