import { formatPath, type PathSegment, safeParseSpec } from "@bytelab/experiments/spec";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assignIssues, fieldPaths, type FormIssue } from "../src/components/forms/launch/issues";
import { setIn } from "../src/components/forms/launch/set-in";
import { blankSpec } from "../src/components/forms/launch/spec-model";
import { isPrefix, parseIssuePath, pathKey } from "../src/components/forms/launch/spec-paths";

describe("parseIssuePath", () => {
  it("reads the paths the spec schemas write", () => {
    expect(parseIssuePath("")).toEqual([]);
    expect(parseIssuePath("seeds")).toEqual(["seeds"]);
    expect(parseIssuePath("budget.flops")).toEqual(["budget", "flops"]);
    expect(parseIssuePath("architectures[1].model.dim")).toEqual(["architectures", 1, "model", "dim"]);
    expect(parseIssuePath('parameters.grid["optimizer.lr"]')).toEqual(["parameters", "grid", "optimizer.lr"]);
    expect(parseIssuePath('parameters.grid["a\\"b"][2]')).toEqual(["parameters", "grid", 'a"b', 2]);
  });

  it("reads the REST wrapper's dotted paths with bare indexes", () => {
    expect(parseIssuePath("architectures.0.model")).toEqual(["architectures", 0, "model"]);
  });

  it("inverts formatPath for any path", () => {
    const segment = fc.oneof(
      fc.nat({ max: 50 }),
      fc.stringMatching(/^[A-Za-z_][\w]{0,8}$/),
      fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !/^\d+$/.test(s)),
    );
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 6 }), (segments: PathSegment[]) => {
        // formatPath writes a leading index as "[0]" and a leading non-identifier as ["..."]: both read back.
        expect(parseIssuePath(formatPath(segments))).toEqual(segments);
      }),
    );
  });
});

describe("assignIssues", () => {
  const issue = (path: string): FormIssue => ({ path, issue: "x", source: "schema" });

  it("puts each issue at the field with the longest matching path; the rest in the summary only", () => {
    const spec = blankSpec("sweep");
    const got = assignIssues(spec, [
      issue("seeds"),
      issue("budget.flops"),
      issue("architectures[1].model.shorten_factor"),
      issue("architectures[1].train.steps"),
      issue(""),
      issue("earlyStopping.minFlops"),
    ]);
    expect(got.get(pathKey(["seeds"]))?.length).toBe(1);
    expect(got.get(pathKey(["budget", "flops"]))?.length).toBe(1);
    expect(got.get(pathKey(["architectures", 1, "model"]))?.length).toBe(1);
    expect(got.get(pathKey(["architectures", 1]))?.length).toBe(1);
    expect(got.get("")?.map((i) => i.path)).toEqual(["", "earlyStopping.minFlops"]);
  });

  it("has a field for every grid key, variant and ladder budget of the spec", () => {
    const sweep = { ...blankSpec("sweep"), parameters: { grid: { "optimizer.lr": [1e-3] } } };
    expect(fieldPaths(sweep)).toContainEqual(["parameters", "grid", "optimizer.lr"]);
    expect(fieldPaths(blankSpec("ablation"))).toContainEqual(["variants", 0, "set"]);
    expect(fieldPaths(blankSpec("ladder"))).toContainEqual(["budgets", 2, "flops"]);
  });

  it("places the schema's own issues for seeds [0, 0] and a negative budget at their fields", () => {
    const spec = { ...blankSpec("sweep"), seeds: [0, 0], budget: { flops: -1 } };
    const parsed = safeParseSpec(spec);
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    const got = assignIssues(
      spec,
      parsed.issues.map((i) => ({ ...i, source: "schema" as const })),
    );
    expect(got.get(pathKey(["seeds"]))?.[0]?.issue).toMatch(/seed 0 is listed twice/);
    expect(got.get(pathKey(["budget", "flops"]))?.[0]?.issue).toMatch(/>0|positive|too small/i);
  });
});

describe("setIn", () => {
  it("sets deep values without touching the original", () => {
    const spec = { base: { seqLen: 128 } };
    const next = setIn(spec, ["base", "optimizer", "lr"], 1e-3);
    expect(next).toEqual({ base: { seqLen: 128, optimizer: { lr: 1e-3 } } });
    expect(spec).toEqual({ base: { seqLen: 128 } });
  });

  it("removes a key (not a present-but-undefined one) and a list entry", () => {
    expect(Object.keys(setIn({ a: 1, b: 2 }, ["b"], undefined))).toEqual(["a"]);
    expect(setIn({ l: ["x", "y", "z"] }, ["l", 1], undefined)).toEqual({ l: ["x", "z"] });
  });

  it("isPrefix compares segment by segment", () => {
    expect(isPrefix(["a", 1], ["a", 1, "b"])).toBe(true);
    expect(isPrefix(["a", 1], ["a", 10])).toBe(false);
  });
});
