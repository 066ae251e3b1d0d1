"use client";

import { SIZE_PRESETS } from "@bytelab/experiments/spec";
import { BudgetField } from "./budget-fields";
import { GroupIssues, SpecInput } from "./fields";
import { useSpecForm } from "./form-context";
import { listText, parseList } from "./spec-values";

/** A ladder's model sizes and compute budgets (every architecture trains at each size and budget). */
export function LadderSection() {
  const form = useSpecForm();
  const budgets = Array.isArray(form.spec.budgets) ? form.spec.budgets : [];
  return (
    <fieldset className="form-section">
      <legend>Sizes and budgets</legend>
      <SpecInput
        path={["sizes"]}
        label="sizes"
        parse={parseList}
        format={listText}
        placeholder="xs, s, m"
        hint={`Presets: ${Object.entries(SIZE_PRESETS)
          .map(([name, s]) => `${name} (width ×${s.width}, depth ×${s.depth})`)
          .join(", ")}; or { name: big, width: 2, depth: 1 }.`}
      />
      <GroupIssues path={["budgets"]} />
      <ol className="entry-list compact">
        {budgets.map((_, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: budgets are identified by their position in the spec
          <li key={i} className="entry">
            <div className="budget-line">
              <BudgetField path={["budgets", i]} label={`budget ${i + 1}`} />
              <button
                type="button"
                className="button small"
                aria-label={`Remove budget ${i + 1}`}
                onClick={() => form.set(["budgets", i], undefined)}
              >
                Remove
              </button>
            </div>
          </li>
        ))}
      </ol>
      <button
        type="button"
        className="button"
        onClick={() => {
          const last = budgets.at(-1) as { flops?: number } | undefined;
          form.set(["budgets", budgets.length], { flops: (last?.flops ?? 1e11) * 3 });
        }}
      >
        Add budget
      </button>
    </fieldset>
  );
}
