"use client";

import { PRIORITY_LEVELS, SPEC_KINDS, type SpecKind } from "@bytelab/experiments/spec";
import { SpecCheckbox, SpecInput, SpecSelect } from "./fields";
import { useSpecForm } from "./form-context";
import { formatText, parseList, parseNumber, parseText } from "./parsers";
import { convertKind, specKind as kindOf } from "./spec-model";
import { listText, textFromNumber } from "./spec-values";

const KIND_HINTS: Record<SpecKind, string> = {
  sweep: "architectures × parameters × seeds, one budget",
  ablation: "a baseline and variants that each change a few keys",
  ladder: "architectures × model sizes × budgets: scaling curves",
};

/** Kind, name, description, model defaults, seeds, priority, repeat. */
export function CommonSection() {
  const form = useSpecForm();
  return (
    <fieldset className="form-section">
      <legend>Experiment</legend>
      <div className="form-grid">
        <SpecSelect
          path={["kind"]}
          label="kind"
          options={SPEC_KINDS.map((k) => ({ value: k, label: k }))}
          onSelect={(k) => form.set([], convertKind(form.spec, k as SpecKind))}
          hint={KIND_HINTS[kindOf(form.spec)]}
        />
        <SpecInput
          path={["name"]}
          label="name"
          parse={parseText}
          format={formatText}
          placeholder="arch-compare"
        />
        <SpecSelect
          path={["modelDefaults"]}
          label="model defaults"
          emptyLabel="small (default)"
          options={[
            { value: "small", label: "small" },
            { value: "reference", label: "reference" },
          ]}
          hint="small: bytelab train's ~1M-parameter models; reference: the model schemas' own (large). An empty model config takes these."
        />
        <SpecInput
          path={["seeds"]}
          label="seeds"
          parse={parseList}
          format={listText}
          placeholder="0, 1, 2"
          hint="A list (0, 1, 2) or { count: 3, start: 0 }."
        />
        <SpecSelect
          path={["priority"]}
          label="priority"
          emptyLabel="normal (default)"
          options={Object.entries(PRIORITY_LEVELS).map(([name, value]) => ({
            value: name,
            label: `${name} (${value})`,
          }))}
        />
        <SpecCheckbox path={["repeat"]} label="repeat: train configs again even if they already have a run" />
      </div>
      <SpecInput
        path={["description"]}
        label="description"
        parse={parseText}
        format={formatText}
        multiline
        rows={2}
        placeholder="What this compares and why."
      />
    </fieldset>
  );
}

/** The training config every run shares (`base`): the common keys; the rest through the editor tab. */
export function BaseSection() {
  return (
    <fieldset className="form-section">
      <legend>Training (base)</legend>
      <div className="form-grid">
        <SpecInput
          path={["base", "dataset"]}
          label="dataset"
          parse={parseText}
          format={formatText}
          placeholder="brown"
          hint="brown (offline), code, enwik8, text8, file:<path>"
        />
        <SpecInput
          path={["base", "seqLen"]}
          label="sequence length (bytes)"
          parse={parseNumber}
          format={textFromNumber}
          placeholder="128"
        />
        <SpecInput
          path={["base", "batchSize"]}
          label="batch size"
          parse={parseNumber}
          format={textFromNumber}
          placeholder="16"
        />
        <SpecInput
          path={["base", "optimizer", "lr"]}
          label="learning rate"
          parse={parseNumber}
          format={textFromNumber}
          placeholder="3e-3"
        />
        <SpecInput
          path={["base", "eval", "interval"]}
          label="eval every (steps)"
          parse={parseNumber}
          format={textFromNumber}
          placeholder="100"
        />
      </div>
      <p className="hint">
        Other training keys (schedule, checkpoints, …): edit them in the YAML / JSON tab.
      </p>
    </fieldset>
  );
}
