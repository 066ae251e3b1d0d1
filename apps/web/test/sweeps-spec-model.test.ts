import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { SPEC_KINDS, safeParseSpec } from "@bytelab/experiments/spec";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { readEditorText } from "../src/components/forms/launch/editor-text";
import {
  blankSpec,
  convertKind,
  specText,
  templateArchitectures,
} from "../src/components/forms/launch/spec-model";
import {
  formatNumber,
  listText,
  numberFromText,
  parseFragment,
  parseList,
} from "../src/components/forms/launch/spec-values";
import { loadSpecTemplates } from "../src/components/forms/launch/templates";

const EXAMPLES = join(__dirname, "..", "..", "..", "examples");

describe("blank specs and kind changes", () => {
  it("every blank spec is valid", () => {
    for (const kind of SPEC_KINDS)
      expect(safeParseSpec(blankSpec(kind)), kind).toMatchObject({ success: true });
  });

  it("changing the kind gives a valid spec of the new kind, keeping the common fields", () => {
    for (const from of SPEC_KINDS)
      for (const to of SPEC_KINDS) {
        const start = { ...blankSpec(from), name: "kept", seeds: [3, 4], description: "d" };
        const next = convertKind(start, to);
        expect(next.kind).toBe(to);
        expect(next).toMatchObject({ name: "kept", seeds: [3, 4], description: "d" });
        expect(safeParseSpec(next), `${from} -> ${to}`).toMatchObject({ success: true });
      }
  });

  it("an ablation's baseline becomes a sweep's architecture and back", () => {
    const ablation = blankSpec("ablation");
    (ablation.base as Record<string, unknown>).model = { d_model: [64, 96] };
    const sweep = convertKind(ablation, "sweep");
    expect(sweep.architectures).toEqual([{ architecture: "hnet", model: { d_model: [64, 96] } }]);
    expect(sweep.base).not.toHaveProperty("architecture");
    expect(convertKind(sweep, "ablation").base).toMatchObject({
      architecture: "hnet",
      model: { d_model: [64, 96] },
    });
  });
});

describe("templates from examples/", () => {
  it("reads every example, parsed as the CLI parses it", async () => {
    process.env.BYTELAB_EXAMPLES_DIR = EXAMPLES;
    const templates = await loadSpecTemplates();
    const files = readdirSync(EXAMPLES).filter((f) => /\.(ya?ml|json)$/.test(f));
    expect(templates.map((t) => t.file).sort()).toEqual(files.sort());
    for (const t of templates) {
      const text = readFileSync(join(EXAMPLES, t.file), "utf8");
      expect(t.text).toBe(text);
      expect(t.spec).toEqual(t.format === "json" ? JSON.parse(text) : parseYaml(text));
      expect(safeParseSpec(t.spec), t.file).toMatchObject({ success: true });
    }
    const presets = templateArchitectures(templates);
    expect(presets.length).toBeGreaterThan(0);
    expect(presets.every((p) => typeof p.entry.architecture === "string")).toBe(true);
    delete process.env.BYTELAB_EXAMPLES_DIR;
  });
});

describe("field text <-> spec values", () => {
  it("numbers", () => {
    expect(numberFromText("3e12")).toBe(3e12);
    expect(numberFromText(" 64 ")).toBe(64);
    expect(numberFromText("")).toBeUndefined();
    expect(numberFromText("12abc")).toBe("12abc");
    expect(formatNumber(3e12)).toBe("3e12");
    expect(formatNumber(0.003)).toBe("0.003");
    expect(formatNumber(128)).toBe("128");
    for (const n of [1e12, 2.5e13, 123456789, 0.1, 3e-3]) expect(Number(formatNumber(n))).toBe(n);
  });

  it("lists and mappings", () => {
    expect(parseList("0, 1, 2")).toEqual({ ok: true, value: [0, 1, 2] });
    expect(parseList("[0, 0]")).toEqual({ ok: true, value: [0, 0] });
    expect(parseList("1e-3, 3e-3")).toEqual({ ok: true, value: [1e-3, 3e-3] });
    expect(parseList("xs, s, m")).toEqual({ ok: true, value: ["xs", "s", "m"] });
    expect(parseList("[1, 2], [2, 4]")).toEqual({
      ok: true,
      value: [
        [1, 2],
        [2, 4],
      ],
    });
    expect(parseList("{ count: 3, start: 1 }")).toEqual({ ok: true, value: { count: 3, start: 1 } });
    expect(parseList("")).toEqual({ ok: true, value: undefined });
    expect(parseList("[1, 2").ok).toBe(false);
    for (const v of [
      [0, 1, 2],
      [1e-3, 3e-3],
      ["xs", "s"],
      [
        [1, 2],
        [3, 4],
      ],
      [true, "a b"],
    ])
      expect(parseList(listText(v))).toEqual({ ok: true, value: v });
  });

  it("fragments (YAML or JSON)", () => {
    expect(parseFragment("dim: 128", {})).toEqual({ ok: true, value: { dim: 128 } });
    expect(parseFragment('{ "dim": [1, 2] }', {})).toEqual({ ok: true, value: { dim: [1, 2] } });
    expect(parseFragment("", {})).toEqual({ ok: true, value: {} });
    expect(parseFragment("{ dim: ", {}).ok).toBe(false);
  });
});

describe("editor text", () => {
  it("locates spec paths in YAML and JSON text (line and column)", () => {
    const spec = {
      kind: "sweep",
      name: "t",
      architectures: [{ architecture: "transformer" }, { architecture: "hnet", model: { dim: 3 } }],
      parameters: { grid: { "optimizer.lr": [1e-3] } },
      seeds: [0, 0],
    };
    for (const format of ["yaml", "json"] as const) {
      const text = specText(spec, format);
      const read = readEditorText(text, format);
      expect(read.ok).toBe(true);
      if (!read.ok) return;
      expect(read.value).toEqual(spec);
      const lines = text.split("\n");
      const at = (path: string) => {
        const pos = read.locate(path);
        return pos ? lines[pos.line - 1] : null;
      };
      expect(at("seeds")).toMatch(/seeds/);
      expect(at("architectures[1].model.dim")).toMatch(/dim/);
      expect(at('parameters.grid["optimizer.lr"]')).toMatch(/optimizer\.lr/);
      // A missing key points at its closest parent.
      expect(at("architectures[1].model.missing")).toMatch(/model/);
    }
  });

  it("reports syntax errors with their line", () => {
    const yaml = readEditorText("kind: sweep\nname: [unclosed\nseeds: [0]\n", "yaml");
    expect(yaml.ok).toBe(false);
    if (!yaml.ok) {
      expect(yaml.error.issue).toMatch(/^not valid YAML/);
      expect(yaml.error.at?.line).toBeGreaterThanOrEqual(2);
    }
    const json = readEditorText('{\n  "kind": "sweep",\n  "name": \n}', "json");
    expect(json.ok).toBe(false);
    if (!json.ok) {
      expect(json.error.issue).toMatch(/^not valid JSON/);
      expect(json.error.at?.line).toBe(4);
    }
    const dup = readEditorText("name: a\nname: b\n", "yaml");
    expect(dup.ok).toBe(false);
  });
});

describe("jsonErrorOffset", () => {
  it("is null exactly when JSON.parse accepts the text", async () => {
    const { jsonErrorOffset } = await import("../src/components/forms/launch/json-error");
    const samples = [
      '{"a": 1}',
      '{"a": [1, 2.5e3, -0, true, false, null, "x\\n\\u00e9"]}',
      "[]",
      " 3 ",
      '{"a": }',
      '{"a": 1,}',
      "[1 2]",
      '{"a" 1}',
      "01",
      '"\\x"',
      "tru",
      '{"a": 1} x',
      "",
    ];
    for (const s of samples) {
      let valid = true;
      try {
        JSON.parse(s);
      } catch {
        valid = false;
      }
      expect(jsonErrorOffset(s) === null, s).toBe(valid);
    }
    expect(jsonErrorOffset('{\n  "a": \n}')).toBe(10);
  });
});
