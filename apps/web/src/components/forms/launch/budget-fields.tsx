"use client";

import { isPlainObject, type PathSegment } from "@bytelab/experiments/spec";
import { GroupIssues, SpecInput } from "./fields";
import { useField } from "./form-context";
import { BUDGET_KINDS } from "./issues";
import { parseNumber } from "./parsers";
import { textFromNumber } from "./spec-values";

type BudgetKind = (typeof BUDGET_KINDS)[number];

const KIND_LABELS: Record<BudgetKind, string> = {
  flops: "training FLOPs (equal compute)",
  bytes: "training bytes",
  steps: "optimizer steps",
};

function kindOf(value: unknown): BudgetKind | null {
  if (!isPlainObject(value)) return null;
  return BUDGET_KINDS.find((k) => value[k] !== undefined) ?? null;
}

/** One budget: what it counts (FLOPs, bytes, steps) and how many. `optional`: "no budget" is offered. */
export function BudgetField({
  path,
  label,
  optional = false,
}: {
  path: readonly PathSegment[];
  label: string;
  optional?: boolean;
}) {
  const field = useField(path);
  const kind = kindOf(field.value);
  const value = kind && isPlainObject(field.value) ? field.value[kind] : undefined;
  return (
    <div className="budget-field" data-spec-path={path.join(".")}>
      <div className="budget-row">
        <div className="field">
          <label htmlFor={`${field.id}-kind`} className="field-label">
            {label}
          </label>
          <select
            id={`${field.id}-kind`}
            value={kind ?? ""}
            onChange={(e) => {
              const k = e.target.value as BudgetKind | "";
              field.set(
                k === "" ? undefined : { [k]: value ?? (k === "steps" ? 1000 : k === "bytes" ? 1e6 : 1e12) },
              );
            }}
          >
            {optional ? <option value="">none (base.steps or 1000 steps)</option> : null}
            {BUDGET_KINDS.map((k) => (
              <option key={k} value={k}>
                {KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </div>
        {kind ? (
          <SpecInput
            key={kind}
            path={[...path, kind]}
            label={`${kind} per run`}
            parse={parseNumber}
            format={textFromNumber}
            placeholder={kind === "flops" ? "1e12" : kind === "bytes" ? "1e6" : "1000"}
          />
        ) : null}
      </div>
      <GroupIssues path={path} />
    </div>
  );
}
