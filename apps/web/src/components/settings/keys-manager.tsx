"use client";

import type { ApiKeyJson, ApiKeyList, ApiScope, CreatedApiKey } from "@bytelab/service/schemas";
import { useId, useState } from "react";
import { type ApiFailure, api, describeFailure } from "../forms/api";
import { ConfirmDialog } from "../forms/confirm-dialog";
import { timestamp } from "../sweeps/format";
import { SecretOnce } from "./secret-once";

const SCOPES: Array<{ value: ApiScope; label: string }> = [
  { value: "read", label: "read: every GET (dashboards, status, reports)" },
  { value: "write", label: "write: also submit, cancel, re-run, verdicts (CI)" },
  { value: "admin", label: "admin: also create and revoke API keys" },
];

/** API keys: the list, a create form (the secret shown once), revoke with confirmation. */
export function KeysManager({ initial }: { initial: ApiKeyJson[] }) {
  const [keys, setKeys] = useState(initial);
  const [name, setName] = useState("");
  const [scope, setScope] = useState<ApiScope>("write");
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [revoking, setRevoking] = useState<ApiKeyJson | null>(null);
  const [revokeBusy, setRevokeBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const nameErrorId = useId();
  const nameError = failure?.details.find((d) => d.path === "body.name" || d.path === "name") ?? null;

  async function reload() {
    const r = await api<ApiKeyList>("/keys");
    if (r.ok) setKeys(r.data.keys);
  }

  return (
    <>
      <section className="card section" aria-labelledby="create-key">
        <h2 id="create-key">Create a key</h2>
        <form
          className="form row-form"
          onSubmit={async (e) => {
            e.preventDefault();
            setBusy(true);
            setFailure(null);
            setNotice(null);
            const r = await api<CreatedApiKey>("/keys", { body: { name: name.trim(), scopes: [scope] } });
            setBusy(false);
            if (!r.ok) {
              setFailure(r.error);
              return;
            }
            setCreated(r.data);
            setName("");
            await reload();
          }}
        >
          <label className="field">
            <span>name</span>
            <input
              type="text"
              name="name"
              value={name}
              placeholder="github-ci"
              maxLength={100}
              onChange={(e) => setName(e.target.value)}
              aria-invalid={nameError ? true : undefined}
              aria-describedby={nameError ? nameErrorId : undefined}
            />
            {nameError ? (
              <span id={nameErrorId} className="field-error">
                {nameError.issue}
              </span>
            ) : null}
          </label>
          <label className="field">
            <span>scope</span>
            <select name="scope" value={scope} onChange={(e) => setScope(e.target.value as ApiScope)}>
              {SCOPES.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className="button primary" disabled={busy || name.trim() === ""}>
            {busy ? "Creating…" : "Create key"}
          </button>
        </form>
        {failure && !nameError ? (
          <div className="notice error" role="alert">
            {describeFailure(failure)}
          </div>
        ) : null}
        {created ? <SecretOnce created={created} onDone={() => setCreated(null)} /> : null}
      </section>

      {notice ? (
        <div className="notice success" role="status">
          {notice}
        </div>
      ) : null}

      <section className="card section" aria-labelledby="keys-heading">
        <h2 id="keys-heading">Keys</h2>
        {keys.length === 0 ? (
          <p className="empty">
            No API keys yet: create one above (or with <code>npx bytelab keys create</code>).
          </p>
        ) : (
          <div className="table-wrap">
            <table className="keys-table">
              <thead>
                <tr>
                  <th scope="col">name</th>
                  <th scope="col">prefix</th>
                  <th scope="col">scopes</th>
                  <th scope="col">created</th>
                  <th scope="col">last used</th>
                  <th scope="col">state</th>
                  <th scope="col">
                    <span className="visually-hidden">actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {keys.map((k) => (
                  <tr key={k.id} data-key-id={k.id} className={k.revokedAt ? "revoked" : undefined}>
                    <td>{k.name}</td>
                    <td>
                      <code>{k.prefix}</code>
                    </td>
                    <td>{k.scopes.join(", ")}</td>
                    <td className="nowrap">{timestamp(k.createdAt)}</td>
                    <td className="nowrap">{k.lastUsedAt ? timestamp(k.lastUsedAt) : "never"}</td>
                    <td>
                      {k.revokedAt ? (
                        <span className="badge bad-badge" title={`revoked ${timestamp(k.revokedAt)}`}>
                          revoked
                        </span>
                      ) : (
                        <span className="badge ok-badge">active</span>
                      )}
                    </td>
                    <td>
                      {k.revokedAt ? null : (
                        <button
                          type="button"
                          className="button small danger"
                          onClick={() => setRevoking(k)}
                          aria-label={`Revoke key ${k.name}`}
                        >
                          Revoke
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <ConfirmDialog
        open={revoking !== null}
        busy={revokeBusy}
        danger
        title={`Revoke key ${revoking?.name ?? ""}?`}
        confirmLabel="Revoke key"
        onCancel={() => setRevoking(null)}
        onConfirm={async () => {
          if (!revoking) return;
          setRevokeBusy(true);
          const r = await api<ApiKeyJson>(`/keys/${encodeURIComponent(revoking.id)}`, { method: "DELETE" });
          setRevokeBusy(false);
          if (r.ok) setNotice(`Key ${r.data.name} (${r.data.prefix}) is revoked: it stops working at once.`);
          else setFailure(r.error);
          setRevoking(null);
          await reload();
        }}
      >
        <p>
          Every client using <code>{revoking?.prefix}</code> gets 401 from now on. This cannot be undone;
          create a new key to replace it.
        </p>
      </ConfirmDialog>
    </>
  );
}
