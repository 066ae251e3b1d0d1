"use client";

import { isPlainObject } from "@bytelab/experiments/spec";
import { useEffect, useState } from "react";
import { FieldIssues, invalidProps } from "./field-issues";
import { GroupIssues } from "./fields";
import { useSpecForm } from "./form-context";
import { pathKey } from "./spec-paths";
import { listText, parseList, sameJson } from "./spec-values";

interface Row {
  key: string;
  values: string;
}

function rowsOf(grid: unknown): Row[] {
  if (!isPlainObject(grid)) return [];
  return Object.entries(grid).map(([key, values]) => ({ key, values: listText(values) }));
}

/** Rows as the grid object; a row whose values do not parse keeps its text (and its error). */
function gridOf(rows: Row[]): { grid: Record<string, unknown>; errors: Map<number, string> } {
  const grid: Record<string, unknown> = {};
  const errors = new Map<number, string>();
  rows.forEach((r, i) => {
    const parsed = parseList(r.values);
    if (!parsed.ok) errors.set(i, parsed.error);
    else if (r.key in grid) errors.set(i, `"${r.key}" is listed twice; give each key one row`);
    grid[r.key] = parsed.ok ? (parsed.value ?? []) : r.values;
  });
  return { grid, errors };
}

/**
 * The parameter grid of a sweep: dotted config keys ("optimizer.lr", "model.dim") and the values each takes;
 * every combination is trained. Random search and explicit points: the editor tab.
 */
export function GridSection() {
  const form = useSpecForm();
  const params = isPlainObject(form.spec.parameters) ? form.spec.parameters : {};
  const external = params.grid;
  const [rows, setRows] = useState<Row[]>(() => rowsOf(external));
  useEffect(() => {
    setRows((current) => (sameJson(gridOf(current).grid, external ?? {}) ? current : rowsOf(external)));
  }, [external]);

  const { errors } = gridOf(rows);
  const commit = (next: Row[]) => {
    setRows(next);
    const { grid, errors: problems } = gridOf(next);
    form.setInputError(["parameters", "grid"], problems.size > 0 ? [...problems.values()].join("; ") : null);
    const rest = { ...params };
    if (next.length === 0) delete rest.grid;
    else rest.grid = grid;
    form.set(["parameters"], Object.keys(rest).length === 0 ? undefined : rest);
  };
  return (
    <fieldset className="form-section">
      <legend>Parameters (grid)</legend>
      <GroupIssues path={["parameters"]} />
      <GroupIssues path={["parameters", "grid"]} />
      {rows.length === 0 ? (
        <p className="empty">No parameters varied: each architecture trains once per seed.</p>
      ) : (
        <div className="grid-rows">
          {rows.map((row, i) => {
            const keyIssues = form.issues.get(pathKey(["parameters", "grid", row.key])) ?? [];
            const id = `grid-${i}`;
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place; their key text changes
              <div key={i} className="grid-row">
                <label className="field">
                  <span>key</span>
                  <input
                    type="text"
                    value={row.key}
                    placeholder="optimizer.lr"
                    spellCheck={false}
                    onChange={(e) =>
                      commit(rows.map((r, k) => (k === i ? { ...r, key: e.target.value } : r)))
                    }
                    {...invalidProps(`${id}-issues`, keyIssues)}
                  />
                </label>
                <label className="field grow">
                  <span>values</span>
                  <input
                    type="text"
                    value={row.values}
                    placeholder="1e-3, 3e-3"
                    spellCheck={false}
                    onChange={(e) =>
                      commit(rows.map((r, k) => (k === i ? { ...r, values: e.target.value } : r)))
                    }
                    aria-invalid={errors.has(i) || keyIssues.length > 0 ? true : undefined}
                  />
                </label>
                <button
                  type="button"
                  className="button small"
                  aria-label={`Remove parameter ${row.key || i + 1}`}
                  onClick={() => commit(rows.filter((_, k) => k !== i))}
                >
                  Remove
                </button>
                <div className="grid-row-issues">
                  {errors.has(i) ? <p className="field-error">{errors.get(i)}</p> : null}
                  <FieldIssues id={`${id}-issues`} issues={keyIssues} />
                </div>
              </div>
            );
          })}
        </div>
      )}
      <button type="button" className="button" onClick={() => commit([...rows, { key: "", values: "" }])}>
        Add parameter
      </button>
      <p className="hint">
        Values: a list (<code>1e-3, 3e-3</code>) or <code>{"{ logspace: [1e-4, 1e-2, 5] }"}</code>. Keys are
        dotted config paths; <code>model.*</code> goes into each model config.
      </p>
    </fieldset>
  );
}
