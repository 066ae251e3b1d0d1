"use client";

import type { RunRow, RunSortKey } from "@bytelab/service/schemas";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import { runKeys, stableJson } from "../../lib/series/flatten";
import { formatBpb, formatConfigValue, formatInt } from "../../lib/series/format";
import { RUN_COLUMNS } from "./columns";
import { compareHref, defaultOrder, type RunsView, runsHref, withView } from "./view-state";

interface Group {
  key: string;
  label: string;
  rows: RunRow[];
}

/** The page's rows grouped by one config key (in order of first appearance); one group of all without a key. */
function groupRows(rows: readonly RunRow[], key: string | null): Group[] {
  if (!key) return [{ key: "", label: "", rows: [...rows] }];
  const groups = new Map<string, Group>();
  for (const r of rows) {
    const value = runKeys(r)[key];
    const id = stableJson(value ?? null);
    let g = groups.get(id);
    if (!g) {
      g = {
        key: id,
        label: `${key} = ${value === undefined ? "(not set)" : formatConfigValue(value)}`,
        rows: [],
      };
      groups.set(id, g);
    }
    g.rows.push(r);
  }
  return [...groups.values()];
}

function mean(values: readonly (number | null)[]): number | null {
  const v = values.filter((x): x is number => x !== null);
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
}

/**
 * The runs table: a real <table>; sortable headers are buttons (server-side sort: the URL changes, the
 * server answers the sorted page); rows grouped by a config key on request; a labelled checkbox per row and
 * "Compare N runs" for the selection (kept while paging).
 */
export function RunsTable(props: { rows: RunRow[]; view: RunsView; configKeys: string[] }) {
  const router = useRouter();
  const { view } = props;
  const [selected, setSelected] = useState<string[]>([]);
  const groups = useMemo(() => groupRows(props.rows, view.group), [props.rows, view.group]);
  const selectedSet = new Set(selected);
  const pageIds = props.rows.map((r) => r.id);
  const allOnPage = pageIds.length > 0 && pageIds.every((id) => selectedSet.has(id));

  const toggle = (ids: readonly string[], on: boolean) =>
    setSelected((cur) => (on ? [...new Set([...cur, ...ids])] : cur.filter((id) => !ids.includes(id))));
  const sortBy = (sort: RunSortKey) => {
    const order = view.sort === sort ? (view.order === "asc" ? "desc" : "asc") : defaultOrder(sort);
    router.push(runsHref(withView(view, { sort, order })));
  };

  return (
    <div className="runs-table-block">
      <div className="runs-toolbar">
        <label>
          Group by{" "}
          <select
            value={view.group ?? ""}
            onChange={(e) =>
              router.push(runsHref({ ...view, group: e.target.value || null }), { scroll: false })
            }
          >
            <option value="">(no grouping)</option>
            {props.configKeys.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <span className="muted" aria-live="polite">
          {selected.length > 0 ? `${formatInt(selected.length)} selected` : "Select runs to compare them"}
        </span>
        {selected.length > 0 ? (
          <>
            <Link className="button primary" href={compareHref(selected)}>
              Compare {formatInt(selected.length)} run{selected.length === 1 ? "" : "s"}
            </Link>
            <button type="button" className="button" onClick={() => setSelected([])}>
              Clear selection
            </button>
          </>
        ) : null}
      </div>
      <div className="table-scroll">
        <table className="runs-table">
          <caption className="visually-hidden">
            Runs, sorted by {view.sort} {view.order === "asc" ? "ascending" : "descending"}
          </caption>
          <thead>
            <tr>
              <th scope="col" className="select-cell">
                <input
                  type="checkbox"
                  aria-label="Select every run on this page"
                  checked={allOnPage}
                  onChange={(e) => toggle(pageIds, e.target.checked)}
                />
              </th>
              {RUN_COLUMNS.map((c) => {
                const active = c.sort !== undefined && view.sort === c.sort;
                return (
                  <th
                    key={c.id}
                    scope="col"
                    className={c.numeric ? "num" : undefined}
                    aria-sort={active ? (view.order === "asc" ? "ascending" : "descending") : undefined}
                    title={c.title}
                  >
                    {c.sort ? (
                      <button type="button" className="sort-button" onClick={() => sortBy(c.sort!)}>
                        {c.label}
                        <span aria-hidden="true" className="sort-mark">
                          {active ? (view.order === "asc" ? " ▲" : " ▼") : ""}
                        </span>
                      </button>
                    ) : (
                      c.label
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          {groups.map((g) => {
            const ids = g.rows.map((r) => r.id);
            const all = ids.every((id) => selectedSet.has(id));
            return (
              <tbody key={g.key}>
                {view.group ? (
                  <tr className="group-row">
                    <th scope="rowgroup" colSpan={RUN_COLUMNS.length + 1}>
                      <label>
                        <input
                          type="checkbox"
                          checked={all}
                          aria-label={`Select the ${g.rows.length} runs of ${g.label}`}
                          onChange={(e) => toggle(ids, e.target.checked)}
                        />{" "}
                        {g.label}
                      </label>{" "}
                      <span className="muted">
                        {g.rows.length} run{g.rows.length === 1 ? "" : "s"} · mean best val bpb{" "}
                        {formatBpb(mean(g.rows.map((r) => r.bestValBpb)))}
                      </span>
                    </th>
                  </tr>
                ) : null}
                {g.rows.map((r) => (
                  <tr key={r.id} className={selectedSet.has(r.id) ? "selected" : undefined}>
                    <td className="select-cell">
                      <input
                        type="checkbox"
                        aria-label={`Select run ${r.name}`}
                        checked={selectedSet.has(r.id)}
                        onChange={(e) => toggle([r.id], e.target.checked)}
                      />
                    </td>
                    {RUN_COLUMNS.map((c) => (
                      <td key={c.id} className={c.numeric ? "num" : undefined}>
                        {c.cell(r)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            );
          })}
        </table>
      </div>
    </div>
  );
}
