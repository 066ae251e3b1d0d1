import { cpus, platform, totalmem } from "node:os";
import type { Command } from "commander";
import { EXIT } from "../exit";
import { epilogue } from "./common";

/**
 * `bytelab doctor`: what this host can run. Which TF.js backend starts (and why the faster ones do not),
 * whether bytelab's native CPU kernels are built and loaded (BLAS, threads), how to get them when they are
 * not, and a short matmul probe on the backend that runs. Exit 0 when a backend runs, 1 when none starts.
 */

interface DoctorReport {
  host: { platform: string; arch: string; cpu: string; cores: number; memGiB: number; node: string };
  /** What executes the kernels: kind "gpu" only for a GPU verified by a probe faster than the CPU path. */
  backend: {
    name: string;
    description: string;
    reason: string;
    kind: "gpu" | "cpu";
    device: string;
    probe?: { n: number; gflops: number; cpuGflops: number; cpuBackend: string };
  } | null;
  /** Backends tried before the one that runs, with why each did not start. */
  tried: string[];
  /** The devices this host shows: NVIDIA GPUs (nvidia-smi) and the WebGPU adapter (Dawn). */
  devices: {
    nvidia: { gpus: string[]; driver?: string; cuda?: string } | null;
    /** The webgpu backend: the adapter it runs on (software = not a GPU), or why it does not start. */
    webgpu: { adapter: string; software: boolean } | { error: string } | null;
  };
  /** What to do about each backend that does not run, in the order tried. */
  fixes: string[];
  native: {
    loaded: boolean;
    path: string;
    blas?: string;
    threads?: number;
    threadsFrom?: string;
    reason?: string;
    /** How to get (or switch off) the native kernels on this host. */
    fix: string[];
  } | null;
  /** GFLOP/s of a 512 x 512 x 512 float32 matmul: on the backend that runs, and on the wasm kernels alone. */
  probe: { gflops: number; wasmKernelsGflops?: number } | null;
  error?: string;
}

/** How to build the native kernels here. */
function nativeFix(buildCommand: string): string[] {
  const build =
    platform() === "darwin"
      ? `xcode-select --install (Accelerate ships with macOS), then ${buildCommand}`
      : `apt-get install -y build-essential libopenblas-dev (Fedora: dnf install gcc make openblas-devel), then ${buildCommand}`;
  return [
    build,
    "BYTELAB_NATIVE=0 switches them off (the wasm kernels run); BYTELAB_THREADS=N sets their threads (default: cores / WORKER_SLOTS)",
  ];
}

async function probe(): Promise<{ gflops: number; wasmKernelsGflops?: number }> {
  const { matmulGflops, nativeKernelsActive, useNativeKernels } = await import("@bytelab/models");
  // Async reads: the webgpu backend has no synchronous one in Node.
  const gflops = await matmulGflops(512);
  if (!nativeKernelsActive()) return { gflops };
  useNativeKernels(false);
  try {
    return { gflops, wasmKernelsGflops: await matmulGflops(512) };
  } finally {
    useNativeKernels(true);
  }
}

/** The fix for one backend that did not start (a line of `tried`), or undefined when there is nothing to do. */
export function fixFor(
  note: string,
  installCommand: { "tensorflow-gpu": string; tensorflow: string },
): string | undefined {
  const gpu = note.startsWith("tensorflow-gpu:");
  const pkg = gpu ? "@tensorflow/tfjs-node-gpu" : "@tensorflow/tfjs-node";
  const rebuild = installCommand[gpu ? "tensorflow-gpu" : "tensorflow"];
  if (/^tensorflow(-gpu)?:/.test(note)) {
    if (/is not installed/.test(note))
      return `${pkg}: npm install ${pkg}@4.22.0 --save-optional, then on a host with internet: ${rebuild}`;
    if (/native binding is missing/.test(note))
      return `${pkg}: on a Linux x64 host with internet run \`${rebuild}\` (downloads libtensorflow 2.9.1${gpu ? ", GPU build: needs CUDA 11.2 + cuDNN 8.1" : ""}), or use the Docker image${gpu ? ": docker compose --profile gpu up" : ""}`;
    if (/CUDA_VISIBLE_DEVICES/.test(note))
      return "tensorflow-gpu: unset CUDA_VISIBLE_DEVICES or list a GPU in it";
    if (/started on the CPU/.test(note))
      return "tensorflow-gpu: install the CUDA 11.2 runtime and cuDNN 8.1 (beside a newer CUDA is fine; put their lib folders on LD_LIBRARY_PATH), or run the gpu Docker image (docker compose --profile gpu up), which has them";
    if (/not faster than the CPU path/.test(note))
      return "tensorflow-gpu: the GPU lost to the CPU on the probe (a busy or tiny GPU?); BYTELAB_BACKEND=tensorflow-gpu uses it anyway";
  }
  if (note.startsWith("webgpu:"))
    return /no WebGPU adapter/.test(note)
      ? "webgpu: install the GPU's Vulkan driver (NVIDIA: it ships nvidia_icd.json with the driver); VK_ICD_FILENAMES picks the driver"
      : undefined;
  return undefined;
}

/** The webgpu backend's adapter, tried last (it switches the backend; nothing runs on it afterwards). */
async function webgpuDevice(): Promise<DoctorReport["devices"]["webgpu"]> {
  const { describeAdapter, initBackend } = await import("@bytelab/models");
  try {
    const info = await initBackend("webgpu");
    return info.adapter
      ? { adapter: describeAdapter(info.adapter), software: info.adapter.software }
      : { error: "no adapter reported" };
  } catch (error) {
    return {
      error: (error as Error).message.replace(/^BYTELAB_BACKEND=webgpu could not be started: webgpu: /, ""),
    };
  }
}

async function diagnose(backendName: string | undefined, withProbe: boolean): Promise<DoctorReport> {
  const {
    describeBackend,
    initBackend,
    NATIVE_BUILD_COMMAND,
    nativeStatus,
    nvidiaHost,
    TFJS_INSTALL_COMMAND,
  } = await import("@bytelab/models");
  const cores = cpus();
  const report: DoctorReport = {
    host: {
      platform: platform(),
      arch: process.arch,
      cpu: cores[0]?.model.trim() ?? "unknown",
      cores: cores.length,
      memGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
    },
    backend: null,
    tried: [],
    devices: { nvidia: null, webgpu: null },
    fixes: [],
    native: null,
    probe: null,
  };
  const native = nativeStatus();
  const fix = native.loaded
    ? []
    : native.reason?.includes("BYTELAB_NATIVE")
      ? ["unset BYTELAB_NATIVE (or set it to 1) to use them"]
      : nativeFix(NATIVE_BUILD_COMMAND);
  report.native = { ...native, fix };
  try {
    const info = await initBackend(backendName);
    report.backend = {
      name: info.name,
      description: describeBackend(info),
      reason: info.reason,
      kind: info.kind,
      device: info.device,
      ...(info.probe ? { probe: info.probe } : {}),
    };
    report.tried = info.notes;
    if (info.name !== "wasm" && !native.loaded)
      report.native.reason = `${native.reason ?? "not loaded"}; used only on the wasm backend`;
    if (withProbe) report.probe = await probe();
  } catch (error) {
    report.error = error instanceof Error ? error.message : String(error);
  }
  const host = nvidiaHost();
  report.devices.nvidia = host && {
    gpus: host.gpus.map(
      (g) => `${g.name} (GPU ${g.index}${g.memoryMiB ? `, ${Math.round(g.memoryMiB / 1024)} GiB` : ""})`,
    ),
    ...(host.driver ? { driver: host.driver } : {}),
    ...(host.cuda ? { cuda: host.cuda } : {}),
  };
  // webgpu is never picked by default (training needs synchronous reads); say what it would run on.
  if (backendName === undefined) report.devices.webgpu = await webgpuDevice();
  else if (backendName === "webgpu" && report.backend)
    report.devices.webgpu = { adapter: report.backend.device, software: report.backend.kind !== "gpu" };
  const failures = [...report.tried, ...(report.error ? report.error.split("; ") : [])].map((n) =>
    n.replace(/^BYTELAB_BACKEND=\S+ could not be started: /, ""),
  );
  const wg = report.devices.webgpu;
  if (wg && "error" in wg) failures.push(`webgpu: ${wg.error}`);
  report.fixes = [
    ...new Set(
      failures.map((n) => fixFor(n, TFJS_INSTALL_COMMAND)).filter((f): f is string => f !== undefined),
    ),
  ];
  return report;
}

function print(r: DoctorReport): void {
  const line = (label: string, text: string) => console.log(`${label.padEnd(9)}  ${text}`);
  line(
    "host",
    `${r.host.platform} ${r.host.arch}, ${r.host.cpu}, ${r.host.cores} cores, ${r.host.memGiB} GiB, Node ${r.host.node}`,
  );
  const nv = r.devices.nvidia;
  if (nv)
    line(
      "gpus",
      `${nv.gpus.length ? nv.gpus.join(", ") : "none listed"} (nvidia-smi: driver ${nv.driver ?? "?"}, supports CUDA ${nv.cuda ?? "?"})`,
    );
  else line("gpus", "no NVIDIA driver (nvidia-smi not found)");
  const wg = r.devices.webgpu;
  if (wg)
    line(
      "webgpu",
      "error" in wg
        ? `does not start: ${wg.error}`
        : `${wg.adapter}${wg.software ? "; correctness checks only (BYTELAB_BACKEND=webgpu)" : ""}`,
    );
  if (r.backend) {
    line("backend", r.backend.description);
    line(
      "runs on",
      r.backend.kind === "gpu"
        ? `GPU: ${r.backend.device}`
        : `CPU (${r.backend.device.replace(/^cpu: /, "")}), not a GPU`,
    );
  } else line("backend", `none starts: ${r.error ?? "unknown reason"}`);
  r.tried.forEach((t, i) => {
    line(i === 0 ? "tried" : "", t);
  });
  r.fixes.forEach((f, i) => {
    line(i === 0 ? "  fix" : "", f);
  });
  const n = r.native;
  if (n?.loaded) {
    line(
      "native",
      `loaded: ${n.blas ?? "BLAS"}, ${n.threads} thread${n.threads === 1 ? "" : "s"} (${n.threadsFrom})`,
    );
    line("", n.path);
  } else if (n) {
    line("native", `not loaded: ${n.reason ?? "unknown reason"}`);
    n.fix.forEach((f, i) => {
      line(i === 0 ? "  fix" : "", f);
    });
  }
  if (r.probe) {
    const wasm = r.probe.wasmKernelsGflops;
    line(
      "probe",
      `512^3 float32 matmul: ${r.probe.gflops.toFixed(1)} GFLOP/s${wasm !== undefined ? ` (wasm kernels alone: ${wasm.toFixed(1)} GFLOP/s)` : ""}`,
    );
  }
}

export function registerDoctorCommand(program: Command): void {
  program
    .command("doctor")
    .description(
      "what this host can run: TF.js backends, bytelab's native CPU kernels (and how to get them), a speed probe",
    )
    .option(
      "--backend <name>",
      "check this TF.js backend: tensorflow-gpu | webgpu | tensorflow | wasm | cpu (default: best available)",
    )
    .option("--json", "print one JSON object instead of lines", false)
    .option("--no-probe", "skip the matmul speed probe")
    .addHelpText(
      "after",
      epilogue(
        `
Examples:
  npx bytelab doctor
  npx bytelab doctor --json
  BYTELAB_NATIVE=0 npx bytelab doctor     # as it runs without the native kernels

Exit 0 when a backend runs (with or without the native kernels), 1 when none starts.`,
        { backend: false },
      ),
    )
    .action(async (opts: { backend?: string; json: boolean; probe: boolean }) => {
      const report = await diagnose(opts.backend, opts.probe);
      if (opts.json) console.log(JSON.stringify(report));
      else print(report);
      process.exitCode = report.backend ? EXIT.ok : EXIT.failure;
    });
}
