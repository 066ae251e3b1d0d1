import { deref, type JsonSchema } from "./json-schema";
import { cell, code, type FieldRow, fieldRows, fieldTable, generatedHeader, slug, table } from "./markdown";
import { ARCHITECTURES, loadSchemas, type Schemas, SIZE_PRESETS } from "./schemas";

export const SPEC_REF_PATH = "docs/reference/spec.md";

interface Named {
  title: string;
  node: JsonSchema;
  intro: string;
}

/**
 * docs/reference/spec.md: every key of the three spec kinds, their nested types and the training config
 * (`base`), from the zod schemas of @bytelab/experiments and @bytelab/train.
 */
export function renderSpecReference(): string {
  const s = loadSchemas();
  const named = namedTypes(s);
  // `seeds` (a list or a `{ start, count }` object) reads better as one hand-written type in every table.
  const types = fieldTypes(named, deref(s.sweep.properties!.seeds!, s.sweep));
  const kinds = kindRows(s, types);
  const out: string[] = [
    ...overviewSection(kinds),
    ...kindSections(s.sweep, kinds),
    ...namedSections(s, named, types),
    ...trainingSection(s.train),
    ...modelSection(),
    ...rulesSection(),
  ];
  return `${out
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim()}\n`;
}

/** The nested types that get a section of their own (and that tables link to instead of flattening). */
function namedTypes({ sweep, ablation, ladder }: Schemas): Named[] {
  const sp = sweep.properties!;
  const entry = deref(sp.architectures!.items as JsonSchema, sweep);
  const parameters = deref(sp.parameters!, sweep);
  const random = deref(parameters.properties!.random!, sweep);
  const distribution = deref(random.properties!.space!.additionalProperties as JsonSchema, sweep);
  const budget = deref(sp.budget!, sweep);
  const seeds = deref(sp.seeds!, sweep);
  const seedsObject = seeds.anyOf!.map((b) => deref(b, sweep)).find((b) => b.properties)!;
  const asha = deref(sp.earlyStopping!, sweep);
  const variant = deref(ablation.properties!.variants!.items as JsonSchema, ablation);
  const size = deref(ladder.properties!.sizes!.items as JsonSchema, ladder);
  const gridAxis = deref(parameters.properties!.grid!.additionalProperties as JsonSchema, sweep);
  const logspace = gridAxis.anyOf!.map((b) => deref(b, sweep)).find((b) => b.properties)!;

  return [
    {
      title: "Architecture entry",
      node: entry,
      intro:
        "An item of `architectures` (sweep, ladder). A bare name (`hnet`) is `{ architecture: hnet }`. `model` holds the keys of that architecture's model config (the [architecture pages](../architectures/README.md) list them); `train` overrides training keys for this entry only.",
    },
    {
      title: "Parameters",
      node: parameters,
      intro:
        "What a sweep varies, spec-wide or per architecture entry. The configurations are `grid` (cartesian product) x (`random` points, then `list` points); a missing block contributes one empty assignment. Keys are dotted config paths: `optimizer.lr`, `seqLen`, `model.d_model` (`model.*` goes into the model config, anything else into the training config).",
    },
    {
      title: "Random search",
      node: random,
      intro:
        "`parameters.random`: `count` points drawn from `space`; the same `seed` always draws the same points.",
    },
    {
      title: "Distribution",
      node: distribution,
      intro: "A value of `parameters.random.space`: exactly one of these keys.",
    },
    {
      title: "Grid axis logspace",
      node: logspace,
      intro:
        "A value of `parameters.grid` is a list of values, or this object (count values spaced evenly in log scale).",
    },
    {
      title: "Budget",
      node: budget,
      intro:
        "Compute per run: exactly one key. `flops` compares architectures at equal training compute (see [concepts](../guides/concepts.md#budgets-flops-bytes-or-steps)); `bytes` and `steps` fix the data seen instead.",
    },
    {
      title: "Seeds",
      node: seedsObject,
      intro:
        "`seeds` is a list of distinct seeds (`[0, 1, 2]`), or this object for `start, start + 1, ...`. Default `[0]`. Every run config is trained once per seed; several seeds give the confidence intervals of comparisons and verdicts.",
    },
    {
      title: "Early stopping",
      node: asha,
      intro:
        "`earlyStopping`: ASHA with rungs in training FLOPs (see [concepts](../guides/concepts.md#early-stopping-asha-rungs-in-flops)). Rung k sits at `minFlops x eta^k`; at each rung a run continues only if its metric is in the top 1/eta of the runs that reached the rung so far. The metric must be one runs record while training: `val/bpb`, `val/loss`, `train/loss`, `train/bpb`, `train/aux_loss`, `grad_norm`, or an H-Net `stageN/boundary_fraction`, `stageN/ratio_loss`, `stageN/compression`.",
    },
    {
      title: "Variant",
      node: variant,
      intro: "An item of an ablation's `variants`: the baseline with a few keys changed.",
    },
    {
      title: "Ladder size",
      node: size,
      intro: `An item of a ladder's \`sizes\`: a preset name, or an object. Presets: ${Object.entries(
        SIZE_PRESETS,
      )
        .map(([k, v]) => `\`${k}\` (width x${v.width}, depth x${v.depth})`)
        .join(", ")}. Widths grow by heads at a fixed head width; layer counts round to at least 1.`,
    },
  ];
}

// Equal types, whatever the field's own description says.
const bare = ({ description: _d, ...rest }: JsonSchema) => JSON.stringify(rest);
const same = (a: JsonSchema, b: JsonSchema) => bare(a) === bare(b);

/** How the tables write a field's type: links to the named sections, and the types the schema names badly. */
interface FieldTypes {
  linkFor: (node: JsonSchema) => string | undefined;
  special: (key: string, type: string, schema: JsonSchema) => string;
}

function fieldTypes(named: readonly Named[], seeds: JsonSchema): FieldTypes {
  const linkFor = (node: JsonSchema): string | undefined => {
    const hit = named.find((n) => same(n.node, node));
    return hit ? `[${hit.title.toLowerCase()}](#${slug(hit.title)})` : undefined;
  };
  const seedsLink = `list of integer ≥ 0, or [seeds](#seeds) object`;
  /** Types the tables name better than the schema can: seeds, the training and model configs. */
  const special = (key: string, type: string, schema: JsonSchema): string => {
    if (same(schema, seeds)) return seedsLink;
    if (key === "base" || key === "train") return "[training config](#training-config) keys";
    if (key === "model") return "[model config](#model-configs) keys";
    return type;
  };
  return { linkFor, special };
}

/** The rows of the three spec kinds, split into the keys every kind shares and each kind's own keys. */
interface KindRows {
  common: FieldRow[];
  sweep: FieldRow[];
  ablation: FieldRow[];
  ladder: FieldRow[];
}

function kindRows({ sweep, ablation, ladder }: Schemas, { linkFor, special }: FieldTypes): KindRows {
  const rowsOf = (spec: JsonSchema) =>
    fieldRows(spec, { root: spec, linkFor }).map((r) => ({
      ...r,
      type: special(r.key, r.type, r.schema),
      // `kind` may be left out of a sweep (the schema fills it in before validating).
      default: r.key === "kind" && spec === sweep ? '`"sweep"`' : r.default,
    }));
  const sweepRows = rowsOf(sweep);
  const ablationRows = rowsOf(ablation);
  const ladderRows = rowsOf(ladder);
  const inAll = (key: string) =>
    key !== "kind" &&
    [sweepRows, ablationRows, ladderRows].every((rows) => {
      const r = rows.find((x) => x.key === key);
      const first = sweepRows.find((x) => x.key === key);
      return r && first && same(r.schema, first.schema);
    });
  const own = (rows: FieldRow[]) => rows.filter((r) => !inAll(r.key));
  return {
    common: sweepRows.filter((r) => inAll(r.key)),
    sweep: own(sweepRows),
    ablation: own(ablationRows),
    ladder: own(ladderRows),
  };
}

/** A kind's own top-level keys, for the overview table (nested keys are in the kind's section). */
function topKeys(rows: readonly FieldRow[]): string {
  return rows
    .filter((r) => !r.key.includes("."))
    .map((r) => code(r.key))
    .join(", ");
}

/** The page header, what a spec is, editor support, and a table of the three kinds. */
function overviewSection(kinds: KindRows): string[] {
  return [
    generatedHeader(
      "the zod schemas in packages/experiments/src/spec/ and packages/train/src/config.ts (descriptions: `.meta()` or the fields' doc comments)",
    ),
    "",
    "# Spec reference: sweeps, ablations, ladders",
    "",
    "A spec is a YAML or JSON file that `npx bytelab sweep submit FILE` (or the dashboard's launch form, or `POST /api/v1/sweeps`) validates and expands into runs. `kind` picks one of three shapes; unknown keys are refused everywhere, with the closest known key. Every problem is reported as `path: issue (fix: ...)` and nothing is submitted.",
    "",
    `Editors: [spec.schema.json](spec.schema.json) is the same schema as JSON Schema (draft 7). Put \`# yaml-language-server: $schema=<relative path to docs/reference/spec.schema.json>\` on the first line of a YAML spec (the files in [examples/](../../examples) do) for completion and validation in VS Code (Red Hat YAML extension), JetBrains IDEs and Neovim; see [Writing specs](../guides/writing-specs.md#editor-support).`,
    "",
    "| kind | runs | own keys |",
    "| --- | --- | --- |",
    `| [\`sweep\`](#sweep) (default) | architectures x parameter points x seeds | ${topKeys(kinds.sweep)} |`,
    `| [\`ablation\`](#ablation) | (baseline + variants) x seeds | ${topKeys(kinds.ablation)} |`,
    `| [\`ladder\`](#ladder) | architectures x sizes x budgets x seeds | ${topKeys(kinds.ladder)} |`,
    "",
  ];
}

/** The keys every kind shares, then one section per kind with its own keys. */
function kindSections(sweep: JsonSchema, kinds: KindRows): string[] {
  return [
    "## Keys of every kind",
    "",
    fieldTable(kinds.common),
    "",
    "## sweep",
    "",
    sweep.description ? cell(sweep.description) : "",
    "",
    fieldTable(kinds.sweep),
    "",
    "## ablation",
    "",
    "One baseline run config (`base` holds `architecture`, `model` and training keys) plus named variants that each change a few keys; the baseline and every variant run with every seed. `base` may not hold `seed` (use `seeds`).",
    "",
    fieldTable(kinds.ablation),
    "",
    "## ladder",
    "",
    "Architectures x model sizes x compute budgets x seeds, for scaling curves (held-out bits per byte against parameters and training FLOPs). Each architecture entry's model is the base that the sizes scale. Entries may not vary `parameters` (use a sweep).",
    "",
    fieldTable(kinds.ladder),
    "",
  ];
}

/** One section per named type; its own table does not link to itself. */
function namedSections(
  { sweep, ablation, ladder }: Schemas,
  named: readonly Named[],
  types: FieldTypes,
): string[] {
  return named.flatMap((n) => {
    const root = [sweep, ablation, ladder].find((r) => JSON.stringify(r).includes(JSON.stringify(n.node)));
    const rows = fieldRows(n.node, {
      root: root ?? sweep,
      linkFor: (x) => (same(x, n.node) ? undefined : types.linkFor(x)),
    });
    return [
      `## ${n.title}`,
      "",
      n.intro,
      "",
      fieldTable(rows.map((r) => ({ ...r, type: types.special(r.key, r.type, r.schema) }))),
      "",
    ];
  });
}

/** The training config (`base`, `architectures[i].train`), flattened into dotted keys. */
function trainingSection(train: JsonSchema): string[] {
  return [
    "## Training config",
    "",
    "The keys of `base` (every kind) and of `architectures[i].train` (sweep, ladder): @bytelab/train's training config, the same one `bytelab train --config FILE` reads. In `parameters`, `variants[].set` and the CLI they are written as dotted paths (`optimizer.lr`, `eval.interval`). A sweep's or ladder's `base` may not hold `architecture`, `model` or `seed` (they come from `architectures` and `seeds`); an ablation's `base` must hold `architecture` and holds the baseline's `model`.",
    "",
    fieldTable(fieldRows(train, { root: train })),
    "",
  ];
}

/** The model configs are documented on the architecture pages; this section links there. */
function modelSection(): string[] {
  return [
    "## Model configs",
    "",
    `\`model\` (in an architecture entry, an ablation's \`base\`, a ladder size) holds the keys of that architecture's model config; every key is listed with its default and meaning on the architecture's page: ${ARCHITECTURES.map(
      (a) => `[${a}](../architectures/${a}.md#config)`,
    ).join(
      ", ",
    )}. \`modelDefaults\` decides what the keys not given start from: \`small\` (default) = the ~0.5-1M-parameter models of \`bytelab train\`, \`reference\` = the schema's own defaults (the reference implementations' sizes).`,
    "",
  ];
}

/** What `--dry-run` checks that the JSON Schema cannot express. */
function rulesSection(): string[] {
  return [
    "## Rules checked beyond the schema",
    "",
    "`bytelab sweep submit --dry-run` (and the API's `POST /api/v1/sweeps/plan` and `/check`) also checks what a JSON Schema cannot say:",
    "",
    table(
      ["rule", "where"],
      [
        ["exactly one of `flops`, `bytes`, `steps` in a budget", "`budget`, `budgets[i]`"],
        [
          "`base` holds no `architecture`, `model` or `seed` (sweep, ladder) / no `seed` and a valid `architecture` (ablation)",
          "`base`",
        ],
        [
          "names are unique: architecture entries of one architecture need their own `name`; variant names differ from each other and from `baselineName`; size names differ",
          "`architectures`, `variants`, `sizes`",
        ],
        [
          "a budget in the spec and `steps` / `byteBudget` / `flopBudget` in `base` exclude each other",
          "`base`",
        ],
        [
          "every run's training config and model config validate (unknown keys refused with the closest known key; deprecated spellings warned)",
          "each run",
        ],
        [
          "(model, seqLen) combinations: hourglass `max_seq_len` and total shortening, MEGABYTE patch size and position table, H-Net target compression, transformer `block_size` with learned positions; padding is a warning",
          "each run",
        ],
        [
          "at most 5000 runs per spec (the API: `BYTELAB_MAX_SWEEP_RUNS`, steps and FLOPs limits)",
          "the whole spec",
        ],
        ["`earlyStopping.metric` is recorded while training (not `test/*` or `robust/*`)", "`earlyStopping`"],
      ],
    ),
    "",
  ];
}
