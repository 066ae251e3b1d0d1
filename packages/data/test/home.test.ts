import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bytelabHome, datasetsDir, findProjectRoot } from "../src/env";

const CHECKOUT = resolve(__dirname, "../../..");
const outside = mkdtempSync(join(tmpdir(), "bytelab-home-"));
afterAll(() => rmSync(outside, { recursive: true, force: true }));

describe("bytelabHome: one BYTELAB_HOME for every process", () => {
  it("takes an absolute BYTELAB_HOME as it is, trimmed", () => {
    expect(bytelabHome({ BYTELAB_HOME: "  /srv/bytelab " }, outside)).toBe("/srv/bytelab");
  });

  it("resolves a relative BYTELAB_HOME against the working directory", () => {
    expect(bytelabHome({ BYTELAB_HOME: "state" }, outside)).toBe(join(outside, "state"));
  });

  it("defaults to <checkout>/.bytelab, from any working directory (unset or blank)", () => {
    expect(findProjectRoot(__dirname)).toBe(CHECKOUT);
    expect(bytelabHome({}, outside)).toBe(join(CHECKOUT, ".bytelab"));
    expect(bytelabHome({ BYTELAB_HOME: "  " }, outside)).toBe(join(CHECKOUT, ".bytelab"));
  });

  it("caches datasets in <home>/datasets", () => {
    expect(datasetsDir(undefined, { BYTELAB_HOME: outside })).toBe(join(outside, "datasets"));
    expect(datasetsDir(join(outside, "x"), {})).toBe(join(outside, "x", "datasets"));
    expect(datasetsDir(undefined, {})).toBe(join(CHECKOUT, ".bytelab", "datasets"));
  });
});
