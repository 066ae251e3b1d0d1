import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadGoldenFixture } from "../src/golden";

import { GOLDEN_DIR } from "./fixtures";
const fixtures = existsSync(GOLDEN_DIR)
  ? readdirSync(GOLDEN_DIR).filter((d) => existsSync(join(GOLDEN_DIR, d, "manifest.json")))
  : [];

describe("golden fixture loader", () => {
  it("finds the shipped fixtures", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(5);
  });
  it.each(fixtures)("%s: weights add up to the manifest's parameter count", (name) => {
    const f = loadGoldenFixture(join(GOLDEN_DIR, name));
    let total = 0;
    for (const t of f.weights.values()) total += t.data.length;
    expect(total).toBe(f.manifest.weights_num_floats);
    expect(f.logits.length).toBe(f.manifest.logits_shape.reduce((a, b) => a * b, 1));
    expect(Number.isFinite(f.logits[0]!)).toBe(true);
  });
});
