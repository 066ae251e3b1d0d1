"use client";

import { ARCHITECTURES } from "@bytelab/experiments/spec";
import { BudgetField } from "./budget-fields";
import { GroupIssues, SpecInput, SpecSelect } from "./fields";
import { useSpecForm } from "./form-context";
import { formatText, parseObject, parseText } from "./parsers";
import { fragmentText } from "./spec-values";

/** An ablation: the baseline (architecture and model in `base`) and its variants, each changing a few keys. */
export function AblationSection() {
  const form = useSpecForm();
  const variants = Array.isArray(form.spec.variants) ? form.spec.variants : [];
  return (
    <>
      <fieldset className="form-section">
        <legend>Baseline</legend>
        <div className="form-grid">
          <SpecSelect
            path={["base", "architecture"]}
            label="architecture"
            options={ARCHITECTURES.map((a) => ({ value: a, label: a }))}
          />
          <SpecInput
            path={["baselineName"]}
            label="baseline name"
            parse={parseText}
            format={formatText}
            placeholder="baseline"
          />
        </div>
        <SpecInput
          path={["base", "model"]}
          label="model config (YAML or JSON; empty = the model defaults)"
          parse={parseObject}
          format={fragmentText}
          multiline
          rows={4}
        />
        <BudgetField path={["budget"]} label="budget" optional />
      </fieldset>
      <fieldset className="form-section">
        <legend>Variants</legend>
        <GroupIssues path={["variants"]} />
        <ol className="entry-list">
          {variants.map((_, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: variants are identified by their position in the spec
            <li key={i} className="entry" aria-label={`variant ${i + 1}`}>
              <div className="entry-head">
                <strong>variant {i + 1}</strong>
                <button
                  type="button"
                  className="button small"
                  aria-label={`Remove variant ${i + 1}`}
                  onClick={() => form.set(["variants", i], undefined)}
                >
                  Remove
                </button>
              </div>
              <GroupIssues path={["variants", i]} />
              <div className="form-grid">
                <SpecInput
                  path={["variants", i, "name"]}
                  label="name"
                  parse={parseText}
                  format={formatText}
                />
                <SpecInput
                  path={["variants", i, "description"]}
                  label="description (optional)"
                  parse={parseText}
                  format={formatText}
                />
              </div>
              <SpecInput
                path={["variants", i, "set"]}
                label="set: dotted keys and their new values (YAML or JSON)"
                parse={parseObject}
                format={fragmentText}
                multiline
                rows={3}
                placeholder='{ "model.ratio_loss.weight": 0 }'
              />
            </li>
          ))}
        </ol>
        <button
          type="button"
          className="button"
          onClick={() =>
            form.set(["variants", variants.length], { name: `variant-${variants.length + 1}`, set: {} })
          }
        >
          Add variant
        </button>
      </fieldset>
    </>
  );
}
