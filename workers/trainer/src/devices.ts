import { execFileSync } from "node:child_process";
import { cpus } from "node:os";
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
  /** The visible GPUs (empty on CPU), in `devices` order: training children are pinned to one each. */
  gpus: GpuInfo[];
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

function resolvable(pkg: string): boolean {
  try {
    import.meta.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

/** The TF.js backend a run would get here, by the order packages/models/src/backend.ts tries (not loaded now). */
function expectedBackend(kind: "cpu" | "gpu", requested: string | undefined): string {
  if (requested) return requested;
  if (kind === "gpu") return resolvable("@tensorflow/tfjs-node-gpu") ? "tensorflow-gpu" : "tensorflow";
  if (resolvable("@tensorflow/tfjs-node")) return "tensorflow";
  return resolvable("@tensorflow/tfjs-backend-wasm") ? "wasm" : "cpu";
}

/**
 * What this worker trains on: the visible GPUs if any, else the CPU. `listGpus` is the host probe
 * (nvidia-smi; null when there is no NVIDIA driver).
 */
export function detectDevices(
  env: { CUDA_VISIBLE_DEVICES?: string; BYTELAB_BACKEND?: string },
  listGpus: () => GpuInfo[] | null = queryNvidiaSmi,
): DetectedDevices {
  const gpus = visibleGpus(listGpus(), env.CUDA_VISIBLE_DEVICES);
  if (gpus.length > 0) {
    return {
      gpuCount: gpus.length,
      gpus,
      devices: gpus.map((g) => ({
        backend: expectedBackend("gpu", env.BYTELAB_BACKEND),
        name: g.name,
        kind: "gpu" as const,
        ...(g.memoryBytes !== undefined ? { memoryBytes: g.memoryBytes } : {}),
      })),
    };
  }
  const cores = cpus();
  const model = cores[0]?.model.trim() || "unknown CPU";
  return {
    gpuCount: 0,
    gpus: [],
    devices: [
      {
        backend: expectedBackend("cpu", env.BYTELAB_BACKEND),
        name: `cpu: ${model} (${cores.length} cores)`,
        kind: "cpu",
      },
    ],
  };
}

/** Default slots: one run per GPU; on CPU one run, since TF.js spreads a single run over every core. */
export function defaultSlots(detected: DetectedDevices): number {
  return Math.max(1, detected.gpuCount);
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
