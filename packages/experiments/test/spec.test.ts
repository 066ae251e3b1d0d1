import { describe, expect, it } from "vitest";
import { parseSpec, parseSpecText, type SpecIssue, SpecValidationError, safeParseSpec } from "../src";

function issuesOf(input: unknown): SpecIssue[] {
  const r = safeParseSpec(input);
  if (r.success) throw new Error("expected the spec to be refused");
  return r.issues;
}

const minimal = { name: "t", architectures: ["hourglass"] };

describe("spec validation", () => {
  it("accepts a minimal sweep and fills the documented defaults", () => {
    const spec = parseSpec(minimal);
    expect(spec.kind).toBe("sweep");
    if (spec.kind !== "sweep") return;
    expect(spec.seeds).toEqual([0]);
    expect(spec.priority).toBe(0);
    expect(spec.modelDefaults).toBe("small");
    expect(spec.repeat).toBe(false);
    expect(spec.architectures[0]).toMatchObject({ architecture: "hourglass", model: {}, train: {} });
  });

  it("names an unknown top-level key and suggests the closest one", () => {
    const issues = issuesOf({ ...minimal, seed: [1, 2] });
    expect(issues).toContainEqual(
      expect.objectContaining({
        path: "seed",
        issue: 'unknown key "seed"',
        fix: expect.stringContaining('"seeds"'),
      }),
    );
  });

  it("names the field of a nested problem: an unknown architecture, a budget with two kinds", () => {
    const issues = issuesOf({
      ...minimal,
      architectures: ["hourglass", "mamba"],
      budget: { flops: 1e12, steps: 10 },
    });
    const paths = issues.map((i) => i.path);
    expect(paths).toContain("architectures[1].architecture");
    expect(paths).toContain("budget.steps");
    const arch = issues.find((i) => i.path === "architectures[1].architecture")!;
    expect(arch.fix).toContain('"megabyte"');
  });

  it("refuses duplicate architecture labels", () => {
    const issues = issuesOf({ ...minimal, architectures: ["hnet", { architecture: "hnet" }] });
    expect(issues).toContainEqual(
      expect.objectContaining({
        path: "architectures[1].name",
        issue: expect.stringContaining('"hnet" is used twice'),
      }),
    );
  });

  it("refuses parameters on seed or architecture, duplicate seeds, inverted ranges", () => {
    const issues = issuesOf({
      ...minimal,
      seeds: [1, 1],
      parameters: {
        grid: { seed: [1, 2] },
        random: { count: 2, space: { "optimizer.lr": { logUniform: [1e-2, 1e-4] } } },
      },
    });
    const text = issues.map((i) => `${i.path}: ${i.issue}`).join("\n");
    expect(text).toMatch(/seeds: seed 1 is listed twice/);
    expect(text).toMatch(/parameters\.grid\.seed.*seeds/);
    expect(text).toMatch(
      /parameters\.random\.space\["optimizer\.lr"\]\.logUniform: min 0\.01 is above max 0\.0001/,
    );
  });

  it("keeps model and seed out of a sweep's base, with where they belong", () => {
    const issues = issuesOf({ ...minimal, base: { model: { dim: 64 }, seed: 3 } });
    expect(issues.find((i) => i.path === "base.model")?.issue).toContain("architectures[i].model");
    expect(issues.find((i) => i.path === "base.seed")?.issue).toContain("seeds");
  });

  it("requires an ablation's base to name its architecture", () => {
    const issues = issuesOf({
      kind: "ablation",
      name: "a",
      base: {},
      variants: [{ name: "v", set: { "optimizer.lr": 1 } }],
    });
    expect(issues.map((i) => i.path)).toContain("base.architecture");
  });

  it("names an unknown kind", () => {
    expect(issuesOf({ ...minimal, kind: "grid" })).toEqual([
      { path: "kind", issue: 'unknown spec kind "grid"', fix: "use one of: sweep, ablation, ladder" },
    ]);
  });

  it("expands ladder size presets and multipliers", () => {
    const spec = parseSpec({
      kind: "ladder",
      name: "l",
      architectures: ["megabyte"],
      sizes: ["xs", { name: "wide", width: 2 }],
      budgets: [{ flops: 1e12 }],
    });
    if (spec.kind !== "ladder") throw new Error("not a ladder");
    expect(spec.sizes).toEqual([
      { name: "xs", width: 0.5, depth: 0.5 },
      { name: "wide", width: 2, depth: 1 },
    ]);
    expect(spec.budgets).toEqual([{ kind: "flops", value: 1e12 }]);
  });

  it("reads YAML and reports syntax errors with their line", () => {
    const spec = parseSpecText("name: y\narchitectures: [hnet]\nseeds: {count: 3, start: 5}\n");
    expect(spec.kind === "sweep" && spec.seeds).toEqual([5, 6, 7]);
    const error = (() => {
      try {
        parseSpecText("name: y\narchitectures: [hnet\nseeds: 1\n");
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(SpecValidationError);
    expect((error as SpecValidationError).issues[0]!.issue).toMatch(
      /not valid YAML \(line \d+, column \d+\)/,
    );
    expect(() => parseSpecText("name: a\nname: b\narchitectures: [hnet]\n")).toThrow(/not valid YAML/);
  });

  it("throws one error listing every issue with path and fix", () => {
    expect(() => parseSpec({ name: "", architectures: [] }, "my.yaml")).toThrow(
      /my\.yaml is invalid:\n {2}name: .*\(fix: .*\)\n {2}architectures: .*\(fix: give at least 1 entries\)/,
    );
  });
});
