import { execFile, execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { WorkerDevices } from "@bytelab/db/runtime";

export interface GpuInfo {
  index: string;
  uuid: string;
  name: string;
  memoryBytes?: number;
}

export interface DetectedDevices {
  devices: WorkerDevices;
  gpuCount: number;
  /** The verified GPUs (empty on CPU), in `devices` order: training children are pinned to one each. */
  gpus: GpuInfo[];
  /** GPUs seen (nvidia-smi) that no GPU backend runs on, with why. */
  gpuNotes: string[];
}

/**
 * Parses `nvidia-smi --query-gpu=index,uuid,name,memory.total --format=csv,noheader,nounits`
 * (one GPU per line, memory in MiB).
 */
export function parseNvidiaSmi(output: string): GpuInfo[] {
  return output
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .map((line) => {
      const [index = "", uuid = "", name = "", memoryMiB = ""] = line.split(",").map((f) => f.trim());
      const mib = Number.parseInt(memoryMiB, 10);
      return { index, uuid, name, ...(Number.isFinite(mib) ? { memoryBytes: mib * 1024 * 1024 } : {}) };
    });
}

/**
 * GPUs this process may use. CUDA_VISIBLE_DEVICES (indices or UUIDs) restricts the list nvidia-smi reports;
 * "" or "-1" hides every GPU. Without nvidia-smi, the ids in CUDA_VISIBLE_DEVICES are taken at their word.
 */
export function visibleGpus(all: GpuInfo[] | null, cudaVisibleDevices: string | undefined): GpuInfo[] {
  if (cudaVisibleDevices === undefined) return all ?? [];
  const ids = cudaVisibleDevices
    .split(",")
    .map((id) => id.trim())
    .filter((id) => id !== "");
  if (ids.length === 0 || ids[0] === "-1") return [];
  if (all === null) return ids.map((id) => ({ index: id, uuid: id, name: `cuda:${id}` }));
  const picked: GpuInfo[] = [];
  for (const id of ids) {
    const gpu = all.find(
      (g) => g.index === id || g.uuid === id || (id.startsWith("GPU-") && g.uuid.startsWith(id)),
    );
    if (gpu) picked.push(gpu);
  }
  return picked;
}

function queryNvidiaSmi(): GpuInfo[] | null {
  try {
    const out = execFileSync(
      "nvidia-smi",
      ["--query-gpu=index,uuid,name,memory.total", "--format=csv,noheader,nounits"],
      { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 5_000 },
    );
    return parseNvidiaSmi(out);
  } catch {
    return null; // no NVIDIA driver on this machine
  }
}

/** What a backend probe process (child/probe.ts) found: the backend that really runs there, verified. */
export type VerifiedBackend =
  | {
      ok: true;
      name: string;
      kind: "gpu" | "cpu";
      device: string;
      notes: string[];
      probe?: { gflops: number; cpuGflops: number };
    }
  | { ok: false; error: string };

const PROBE_ENTRY = fileURLToPath(new URL("./child/probe-entry.mjs", import.meta.url));

/**
 * Starts the TF.js backend in a separate process, the way a training child would (inheriting BYTELAB_BACKEND),
 * with `env` added (CUDA_VISIBLE_DEVICES pins one GPU), and reports what runs.
 */
export function probeBackend(
  env: Record<string, string> = {},
  timeoutMs = 180_000,
): Promise<VerifiedBackend> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [PROBE_ENTRY],
      { env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 1 << 20 },
      (error, stdout) => {
        const line = stdout.trim().split("\n").at(-1) ?? "";
        try {
          resolve(JSON.parse(line) as VerifiedBackend);
        } catch {
          resolve({ ok: false, error: `backend probe failed: ${error?.message ?? (line || "no output")}` });
        }
      },
    );
  });
}

function cpuDevices(backend: string): WorkerDevices {
  const cores = cpus();
  const model = cores[0]?.model.trim() || "unknown CPU";
  return [{ backend, name: `cpu: ${model} (${cores.length} cores)`, kind: "cpu" }];
}

/**
 * What this worker trains on, from the visible GPUs (`listGpus`: nvidia-smi, null without a driver) and, for
 * each, what a probe process pinned to it really ran (`verified`, same order). A GPU counts only when its
 * probe ran a GPU backend; with none, the worker trains on the CPU and says why (`gpuNotes`).
 * `cpuBackend` names the CPU backend (from a probe, or what runs here by default).
 */
export function detectDevices(
  env: { CUDA_VISIBLE_DEVICES?: string; BYTELAB_BACKEND?: string },
  listGpus: () => GpuInfo[] | null = queryNvidiaSmi,
  verified?: VerifiedBackend[],
): DetectedDevices {
  const seen = visibleGpus(listGpus(), env.CUDA_VISIBLE_DEVICES);
  const working = seen.filter((_, i) => {
    const v = verified?.[i];
    return v === undefined ? false : v.ok && v.kind === "gpu";
  });
  const gpuNotes = seen
    .map((g, i) => {
      const v = verified?.[i];
      if (!v) return `${g.name} (GPU ${g.index}): not verified`;
      if (!v.ok) return `${g.name} (GPU ${g.index}): ${v.error}`;
      if (v.kind !== "gpu")
        return `${g.name} (GPU ${g.index}): no GPU backend runs there (${v.name} on the CPU: ${v.notes.join("; ")})`;
      return null;
    })
    .filter((n): n is string => n !== null);
  if (working.length > 0) {
    return {
      gpuCount: working.length,
      gpus: working,
      gpuNotes,
      devices: working.map((g) => {
        const v = verified?.[seen.indexOf(g)];
        return {
          backend: v?.ok ? v.name : "tensorflow-gpu",
          name: g.name,
          kind: "gpu" as const,
          ...(g.memoryBytes !== undefined ? { memoryBytes: g.memoryBytes } : {}),
        };
      }),
    };
  }
  const cpuVerified = verified?.find((v) => v.ok);
  const backend = cpuVerified?.ok ? cpuVerified.name : (env.BYTELAB_BACKEND ?? "wasm");
  return { gpuCount: 0, gpus: [], gpuNotes, devices: cpuDevices(backend) };
}

/**
 * detectDevices with every visible GPU verified by a probe process pinned to it (in parallel); on a host
 * without GPUs one probe names the CPU backend. `probe` is replaceable for tests.
 */
export async function resolveDevices(
  env: { CUDA_VISIBLE_DEVICES?: string; BYTELAB_BACKEND?: string },
  opts: { listGpus?: () => GpuInfo[] | null; probe?: typeof probeBackend } = {},
): Promise<DetectedDevices> {
  const listGpus = opts.listGpus ?? queryNvidiaSmi;
  const probe = opts.probe ?? probeBackend;
  const all = listGpus();
  const seen = visibleGpus(all, env.CUDA_VISIBLE_DEVICES);
  if (seen.length > 0) {
    const verified = await Promise.all(
      seen.map((g) => probe({ CUDA_VISIBLE_DEVICES: g.uuid.startsWith("GPU-") ? g.uuid : g.index })),
    );
    return detectDevices(env, () => all, verified);
  }
  // No GPU: the slots do not depend on the backend, so only a requested GPU backend is worth a probe (its
  // children would fail; say so now). Runs record the backend that really ran either way.
  if (env.BYTELAB_BACKEND === "tensorflow-gpu" || env.BYTELAB_BACKEND === "webgpu")
    return detectDevices(env, () => all, [await probe({})]);
  return detectDevices(env, () => all, [
    { ok: true, name: env.BYTELAB_BACKEND ?? cpuBackendHere(), kind: "cpu", device: "cpu", notes: [] },
  ]);
}

/** The CPU backend the default order reaches here: tfjs-node when its binding is built, else wasm. */
function cpuBackendHere(): string {
  try {
    const dir = dirname(fileURLToPath(import.meta.resolve("@tensorflow/tfjs-node/package.json")));
    const lib = join(dir, "lib");
    if (existsSync(lib) && readdirSync(lib).some((d) => existsSync(join(lib, d, "tfjs_binding.node"))))
      return "tensorflow";
  } catch {
    // not installed
  }
  return "wasm";
}

/**
 * Memory a CPU slot is given when the default slot count is worked out. Why one slot per core: on a 2-core host
 * (bench/results/slots.json: transformer d128 T128, 6 interleaved rounds on a shared, loaded host), two 1-thread
 * runs on bytelab's native kernels gave 1.18x-3.24x (median 1.3x) the aggregate bytes/s of one 2-thread run, in
 * 6 rounds of 6; on the wasm kernels alone the spread (0.47x-1.76x, median 0.86x) was wider than any effect.
 */
export const CPU_SLOT_MEMORY_BYTES = 2 * 1024 ** 3;

/**
 * Default slots: one per verified GPU; on the CPU one per core (one wasm run uses one core; the native kernels
 * split the cores between slots, BYTELAB_THREADS = cores / slots), at most one per 2 GiB of memory.
 */
export function defaultSlots(
  detected: DetectedDevices,
  host = { cores: cpus().length, memBytes: totalmem() },
): number {
  if (detected.gpuCount > 0) return detected.gpuCount;
  return Math.max(1, Math.min(host.cores, Math.floor(host.memBytes / CPU_SLOT_MEMORY_BYTES)));
}

/** Where one training child runs: the environment that pins it, and the device name runs record. */
export interface ChildPlacement {
  env: Record<string, string>;
  device: string;
}

/**
 * Placements for training children: one per visible GPU (CUDA_VISIBLE_DEVICES set to that GPU alone, so
 * two slots never share GPU 0), or the CPU. The pool gives each new child the least used placement.
 */
export function childPlacements(detected: DetectedDevices): ChildPlacement[] {
  if (detected.gpus.length === 0)
    return [{ env: {}, device: detected.devices.map((d) => d.name).join(", ") }];
  return detected.gpus.map((g) => ({
    env: { CUDA_VISIBLE_DEVICES: g.uuid.startsWith("GPU-") ? g.uuid : g.index },
    device: `${g.name} (GPU ${g.index})`,
  }));
}
