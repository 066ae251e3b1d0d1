"use client";

import { RUN_STATUSES, type RunStatusName, sweepListSchema } from "@bytelab/service/schemas";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useId, useRef, useState } from "react";
import { fetchJson } from "../../lib/client/fetch-json";
import { ARCHITECTURES, PAGE_SIZES, type RunsView, runsHref, withView } from "./view-state";

/**
 * Filters of the runs table: status and architecture (apply at once), sweep, name, config key=value filters
 * (the API's `config`; all must hold), page size. A GET form: without JavaScript it still works; with it,
 * the view goes into the URL and the table updates without a full reload.
 */
export function RunsFilters(props: { view: RunsView; configKeys: string[] }) {
  const router = useRouter();
  // Sweep suggestions are read when the field is first focused: the table does not wait for them.
  const [sweeps, setSweeps] = useState<{ id: string; name: string }[] | null>(null);
  const loadSweeps = () => {
    if (sweeps !== null) return;
    setSweeps([]);
    fetchJson("/api/v1/sweeps?limit=100", sweepListSchema)
      .then((list) => setSweeps(list.sweeps.map((s) => ({ id: s.id, name: s.name }))))
      .catch(() => setSweeps([]));
  };
  const form = useRef<HTMLFormElement>(null);
  const ids = useId();
  const { view } = props;

  const apply = (extra: Partial<RunsView> = {}) => {
    const el = form.current;
    if (!el) return;
    const data = new FormData(el);
    const strings = (name: string) =>
      data
        .getAll(name)
        .map((v) => String(v).trim())
        .filter(Boolean);
    const next = withView(view, {
      status: strings("status") as RunStatusName[],
      architecture: strings("architecture"),
      sweep: strings("sweep")[0] ?? null,
      q: strings("q")[0] ?? null,
      config: [...new Set(strings("config"))],
      limit: Number(strings("limit")[0] ?? view.limit),
      ...extra,
    });
    router.push(runsHref(next));
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    apply();
  };

  return (
    <form ref={form} className="runs-filters card" action="/runs" method="get" onSubmit={onSubmit}>
      <fieldset>
        <legend>Status</legend>
        {RUN_STATUSES.map((s) => (
          <label key={s} className="check">
            <input
              type="checkbox"
              name="status"
              value={s}
              defaultChecked={view.status.includes(s)}
              onChange={() => apply()}
            />
            {s.toLowerCase()}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Architecture</legend>
        {ARCHITECTURES.map((a) => (
          <label key={a} className="check">
            <input
              type="checkbox"
              name="architecture"
              value={a}
              defaultChecked={view.architecture.includes(a)}
              onChange={() => apply()}
            />
            {a}
          </label>
        ))}
      </fieldset>
      <div className="filter-fields">
        <label>
          Sweep
          <input
            name="sweep"
            list={`${ids}-sweeps`}
            defaultValue={view.sweep ?? ""}
            placeholder="id or name"
            size={16}
            onFocus={loadSweeps}
          />
          <datalist id={`${ids}-sweeps`}>
            {(sweeps ?? []).map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </datalist>
        </label>
        <label>
          Name contains
          <input name="q" defaultValue={view.q ?? ""} size={14} />
        </label>
        <label>
          Config filter
          <input
            name="config"
            list={`${ids}-keys`}
            placeholder="optimizer.lr=0.003"
            pattern="[A-Za-z_]\w*(\.\w+)*=.*"
            title="key=value on a dotted config key, e.g. optimizer.lr=0.003"
            size={20}
          />
          <datalist id={`${ids}-keys`}>
            {props.configKeys.map((k) => (
              <option key={k} value={`${k}=`} />
            ))}
          </datalist>
        </label>
        <label>
          Per page
          <select name="limit" defaultValue={String(view.limit)} onChange={() => apply()}>
            {PAGE_SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="button primary">
          Apply
        </button>
        <Link href="/runs" className="button">
          Reset
        </Link>
      </div>
      {view.config.length > 0 ? (
        <ul className="filter-chips" aria-label="config filters">
          {view.config.map((c) => (
            <li key={c}>
              <input type="hidden" name="config" value={c} />
              <code>{c}</code>
              <button
                type="button"
                className="chip-remove"
                aria-label={`Remove config filter ${c}`}
                onClick={() =>
                  router.push(runsHref(withView(view, { config: view.config.filter((x) => x !== c) })))
                }
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </form>
  );
}
