import { execFile } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BackendInfo, initBackend } from "../../src";
import { type PropertyResult, runProperties } from "./properties";
import { requireSwiftShader } from "./swiftshader";

// Correct on every backend: bytelab's custom kernels are wasm-only, so elsewhere the composite TF.js paths run.
// The property checks (causality, determinism, gradients) run here on wasm and cpu, and in a child process on
// webgpu (SwiftShader: Vulkan on the CPU, so a GPU-free machine checks the WebGPU kernels) and on tfjs-node(-gpu)
// where their binding loads. Each backend must also match wasm: logits within 1e-4, gradient sums of squares
// within 1e-3 relative. Golden fixtures on webgpu: the CLI, below.

const HERE = import.meta.dirname;
const CLI = join(HERE, "../../../cli/bin/bytelab.mjs");
const GOLDEN = join(HERE, "../fixtures/golden");
const swiftShader = requireSwiftShader();

interface ChildOutput {
  backend: string;
  kind: BackendInfo["kind"];
  device: string;
  results: Record<string, PropertyResult>;
  syncRead: string;
}

function run(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { env: { ...process.env, ...env }, timeout: 240_000, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

async function propertiesIn(
  backend: string,
  env: Record<string, string> = {},
): Promise<ChildOutput | string> {
  const r = await run(["--import", "tsx", join(HERE, "properties-child.ts"), backend], env);
  const line = r.stdout.trim().split("\n").at(-1) ?? "";
  if (!line.startsWith("{")) {
    const lines = r.stderr.trim().split("\n");
    return lines.find((l) => /^\w*Error: /.test(l)) ?? lines.slice(-3).join(" | ");
  }
  return JSON.parse(line) as ChildOutput;
}

function expectProperties(
  results: Record<string, PropertyResult>,
  reference?: Record<string, PropertyResult>,
) {
  expect(Object.keys(results)).toEqual(["transformer", "hourglass", "megabyte"]);
  for (const [arch, r] of Object.entries(results)) {
    expect(r.deterministic, arch).toBe(true);
    expect(r.causalBefore, arch).toBe(0);
    expect(r.changesAt, arch).toBeGreaterThan(1e-6);
    expect(r.gradsFinite, arch).toBe(true);
    expect(r.loss, arch).toBeGreaterThan(4); // ln 256 = 5.5 at init
    if (!reference) continue;
    const ref = reference[arch]!;
    expect(r.zeroGrads, arch).toBe(ref.zeroGrads);
    let logitDiff = 0;
    r.logits.forEach((v, i) => {
      logitDiff = Math.max(logitDiff, Math.abs(v - ref.logits[i]!));
    });
    expect(logitDiff, `${arch} logits vs wasm`).toBeLessThanOrEqual(1e-4);
    r.gradSums.forEach((g, i) => {
      const want = ref.gradSums[i]!;
      expect(Math.abs(g - want) / Math.max(want, 1e-12), `${arch} gradient ${i} vs wasm`).toBeLessThan(1e-3);
    });
  }
}

let wasm: Record<string, PropertyResult>;

beforeAll(async () => {
  await initBackend("wasm");
  wasm = await runProperties();
});

afterAll(async () => {
  await initBackend("wasm");
});

describe("property checks per backend", () => {
  it("wasm (the reference)", () => {
    expectProperties(wasm);
  });

  it("cpu", async () => {
    await initBackend("cpu");
    expectProperties(await runProperties(), wasm);
  });

  it.skipIf(!swiftShader)(
    "webgpu on SwiftShader: same properties, same numbers as wasm, never a GPU",
    async () => {
      const out = await propertiesIn("webgpu", swiftShader!);
      if (typeof out === "string") throw new Error(`webgpu property child failed: ${out}`);
      expect(out.backend).toBe("webgpu");
      expect(out.kind).toBe("cpu");
      expect(out.device).toMatch(/swiftshader.*not a GPU/i);
      expectProperties(out.results, wasm);
    },
    240_000,
  );

  // Only where their binding loads (not on a default install: npm does not run their install script).
  for (const native of ["tensorflow", "tensorflow-gpu"]) {
    it(`${native} when its binding loads`, async (ctx) => {
      const out = await propertiesIn(native);
      if (typeof out === "string") {
        expect(out).toMatch(/could not be started/);
        ctx.skip(`${native} does not start here: ${out.slice(0, 200)}`);
        return;
      }
      expectProperties(out.results, wasm);
      if (native === "tensorflow") expect(out.kind).toBe("cpu");
    }, 240_000);
  }
});

describe.skipIf(!swiftShader)("golden fixtures on webgpu (SwiftShader)", () => {
  // Two fixtures: SwiftShader compiles every shader on the CPU (15-20 s a fixture on 2 loaded cores).
  it("hourglass and megabyte fixtures pass", async () => {
    const r = await run(
      [
        CLI,
        "golden",
        "check",
        "--backend",
        "webgpu",
        join(GOLDEN, "hourglass_linear_sf4"),
        join(GOLDEN, "megabyte_p4"),
      ],
      swiftShader!,
    );
    const lines = r.stdout
      .trim()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map(
        (l) =>
          JSON.parse(l) as { fixture: string; pass: boolean; maxAbsLogitDiff: number | null; error?: string },
      );
    expect(lines.map((l) => [l.fixture.split("/").at(-1), l.pass])).toEqual([
      ["hourglass_linear_sf4", true],
      ["megabyte_p4", true],
    ]);
    for (const l of lines) expect(l.maxAbsLogitDiff).toBeLessThanOrEqual(1e-4);
    expect(r.code, r.stderr).toBe(0);
  }, 240_000);
});
