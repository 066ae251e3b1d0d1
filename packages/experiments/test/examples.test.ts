import { readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatFromPath, loadSpecFile, readSpecText, safeExpandSpec } from "../src";

const dir = join(import.meta.dirname, "../../../examples");
const files = readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f));

describe("examples/", () => {
  it("has the three promised examples", () => {
    expect(files.sort()).toEqual([
      "arch-compare-brown.yaml",
      "hnet-ablation-brown.yaml",
      "scaling-ladder-brown.json",
    ]);
  });

  it.for(files)("%s validates and expands into runs without warnings", async (file) => {
    const spec = await loadSpecFile(join(dir, file));
    const input = readSpecText(await readFile(join(dir, file), "utf8"), formatFromPath(file));
    const result = await safeExpandSpec(input);
    if (!result.success) expect.fail(JSON.stringify(result.issues, null, 2));
    const e = result.expansion;
    expect(e.warnings).toEqual([]);
    expect(e.duplicates).toEqual([]);
    const seeds = spec.seeds.length;
    if (spec.kind === "sweep") expect(e.runs).toHaveLength(spec.architectures.length * seeds);
    if (spec.kind === "ablation") expect(e.runs).toHaveLength((spec.variants.length + 1) * seeds);
    if (spec.kind === "ladder")
      expect(e.runs).toHaveLength(
        spec.architectures.length * spec.sizes.length * spec.budgets.length * seeds,
      );
    for (const run of e.runs) {
      expect(run.paramCount).toBeGreaterThan(0);
      expect(run.budget.steps).toBeGreaterThan(0);
      // Equal compute: the trainer enforces the budget on measured FLOPs (config.flopBudget); the planned
      // steps reach it at the analytic FLOPs per byte, within one step.
      if (run.budget.kind === "flops") {
        expect(run.config.flopBudget).toBe(run.budget.value);
        expect(run.config.steps).toBe(run.budget.steps);
        expect(run.budget.flops!).toBeGreaterThanOrEqual(run.budget.value);
        expect(run.budget.flops!).toBeLessThan(run.budget.value + run.flopsPerByte!.training * 16 * 128);
      }
    }
  });
});
