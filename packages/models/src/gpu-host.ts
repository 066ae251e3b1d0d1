import { execFileSync } from "node:child_process";

/** What the NVIDIA driver says about this host (nvidia-smi), or null without a driver. */
export interface NvidiaHost {
  gpus: { index: string; uuid: string; name: string; memoryMiB?: number }[];
  /** Driver version, e.g. "550.54.15". */
  driver?: string;
  /** Highest CUDA version the driver supports (nvidia-smi's header), e.g. "12.4". */
  cuda?: string;
}

function run(args: string[]): string | null {
  try {
    return execFileSync("nvidia-smi", args, {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 5_000,
    });
  } catch {
    return null;
  }
}

/** Parses `nvidia-smi --query-gpu=index,uuid,name,memory.total,driver_version --format=csv,noheader,nounits`. */
export function parseNvidiaQuery(out: string): Pick<NvidiaHost, "gpus" | "driver"> {
  let driver: string | undefined;
  const gpus = out
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const [index = "", uuid = "", name = "", mem = "", drv = ""] = line.split(",").map((f) => f.trim());
      if (drv) driver ??= drv;
      const mib = Number.parseInt(mem, 10);
      return { index, uuid, name, ...(Number.isFinite(mib) ? { memoryMiB: mib } : {}) };
    });
  return { gpus, ...(driver ? { driver } : {}) };
}

/** nvidia-smi on this host (cached per process: it takes ~0.1-1 s). */
let cached: NvidiaHost | null | undefined;
export function nvidiaHost(): NvidiaHost | null {
  if (cached !== undefined) return cached;
  const query = run([
    "--query-gpu=index,uuid,name,memory.total,driver_version",
    "--format=csv,noheader,nounits",
  ]);
  if (query === null) {
    cached = null;
    return cached;
  }
  const header = run([]) ?? "";
  const cuda = /CUDA Version:\s*([\d.]+)/.exec(header)?.[1];
  cached = { ...parseNvidiaQuery(query), ...(cuda ? { cuda } : {}) };
  return cached;
}
