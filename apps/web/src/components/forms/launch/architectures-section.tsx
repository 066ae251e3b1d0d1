"use client";

import { ARCHITECTURES } from "@bytelab/experiments/spec";
import { useState } from "react";
import { GroupIssues, SpecInput, SpecSelect } from "./fields";
import { useSpecForm } from "./form-context";
import { entryLabel } from "./issues";
import { formatText, parseObject, parseText } from "./parsers";
import { entryObject, type SpecTemplate, templateArchitectures } from "./spec-model";
import { fragmentText } from "./spec-values";

const ARCH_HINTS: Record<(typeof ARCHITECTURES)[number], string> = {
  transformer: "flat byte Transformer (the baseline)",
  hourglass: "Hourglass: fixed shortening",
  hnet: "H-Net: learned dynamic chunking",
  megabyte: "MEGABYTE: fixed patches",
};

/** The architectures of a sweep or ladder: presets to add, and per entry its architecture, name and model. */
export function ArchitecturesSection({ templates }: { templates: readonly SpecTemplate[] }) {
  const form = useSpecForm();
  const entries = Array.isArray(form.spec.architectures) ? form.spec.architectures : [];
  const presets = [
    ...ARCHITECTURES.map((a) => ({
      label: `${a}: small defaults (${ARCH_HINTS[a]})`,
      entry: { architecture: a } as Record<string, unknown>,
    })),
    ...templateArchitectures(templates).map((p) => ({ label: p.label, entry: p.entry })),
  ];
  const [preset, setPreset] = useState("0");
  return (
    <fieldset className="form-section">
      <legend>Architectures</legend>
      <GroupIssues path={["architectures"]} />
      {entries.length === 0 ? <p className="empty">No architecture yet: add one below.</p> : null}
      <ol className="entry-list">
        {entries.map((entry, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: entries are identified by their position in the spec
          <li key={i} className="entry" aria-label={`architecture ${i + 1}: ${entryLabel(entry, i)}`}>
            <div className="entry-head">
              <strong>
                {i + 1}. {entryLabel(entry, i)}
              </strong>
              <button
                type="button"
                className="button small"
                aria-label={`Remove architecture ${i + 1} (${entryLabel(entry, i)})`}
                onClick={() => form.set(["architectures", i], undefined)}
              >
                Remove
              </button>
            </div>
            <GroupIssues path={["architectures", i]} />
            <div className="form-grid">
              <SpecSelect
                path={["architectures", i, "architecture"]}
                label="architecture"
                options={ARCHITECTURES.map((a) => ({ value: a, label: a }))}
                hint={ARCH_HINTS[String(entryObject(entry).architecture) as (typeof ARCHITECTURES)[number]]}
                onSelect={(a) => form.set(["architectures", i], { ...entryObject(entry), architecture: a })}
              />
              <SpecInput
                path={["architectures", i, "name"]}
                label="name (needed when listed twice)"
                parse={parseText}
                format={formatText}
                placeholder={String(entryObject(entry).architecture ?? "")}
              />
            </div>
            <SpecInput
              path={["architectures", i, "model"]}
              label="model config (YAML or JSON; empty = the model defaults)"
              parse={parseObject}
              format={fragmentText}
              multiline
              rows={2}
              placeholder="{ }  (e.g. n_layer: 2)"
            />
          </li>
        ))}
      </ol>
      <div className="add-row">
        <label className="field grow">
          <span>add an architecture</span>
          <select value={preset} onChange={(e) => setPreset(e.target.value)}>
            {presets.map((p, i) => (
              <option key={p.label} value={String(i)}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="button"
          onClick={() => {
            const chosen = presets[Number(preset)];
            if (chosen) form.set(["architectures", entries.length], structuredClone(chosen.entry));
          }}
        >
          Add
        </button>
      </div>
    </fieldset>
  );
}
