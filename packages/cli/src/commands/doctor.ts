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
  backend: { name: string; description: string; reason: string } | null;
  /** Backends tried before the one that runs, with why each did not start. */
  tried: string[];
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
  const tf = await import("@tensorflow/tfjs");
  const { nativeKernelsActive, useNativeKernels } = await import("@bytelab/models");
  const n = 512;
  const time = () => {
    const a = tf.randomNormal([n, n], 0, 1, "float32", 1);
    const b = tf.randomNormal([n, n], 0, 1, "float32", 2);
    tf.matMul(a, b).dispose(); // warm-up
    let reps = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 150 || reps < 2) {
      const c = tf.matMul(a, b);
      c.dataSync();
      c.dispose();
      reps++;
    }
    const seconds = (performance.now() - t0) / 1000;
    tf.dispose([a, b]);
    return (2 * n ** 3 * reps) / seconds / 1e9;
  };
  const gflops = time();
  if (!nativeKernelsActive()) return { gflops };
  useNativeKernels(false);
  try {
    return { gflops, wasmKernelsGflops: time() };
  } finally {
    useNativeKernels(true);
  }
}

async function diagnose(backendName: string | undefined, withProbe: boolean): Promise<DoctorReport> {
  const { describeBackend, initBackend, NATIVE_BUILD_COMMAND, nativeStatus } = await import(
    "@bytelab/models"
  );
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
    report.backend = { name: info.name, description: describeBackend(info), reason: info.reason };
    report.tried = info.notes;
    if (info.name !== "wasm" && !native.loaded)
      report.native.reason = `${native.reason ?? "not loaded"}; used only on the wasm backend`;
    if (withProbe) report.probe = await probe();
  } catch (error) {
    report.error = error instanceof Error ? error.message : String(error);
  }
  return report;
}

function print(r: DoctorReport): void {
  const line = (label: string, text: string) => console.log(`${label.padEnd(9)}  ${text}`);
  line(
    "host",
    `${r.host.platform} ${r.host.arch}, ${r.host.cpu}, ${r.host.cores} cores, ${r.host.memGiB} GiB, Node ${r.host.node}`,
  );
  if (r.backend) line("backend", r.backend.description);
  else line("backend", `none starts: ${r.error ?? "unknown reason"}`);
  r.tried.forEach((t, i) => {
    line(i === 0 ? "tried" : "", t);
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
      "check this TF.js backend: tensorflow-gpu | tensorflow | wasm | cpu (default: best available)",
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
