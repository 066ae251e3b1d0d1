import { describe, expect, it } from "vitest";
import { type SpecIssue, safeParseSpec } from "../src";

// An invalid earlyStopping block must be refused at submit (path + fix), never accepted and then ignored:
// a sweep whose ASHA can never fire would train every run to its budget while its author thinks otherwise.
const base = { name: "asha", architectures: ["transformer"], budget: { steps: 10 } };

function issuesOf(earlyStopping: unknown): SpecIssue[] {
  const r = safeParseSpec({ ...base, earlyStopping });
  if (r.success) throw new Error(`expected earlyStopping ${JSON.stringify(earlyStopping)} to be refused`);
  return r.issues;
}

describe("earlyStopping at submit", () => {
  it("accepts a valid block and fills its defaults", () => {
    const r = safeParseSpec({ ...base, earlyStopping: { minFlops: 1e9 } });
    expect(r.success).toBe(true);
    if (r.success)
      expect(r.spec.earlyStopping).toMatchObject({ kind: "asha", metric: "val/bpb", mode: "min", eta: 3 });
    expect(
      safeParseSpec({ ...base, earlyStopping: { minFlops: 1e9, metric: "stage0/ratio_loss" } }).success,
    ).toBe(true);
  });

  it.each([
    [{}, "earlyStopping.minFlops", /expected number/],
    [{ minFlops: -1 }, "earlyStopping.minFlops", />0/],
    [{ min_flops: 1e9 }, "earlyStopping.min_flops", /unknown key/],
    [{ kind: "hyperband", minFlops: 1e9 }, "earlyStopping.kind", /asha/],
    [{ minFlops: 1e9, eta: 1 }, "earlyStopping.eta", />1/],
    [{ minFlops: 1e9, mode: "lowest" }, "earlyStopping.mode", /min/],
    ["asha", "earlyStopping", /expected object/],
    [
      { minFlops: 1e9, metric: "val/bpbb" },
      "earlyStopping.metric",
      /never stop a run.*fix: use one of val\/bpb/,
    ],
    [{ minFlops: 1e9, metric: "test/bpb" }, "earlyStopping.metric", /recorded only when a run ends/],
  ])("refuses %j at %s", (block, path, message) => {
    const issues = issuesOf(block);
    expect(issues, JSON.stringify(issues)).toContainEqual(
      expect.objectContaining({ path, issue: expect.stringMatching(message) }),
    );
  });
});
