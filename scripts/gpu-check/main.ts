/**
 * `npm run gpu-check`: what a GPU host really runs. For each GPU backend (tensorflow-gpu: tfjs-node-gpu on
 * CUDA 11.2 + cuDNN 8.1; webgpu: tfjs-backend-webgpu on Dawn/Vulkan) it runs `bytelab doctor` on it, and when a
 * GPU executes (kind "gpu": verified by TF's device list or a hardware Dawn adapter plus a timed matmul that beats
 * the CPU path), the golden fixtures and the training bench per architecture on it and on the CPU path of the same
 * host. Writes bench/results/gpu.json; exit 0 only when at least one GPU backend is verified and its golden
 * fixtures pass.
 *
 *   npm run gpu-check                       # on a GPU machine
 *   npm run gpu-check -- --allow-software   # also measure a software WebGPU adapter (SwiftShader), labelled CPU
 *   npm run gpu-check -- --quick            # fewer training steps
 *
 * A software adapter is never reported as a GPU. webgpu cannot train here (no synchronous reads in Node; see
 * packages/models/src/webgpu.ts): its training rows record the reason instead of a speed.
 */
import { execFile } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { writeFileSync } from "node:fs";

const ROOT = join(import.meta.dirname, "../..");
const CLI = join(ROOT, "packages/cli/bin/bytelab.mjs");
const TRAIN = join(ROOT, "bench/anchors/bytelab_train.ts");
const GOLDEN = join(ROOT, "packages/models/test/fixtures/golden");
const OUT = join(ROOT, "bench/results/gpu.json");
const ARCHS = ["transformer", "hourglass", "megabyte", "hnet"] as const;
const GPU_BACKENDS = ["tensorflow-gpu", "webgpu"] as const;

const argv = process.argv.slice(2);
const allowSoftware = argv.includes("--allow-software");
const quick = argv.includes("--quick");

function run(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 600_000,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd: ROOT, env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 64 << 20 },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const lastJson = <T>(text: string): T | null => {
  const line = text
    .trim()
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .at(-1);
  return line ? (JSON.parse(line) as T) : null;
};
const firstError = (text: string) =>
  text
    .split("\n")
    .find((l) => /Error: /.test(l))
    ?.trim() ??
  text.trim().split("\n").at(-1) ??
  "";

interface Doctor {
  backend: {
    name: string;
    kind: "gpu" | "cpu";
    device: string;
    description: string;
    probe?: { gflops: number; cpuGflops: number };
  } | null;
  devices: unknown;
  tried: string[];
  fixes: string[];
  probe: { gflops: number } | null;
  error?: string;
}

async function doctor(backend?: string): Promise<Doctor | { error: string }> {
  const r = await run([CLI, "doctor", "--json", ...(backend ? ["--backend", backend] : [])]);
  return lastJson<Doctor>(r.stdout) ?? { error: firstError(r.stderr) || `exit ${r.code}` };
}

async function golden(backend: string) {
  const r = await run([CLI, "golden", "check", "--backend", backend, GOLDEN]);
  return r.stdout
    .trim()
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => {
      const g = JSON.parse(l) as {
        fixture: string;
        pass: boolean;
        maxAbsLogitDiff: number | null;
        error?: string;
      };
      return {
        fixture: g.fixture.split("/").at(-1),
        pass: g.pass,
        maxAbsLogitDiff: g.maxAbsLogitDiff,
        ...(g.error ? { error: g.error } : {}),
      };
    });
}

/** bytes/s per architecture (T512, batch 8, ~1M-parameter bench configs) on `backend` (undefined: the CPU path). */
async function train(backend: string | undefined) {
  const out: Record<string, { bytesPerSecond: number; backend: string } | { error: string }> = {};
  for (const arch of ARCHS) {
    const spec = { arch, seqLen: 512, steps: quick ? 4 : 20, warmup: quick ? 1 : 3 };
    const env: Record<string, string> = backend ? { BYTELAB_BACKEND: backend } : {};
    const r = await run(["--import", "tsx", TRAIN, JSON.stringify(spec)], env);
    const res = lastJson<{ bytesPerSecond: number; backend: string }>(r.stdout);
    out[arch] = res
      ? { bytesPerSecond: Math.round(res.bytesPerSecond), backend: res.backend }
      : { error: firstError(r.stderr) };
    console.log(
      `  train ${arch} on ${backend ?? "the CPU path"}: ${res ? `${Math.round(res.bytesPerSecond)} bytes/s` : (out[arch] as { error: string }).error}`,
    );
  }
  return out;
}

async function main() {
  const cores = cpus();
  console.log("gpu-check: bytelab doctor (default selection)");
  const overview = await doctor();
  const results: Record<string, unknown>[] = [];
  let cpuTrain: Awaited<ReturnType<typeof train>> | null = null;
  let anyGpu = false;
  let allGoldenPass = true;
  for (const name of GPU_BACKENDS) {
    console.log(`\ngpu-check: ${name}`);
    const d = await doctor(name);
    if ("error" in d && !("backend" in d)) {
      results.push({ backend: name, starts: false, why: d.error });
      continue;
    }
    const dd = d as Doctor;
    if (!dd.backend) {
      console.log(`  does not start: ${dd.error}`);
      results.push({ backend: name, starts: false, why: dd.error, fixes: dd.fixes });
      continue;
    }
    const gpu = dd.backend.kind === "gpu";
    console.log(`  ${dd.backend.description}`);
    if (!gpu && !allowSoftware) {
      results.push({
        backend: name,
        starts: true,
        gpu: false,
        device: dd.backend.device,
        why: "runs, but not on a GPU (skipped: --allow-software measures it anyway)",
      });
      continue;
    }
    anyGpu ||= gpu;
    const goldens = await golden(name);
    for (const g of goldens)
      console.log(
        `  golden ${g.fixture}: ${g.pass ? "pass" : "FAIL"} (max |dlogit| ${g.maxAbsLogitDiff ?? "-"})${g.error ? ` ${g.error}` : ""}`,
      );
    // webgpu runs neither H-Net nor training (synchronous reads); the rest must pass.
    const expected = goldens.filter((g) => !(name === "webgpu" && /hnet/.test(g.fixture ?? "")));
    if (gpu) allGoldenPass &&= expected.length > 0 && expected.every((g) => g.pass);
    // webgpu cannot train in Node (no synchronous reads): say so instead of timing out.
    const trained =
      name === "webgpu"
        ? Object.fromEntries(
            ARCHS.map((a) => [a, { error: "webgpu cannot train in Node (no synchronous reads)" }]),
          )
        : await train(name);
    cpuTrain ??= await train(undefined);
    const ratio = Object.fromEntries(
      ARCHS.map((a) => {
        const g = trained[a];
        const c = cpuTrain?.[a];
        return [
          a,
          g && c && "bytesPerSecond" in g && "bytesPerSecond" in c
            ? Math.round((g.bytesPerSecond / c.bytesPerSecond) * 100) / 100
            : null,
        ];
      }),
    );
    results.push({
      backend: name,
      starts: true,
      gpu,
      device: dd.backend.device,
      description: dd.backend.description,
      probeGflops: dd.probe?.gflops ?? null,
      verification: dd.backend.probe ?? null,
      golden: goldens,
      trainBytesPerSecond: trained,
      ratioToCpuPath: ratio,
    });
  }
  const report = {
    date: new Date().toISOString(),
    host: {
      cpu: cores[0]?.model.trim(),
      cores: cores.length,
      memGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      loadAverage: (await import("node:os")).loadavg().map((l) => Math.round(l * 10) / 10),
    },
    doctor: overview,
    cpuPath: cpuTrain,
    backends: results,
    verdict: anyGpu
      ? allGoldenPass
        ? "a GPU backend is verified and its golden fixtures pass"
        : "a GPU backend is verified but golden fixtures fail"
      : "no GPU backend runs on a GPU here (see doctor.tried / backends[].why)",
  };
  writeFileSync(OUT, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\ngpu-check: ${report.verdict}; wrote ${OUT}`);
  process.exitCode = anyGpu && allGoldenPass ? 0 : 1;
}

await main();
