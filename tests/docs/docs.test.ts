import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { checkSweep } from "@bytelab/service";
import Ajv from "ajv";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { docPages, fillSections, generateAll, staleFiles } from "../../scripts/docs/lib/outputs";
import { REPO_ROOT } from "../../scripts/docs/lib/paths";
import { fencedBlocks } from "../../scripts/docs/lib/snippets";
import { buildSpecSchema, SPEC_SCHEMA_PATH } from "../../scripts/docs/lib/spec-schema";

// The docs generator and checker (scripts/docs): the editor JSON Schema accepts every valid spec and flags
// typos where they are, generated pages are up to date, and a stale page is reported with the fix.

const read = (path: string) => readFileSync(join(REPO_ROOT, path), "utf8");

/** Every spec the docs ship: examples/, the CI gate spec, and the docs' ```yaml spec blocks. */
function shippedSpecs(): Array<{ where: string; text: string; format: "yaml" | "json"; invalid: boolean }> {
  const files = [
    ...readdirSync(join(REPO_ROOT, "examples")).map((f) => `examples/${f}`),
    "docs/ci/gate-sweep.yaml",
  ].map((where) => ({
    where,
    text: read(where),
    format: where.endsWith(".json") ? ("json" as const) : ("yaml" as const),
    invalid: false,
  }));
  const blocks = docPages()
    .flatMap((page) => fencedBlocks(page, read(page)))
    .filter((b) => b.flags.includes("spec"))
    .map((b) => ({
      where: `${b.file}:${b.line}`,
      text: b.text,
      format: b.lang === "json" ? ("json" as const) : ("yaml" as const),
      invalid: b.flags.includes("invalid"),
    }));
  return [...files, ...blocks];
}

/** More valid specs, written the ways a user may: bare names, seed objects, deprecated keys, every block. */
const MORE_VALID = [
  { name: "bare", architectures: ["transformer", "hourglass", "hnet", "megabyte"] },
  {
    kind: "sweep",
    name: "everything",
    description: "every block",
    modelDefaults: "small",
    priority: 10,
    repeat: true,
    seeds: { count: 2, start: 3 },
    base: { seqLen: 64, optimizer: { lrMultipliers: [{ prefix: "backbone.", multiplier: 2 }] } },
    architectures: [
      { architecture: "hourglass", name: "hg", model: { shortenFactor: 2, depth: [1, [1, 1, 1], 1] } },
      {
        architecture: "hnet",
        train: { batchSize: 4 },
        parameters: { list: [{ "model.ratio_loss.weight": 0 }] },
      },
    ],
    parameters: {
      grid: { "optimizer.lr": { logspace: [1e-4, 1e-2, 3] } },
      random: { count: 2, space: { "optimizer.weightDecay": { uniform: [0, 0.1] } } },
    },
    budget: { bytes: 4096 },
    earlyStopping: { minFlops: 1e9, eta: 2, maxRungs: 2 },
  },
  {
    kind: "ladder",
    name: "ladder",
    architectures: ["megabyte"],
    sizes: ["xs", { name: "wide", width: 2, depth: 1 }, { name: "custom", model: { heads: 2 } }],
    budgets: [{ steps: 2 }, { flops: 1e12 }],
  },
];

describe("the editor JSON Schema (docs/reference/spec.schema.json)", () => {
  const schema = buildSpecSchema();
  const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
  const errors = () => (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`).join("; ");

  it("is the committed file", () => {
    expect(JSON.parse(read(SPEC_SCHEMA_PATH))).toEqual(schema);
  });

  it.each(shippedSpecs().filter((s) => !s.invalid))("accepts $where", ({ text, format }) => {
    const spec = format === "json" ? JSON.parse(text) : parseYaml(text);
    expect(validate(spec), errors()).toBe(true);
  });

  it("accepts specs written every way zod accepts them", async () => {
    for (const spec of MORE_VALID) {
      const zod = await checkSweep(null, { spec, name: "spec" });
      expect(zod.issues, JSON.stringify(spec)).toEqual([]);
      expect(validate(spec), `${JSON.stringify(spec)}: ${errors()}`).toBe(true);
    }
  });

  it("flags a misspelt key at its place: spec, base, model (per architecture), ablation base", () => {
    const cases: Array<[unknown, string]> = [
      [{ name: "x", architectures: ["hnet"], seed: [1] }, ""],
      [{ name: "x", architectures: ["hnet"], base: { seqlen: 128 } }, "/base"],
      [
        { name: "x", architectures: [{ architecture: "hnet", model: { d_modle: [1] } }] },
        "/architectures/0/model",
      ],
      [
        { name: "x", architectures: [{ architecture: "megabyte", model: { dim: 5 } }] },
        "/architectures/0/model/dim",
      ],
      [
        {
          kind: "ablation",
          name: "x",
          base: { architecture: "hourglass", model: { shorten: 2 } },
          variants: [],
        },
        "/base/model",
      ],
      [
        { kind: "ladder", name: "x", architectures: ["hnet"], sizes: ["xxl"], budgets: [{ steps: 1 }] },
        "/sizes/0",
      ],
    ];
    for (const [spec, path] of cases) {
      expect(validate(spec), JSON.stringify(spec)).toBe(false);
      expect(
        (validate.errors ?? []).some((e) => e.instancePath === path),
        `${JSON.stringify(spec)} flagged at ${path}: ${errors()}`,
      ).toBe(true);
    }
  });

  it("examples point editors at it from their first line", () => {
    for (const file of readdirSync(join(REPO_ROOT, "examples")).filter((f) => f.endsWith(".yaml")))
      expect(read(`examples/${file}`).split("\n")[0]).toBe(
        "# yaml-language-server: $schema=../docs/reference/spec.schema.json",
      );
  });
});

describe("docs:check", () => {
  it("every spec block of the docs validates as `sweep submit --dry-run` does (invalid ones fail)", async () => {
    for (const s of shippedSpecs()) {
      const result = await checkSweep(null, { text: s.text, format: s.format, name: s.where });
      expect(result.valid, `${s.where}: ${JSON.stringify(result.issues)}`).toBe(!s.invalid);
    }
  });

  it("the generated pages are committed as the code generates them", async () => {
    const files = await generateAll();
    expect(files.map((f) => f.path)).toEqual(expect.arrayContaining(["docs/reference/cli.md"]));
    expect(staleFiles(files, (p) => read(p))).toEqual([]);
  }, 120_000);

  it("reports a stale or missing generated file with the line and the fix", () => {
    const files = [
      { path: "a.md", content: "one\ntwo\n", kind: "file" as const },
      { path: "b.md", content: "x\n", kind: "sections" as const },
    ];
    const problems = staleFiles(files, (p) => (p === "a.md" ? "one\nTWO\n" : null));
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^a\.md:2: out of date .*"TWO".*"two".*npm run docs:generate/);
    expect(problems[1]).toMatch(/^b\.md: missing .*npm run docs:generate/);
  });

  it("fills generated sections and refuses unknown ones", async () => {
    const page = "intro\n<!-- generated:exit-codes -->\nold\n<!-- /generated -->\nend\n";
    const filled = await fillSections("p.md", page);
    expect(filled).toMatch(/<!-- generated:exit-codes -->\n```text\nExit codes/);
    expect(filled).not.toContain("\nold\n");
    expect(filled.endsWith("<!-- /generated -->\nend\n")).toBe(true);
    await expect(fillSections("p.md", "<!-- generated:nope -->\n<!-- /generated -->")).rejects.toThrow(
      /unknown generated section "nope"/,
    );
  });

  it("reads fence markers: spec, invalid, runnable, exit codes", () => {
    const blocks = fencedBlocks(
      "x.md",
      "```yaml spec\na: 1\n```\n\n```sh runnable exit=2\nfalse\n```\n````md\n```inner\n````\n",
    );
    expect(blocks.map((b) => [b.lang, b.flags, b.text])).toEqual([
      ["yaml", ["spec"], "a: 1"],
      ["sh", ["runnable", "exit=2"], "false"],
      ["md", [], "```inner"],
    ]);
  });
});

describe("the spec and model references", () => {
  it("list every key of the spec, training and model schemas", () => {
    const spec = read("docs/reference/spec.md");
    for (const key of [
      "earlyStopping",
      "minRunsPerRung",
      "baselineName",
      "logspace",
      "optimizer.lrMultipliers",
    ])
      expect(spec).toContain(`\`${key}\``);
    for (const [arch, key] of [
      ["transformer", "rope_theta"],
      ["hourglass", "updown_sample_type"],
      ["hnet", "attn_cfg.window_size"],
      ["megabyte", "token_shift"],
    ])
      expect(read(`docs/architectures/${arch}.md`)).toContain(`\`${key}\``);
  });
});
