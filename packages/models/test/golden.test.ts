import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadGoldenFixture } from "../src/golden";
import { ARCHITECTURES } from "../src/model";
import { fixtureFolders, goldenFixtures, IN_REPO_GOLDEN_DIR, manifestArchitecture } from "./fixtures";

/** Architectures with a PyTorch reference (the flat transformer has none: nothing to be golden against). */
const WITH_REFERENCE = ARCHITECTURES.filter((a) => a !== "transformer");

/** Letters of an H-Net arch_layout, flattened ("m2" -> "m"). */
function layoutLetters(dir: string): string[] {
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
  const layout: unknown = manifest.constructor?.kwargs?.config?.arch_layout ?? [];
  return [layout]
    .flat(Number.POSITIVE_INFINITY)
    .map((s) => String(s).replace(/\d+$/, ""))
    .filter(Boolean);
}

describe("golden fixtures in the repository", () => {
  const inRepo = fixtureFolders(IN_REPO_GOLDEN_DIR);

  it.each(WITH_REFERENCE)("%s: the checkout alone carries at least one fixture", (architecture) => {
    expect(inRepo.filter((d) => manifestArchitecture(d) === architecture)).not.toEqual([]);
  });

  it("carries an H-Net fixture with attention stages and one with Mamba-2 stages", () => {
    const hnet = inRepo.filter((d) => manifestArchitecture(d) === "hnet");
    expect(hnet.some((d) => layoutLetters(d).some((l) => l === "T" || l === "t"))).toBe(true);
    expect(hnet.some((d) => layoutLetters(d).some((l) => l === "M" || l === "m"))).toBe(true);
  });

  it("the public set is all there (README.md lists five)", () => {
    expect(inRepo.map((d) => basename(d))).toEqual([
      "hnet_1stage_T",
      "hnet_1stage_mamba",
      "hourglass_linear_sf4",
      "hourglass_naive_attnres_sf4",
      "megabyte_p4",
    ]);
  });
});

describe("golden fixture loader", () => {
  it.each(goldenFixtures())("%s: weights add up to the manifest's parameter count", (dir) => {
    const f = loadGoldenFixture(dir);
    let total = 0;
    for (const t of f.weights.values()) total += t.data.length;
    expect(total).toBe(f.manifest.weights_num_floats);
    expect(f.logits.length).toBe(f.manifest.logits_shape.reduce((a, b) => a * b, 1));
    expect(Number.isFinite(f.logits[0]!)).toBe(true);
  });
});
