import { join } from "node:path";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { safeNext } from "../src/components/settings/safe-next";
import { ago, compact, duration, eta, fixed, percent, sci } from "../src/components/sweeps/format";

const ROOT = join(__dirname, "..", "..", "..");

describe("@bytelab/experiments/spec in the browser", () => {
  it("bundles for the browser without Node built-ins, @bytelab/train or @bytelab/models", async () => {
    const result = await build({
      entryPoints: [join(ROOT, "packages/experiments/src/spec/index.ts")],
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((i) => /packages\/(train|models|data)\//.test(i))).toEqual([]);
    expect(inputs.filter((i) => i.startsWith("node:") || i.includes("(disabled)"))).toEqual([]);
    expect(inputs.some((i) => i.endsWith("spec/schema.ts"))).toBe(true);
  });

  it("the launch form's modules bundle for the browser as well", async () => {
    const result = await build({
      entryPoints: [join(ROOT, "apps/web/src/components/forms/launch/launch-form.tsx")],
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      metafile: true,
      logLevel: "silent",
      jsx: "automatic",
      external: ["react", "react-dom", "next", "next/*"],
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((i) => /packages\/(train|models|data|db|queue)\//.test(i))).toEqual([]);
    expect(inputs.filter((i) => /packages\/service\/src\/(?!schemas\/)/.test(i))).toEqual([]);
  });
});

describe("safeNext: where to go after signing in", () => {
  it("keeps paths on this site", () => {
    expect(safeNext("/sweeps/abc?x=1")).toBe("/sweeps/abc?x=1");
    expect(safeNext("/")).toBe("/");
  });
  it("refuses other origins and odd input", () => {
    for (const bad of [
      null,
      undefined,
      "",
      "https://evil.example",
      "//evil.example",
      "/\\evil",
      "sweeps",
      "/a\nb",
      "/login",
    ])
      expect(safeNext(bad), String(bad)).toBe("/");
  });
});

describe("formatting (as the HTML report prints)", () => {
  it("formats numbers", () => {
    expect(sci(1.234e17)).toBe("1.23e17");
    expect(sci(null)).toBe("—");
    expect(fixed(1.23456)).toBe("1.235");
    expect(compact(1_234_567)).toBe("1.23M");
    expect(compact(950)).toBe("950");
    expect(percent(0.999)).toBe("99%");
    expect(percent(null)).toBe("—");
  });
  it("formats times", () => {
    expect(duration(12.34)).toBe("12.3s");
    expect(duration(185)).toBe("3m 05s");
    expect(duration(3725)).toBe("1h 02m");
    expect(eta(null, false)).toBe("ETA unknown");
    expect(eta(90, false)).toBe("~1m 30s left");
    expect(eta(90, true)).toBe("done");
    expect(ago("2020-01-01T00:00:00.000Z", Date.parse("2020-01-01T00:05:30.000Z"))).toBe("5m ago");
  });
});
