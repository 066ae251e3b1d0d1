import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expandSpec } from "@bytelab/experiments";
import { defaultModelConfig } from "@bytelab/train";
import { parse as parseYaml } from "yaml";
import { ARCHITECTURES, type Architecture, DEPRECATED_MODEL_KEYS, loadSchemas } from "./schemas";
import { cell, code, fieldRows, fieldTable, table } from "./markdown";
import { REPO_ROOT } from "./paths";
import { leadingDoc } from "./source";

/** The function whose doc comment states each architecture's FLOPs-per-byte formula. */
const FLOPS_SOURCE: Record<Architecture, { file: string; fn: string }> = {
  transformer: { file: "packages/models/src/transformer/flops.ts", fn: "transformerFlopsPerByte" },
  hourglass: { file: "packages/models/src/hourglass/flops.ts", fn: "hourglassForwardFlops" },
  hnet: { file: "packages/models/src/hnet/flops.ts", fn: "hnetFlopsPerByte" },
  megabyte: { file: "packages/models/src/megabyte/flops.ts", fn: "megabyteFlopsPerByte" },
};

/** Every key of the architecture's model config: type and constraints, default, meaning. */
export function renderModelConfig(arch: Architecture): string {
  const schema = loadSchemas().models[arch];
  const rows = fieldRows(schema, { root: schema });
  const out = [fieldTable(rows)];
  const deprecated = Object.entries(DEPRECATED_MODEL_KEYS[arch] ?? {});
  if (deprecated.length)
    out.push(
      "",
      `Deprecated spellings, still accepted (renamed before validation, so both give the same config hash; specs warn): ${deprecated
        .map(([old, use]) => `${code(old)} → ${code(use)}`)
        .join(", ")}.`,
    );
  return `${out.join("\n")}\n`;
}

/** The FLOPs-per-byte formula as the code states it (the doc comment of the function that counts). */
export function renderModelFlops(arch: Architecture): string {
  const { file, fn } = FLOPS_SOURCE[arch];
  const doc = leadingDoc(file, fn);
  if (!doc) throw new Error(`${file}: no doc comment on ${fn} (the FLOPs formula the docs show)`);
  return `From [\`${fn}\`](../../${file}):\n\n\`\`\`text\n${doc}\n\`\`\`\n`;
}

interface Recommended {
  name: string;
  hardware: string;
  seqLen: number;
  batchSize: number;
  model: Record<string, unknown>;
}

/**
 * Sizes to start from. cpu-small is `bytelab train`'s model (defaultModelConfig); cpu-medium suits a
 * many-core host with the native CPU kernels; gpu is a starting point for tfjs-node-gpu.
 */
function recommended(arch: Architecture): Recommended[] {
  const small: Recommended = {
    name: "cpu-small",
    hardware: "any CPU (minutes per 1k steps with the native kernels)",
    seqLen: 128,
    batchSize: 8,
    model: defaultModelConfig(arch, 128),
  };
  const medium = { name: "cpu-medium", hardware: "8-16 cores, native kernels", seqLen: 256, batchSize: 16 };
  const gpu = { name: "gpu", hardware: "one GPU (tfjs-node-gpu)", seqLen: 1024, batchSize: 32 };
  switch (arch) {
    case "transformer":
      return [
        small,
        { ...medium, model: { n_layer: 6, n_head: 4, n_embd: 256, block_size: 256 } },
        { ...gpu, model: { n_layer: 8, n_head: 8, n_embd: 512, block_size: 1024 } },
      ];
    case "hourglass":
      return [
        small,
        {
          ...medium,
          model: { dim: 256, depth: [2, 4, 2], shorten_factor: 4, heads: 4, dim_head: 64, max_seq_len: 256 },
        },
        {
          ...gpu,
          model: { dim: 512, depth: [2, 8, 2], shorten_factor: 4, heads: 8, dim_head: 64, max_seq_len: 1024 },
        },
      ];
    case "hnet":
      return [
        small,
        {
          ...medium,
          model: {
            arch_layout: ["T2", ["T6"], "T2"],
            d_model: [192, 256],
            d_intermediate: [512, 704],
            attn_cfg: { num_heads: [3, 4], rotary_emb_dim: [32, 32], window_size: [-1, -1] },
          },
        },
        {
          ...gpu,
          model: {
            arch_layout: ["T2", ["T8"], "T2"],
            d_model: [384, 512],
            d_intermediate: [1024, 1408],
            attn_cfg: { num_heads: [6, 8], rotary_emb_dim: [32, 32], window_size: [1023, -1] },
          },
        },
      ];
    case "megabyte":
      return [
        small,
        {
          ...medium,
          model: { dim: [256, 192], depth: [6, 2], max_seq_len: [64, 4], dim_head: 64, heads: 4 },
        },
        { ...gpu, model: { dim: [512, 384], depth: [8, 4], max_seq_len: [128, 8], dim_head: 64, heads: 8 } },
      ];
  }
}

/** YAML flow style for a small value: `{ a: 1, b: ["T1", ["T2"]] }`. */
function flow(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(flow).join(", ")}]`;
  if (value !== null && typeof value === "object")
    return `{ ${Object.entries(value)
      .map(([k, v]) => `${k}: ${flow(v)}`)
      .join(", ")} }`;
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

function recommendedSpec(arch: Architecture): string {
  const lines = [
    "kind: sweep",
    `name: ${arch}-sizes`,
    "modelDefaults: reference",
    "base: { dataset: brown, eval: { interval: 100 } }",
    "architectures:",
  ];
  for (const r of recommended(arch))
    lines.push(
      `  - architecture: ${arch}`,
      `    name: ${r.name}`,
      `    train: ${flow({ seqLen: r.seqLen, batchSize: r.batchSize })}`,
      `    model: ${flow(r.model)}`,
    );
  lines.push("budget: { steps: 1000 }");
  return `${lines.join("\n")}\n`;
}

const si = (n: number) =>
  n >= 1e9 ? `${(n / 1e9).toFixed(2)}G` : n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${(n / 1e3).toFixed(0)}k`;

const expansions = new Map<Architecture, ReturnType<typeof expandSpec>>();

/** Each recommended size of `arch` with its run as the zoo expands it (parameters, FLOPs per byte). */
async function sized(arch: Architecture) {
  let expansion = expansions.get(arch);
  if (!expansion) {
    expansion = expandSpec(parseYaml(recommendedSpec(arch)));
    expansions.set(arch, expansion);
  }
  const runs = (await expansion).runs;
  return recommended(arch).map((r) => {
    const run = runs.find((x) => x.label.startsWith(`${r.name}/`));
    if (!run?.flopsPerByte || run.paramCount === null)
      throw new Error(`${arch} ${r.name}: no size from the zoo`);
    return { ...r, paramCount: run.paramCount, flopsPerByte: run.flopsPerByte };
  });
}

/**
 * The four architectures at their small (`bytelab train`) sizes, seqLen 128: parameters, analytic training
 * FLOPs per byte (H-Net at its ratio-loss target), and the steps a 1e12-FLOP budget buys at batch 16.
 */
export async function renderFlopsOverview(): Promise<string> {
  const rows: string[][] = [];
  for (const arch of ARCHITECTURES) {
    const small = (await sized(arch)).find((r) => r.name === "cpu-small")!;
    const perByte = small.flopsPerByte.training;
    rows.push([
      `[${arch}](../architectures/${arch}.md)`,
      si(small.paramCount),
      perByte.toExponential(2),
      String(Math.ceil(1e12 / (perByte * 128 * 16))),
      cell(small.flopsPerByte.basis),
    ]);
  }
  return `${table(["architecture", "params", "training FLOPs / byte", "steps for 1e12 FLOPs (batch 16 x 128 bytes)", "how counted"], rows)}\n`;
}

/**
 * Recommended sizes: a spec with one entry per size (validated again by docs:check like every spec block),
 * and each size's parameters and FLOPs as the zoo computes them.
 */
export async function renderModelRecommended(arch: Architecture): Promise<string> {
  const text = recommendedSpec(arch);
  const rows = (await sized(arch)).map((r) => [
    code(r.name),
    cell(r.hardware),
    `${r.seqLen} x ${r.batchSize}`,
    si(r.paramCount),
    r.flopsPerByte.training.toExponential(2),
    (r.flopsPerByte.training * r.seqLen * r.batchSize).toExponential(2),
  ]);
  return [
    table(
      ["size", "for", "seqLen x batch", "params", "training FLOPs / byte", "training FLOPs / step"],
      rows,
    ),
    "",
    "```yaml spec",
    text.trimEnd(),
    "```",
    "",
  ].join("\n");
}

/** The fixtures in packages/models/test/fixtures that pin this architecture (beyond ../shared/golden). */
export function renderModelFixtures(arch: Architecture): string {
  const dir = join(REPO_ROOT, "packages/models/test/fixtures", arch);
  const rows: string[][] = [];
  if (existsSync(dir))
    for (const name of readdirSync(dir).sort()) {
      const manifest = join(dir, name, "manifest.json");
      if (!existsSync(manifest)) continue;
      const m = JSON.parse(readFileSync(manifest, "utf8")) as {
        variant?: string;
        n_params_total?: number;
        constructor?: { kwargs?: Record<string, unknown> };
        seq_len?: number;
      };
      const kwargs = m.constructor?.kwargs ?? {};
      const shown = Object.entries(kwargs)
        .filter(([k]) => !["num_tokens", "causal", "flash_attn", "attn_dropout", "ff_dropout"].includes(k))
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(" ");
      rows.push([
        code(`packages/models/test/fixtures/${arch}/${name}`),
        cell(m.variant ?? ""),
        code(shown),
        m.seq_len !== undefined ? String(m.seq_len) : "",
      ]);
    }
  if (!rows.length) return "No extra fixtures in packages/models/test/fixtures for this architecture.\n";
  return `${table(["fixture", "variant", "reference kwargs", "bytes"], rows)}\n`;
}
