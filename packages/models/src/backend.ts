import * as tf from "@tensorflow/tfjs";
import { registerGradientFixes } from "./gradients";
import { quietTfjsNodeBanner } from "./tfjs-banner";
import type { NativeStatus } from "./wasm/native";

/**
 * The one place that picks the TF.js backend for training, evaluation and golden checks.
 * Order: tfjs-node-gpu (GPU hosts) -> tfjs-node -> wasm (with bytelab's kernel fixes) -> cpu.
 * BYTELAB_BACKEND overrides with one of: tensorflow-gpu, tensorflow, wasm, cpu. An explicit choice that
 * cannot start is an error (it never silently falls back to something slower).
 */
export const BACKEND_NAMES = ["tensorflow-gpu", "tensorflow", "wasm", "cpu"] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export interface BackendInfo {
  /** What bytelab selected. */
  name: BackendName;
  /** tf.getBackend() after initialisation ("tensorflow" for both native bindings). */
  tfBackend: string;
  /** One line: why this backend (requested, or first that started in the default order). */
  reason: string;
  /** What was tried before it and why each failed, in order. */
  notes: string[];
  /**
   * wasm only: SIMD, where the binaries came from, which kernels bytelab replaced, and whether bytelab's
   * native CPU kernels (BLAS, multi-threaded; src/wasm/native.ts) run them, or why not.
   */
  wasm?: { simd: boolean; binaries: string; kernelFixes: string[]; native: NativeStatus };
}

type Attempt = { ok: true; wasm?: BackendInfo["wasm"] } | { ok: false; why: string };

function describe(error: unknown): string {
  const message =
    error instanceof Error ? error.message : String((error as { message?: unknown })?.message ?? error);
  return message.split("\n")[0]!.slice(0, 240);
}

async function tryNative(pkg: string): Promise<Attempt> {
  try {
    await import(/* @vite-ignore */ pkg);
  } catch (error) {
    return { ok: false, why: `${pkg} did not load (${describe(error)})` };
  }
  try {
    return (await tf.setBackend("tensorflow"))
      ? { ok: true }
      : { ok: false, why: `${pkg} loaded but its "tensorflow" backend did not start` };
  } catch (error) {
    return { ok: false, why: `${pkg} loaded but failed to start (${describe(error)})` };
  }
}

async function tryBackend(name: BackendName): Promise<Attempt> {
  switch (name) {
    case "tensorflow-gpu":
      return tryNative("@tensorflow/tfjs-node-gpu");
    case "tensorflow":
      return tryNative("@tensorflow/tfjs-node");
    case "wasm": {
      const { registerWasmBackend } = await import("./wasm/register");
      const status = await registerWasmBackend();
      if (!status.ok) return { ok: false, why: `wasm did not start (${status.error ?? "unknown reason"})` };
      return {
        ok: true,
        wasm: {
          simd: status.simd,
          binaries: status.binaries,
          kernelFixes: status.kernelFixes,
          native: status.native,
        },
      };
    }
    case "cpu":
      return (await tf.setBackend("cpu"))
        ? { ok: true }
        : { ok: false, why: "the cpu backend did not start" };
  }
}

/** Parses BYTELAB_BACKEND; empty or unset means "choose automatically". */
export function parseBackendName(value: string | undefined): BackendName | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  if ((BACKEND_NAMES as readonly string[]).includes(v)) return v as BackendName;
  throw new Error(
    `BYTELAB_BACKEND=${JSON.stringify(v)} is not a backend; set it to one of: ${BACKEND_NAMES.join(", ")} (or unset it to choose automatically)`,
  );
}

let current: BackendInfo | null = null;
let pending: Promise<BackendInfo> | null = null;

async function select(requested: BackendName | undefined): Promise<BackendInfo> {
  const notes: string[] = [];
  const candidates = requested ? [requested] : BACKEND_NAMES;
  for (const name of candidates) {
    const attempt = await tryBackend(name);
    if (attempt.ok) {
      await tf.ready();
      const reason = requested
        ? `BYTELAB_BACKEND=${requested}`
        : notes.length
          ? `first available in the default order (${notes.length} faster option${notes.length > 1 ? "s" : ""} unavailable)`
          : "first in the default order";
      return {
        name,
        tfBackend: tf.getBackend(),
        reason,
        notes,
        ...(attempt.wasm ? { wasm: attempt.wasm } : {}),
      };
    }
    notes.push(`${name}: ${attempt.why}`);
  }
  if (requested) throw new Error(`BYTELAB_BACKEND=${requested} could not be started: ${notes.join("; ")}`);
  throw new Error(`no TF.js backend could be started: ${notes.join("; ")}`);
}

/**
 * Initialises the backend (once per process; calls share the result) and reports which one runs and why.
 * `requested` defaults to BYTELAB_BACKEND. Asking for a different backend later switches to it.
 */
export async function initBackend(
  requested: string | undefined = process.env.BYTELAB_BACKEND,
): Promise<BackendInfo> {
  const wanted = parseBackendName(requested);
  registerGradientFixes();
  // bytelab says which backend runs and why; TF.js's "install the node backend" banner would only repeat it.
  quietTfjsNodeBanner();
  if (pending) await pending.catch(() => undefined);
  if (current && (!wanted || wanted === current.name) && tf.getBackend() === current.tfBackend)
    return current;
  pending = select(wanted);
  try {
    current = await pending;
    return current;
  } finally {
    pending = null;
  }
}

/** The backend chosen by `initBackend`, or null before it ran. */
export function backendInfo(): BackendInfo | null {
  return current;
}

/**
 * One line for logs and run metadata, e.g. "wasm (SIMD, 9 kernel fixes, native OpenBLAS x2 threads): first
 * available in the default order".
 */
export function describeBackend(info: BackendInfo): string {
  const native = info.wasm?.native;
  const nativeText = native?.loaded
    ? `, native ${(native.blas ?? "BLAS").replace(/ NO_LAPACKE.*$/, "")} x${native.threads} thread${native.threads === 1 ? "" : "s"}`
    : native
      ? ", no native kernels"
      : "";
  const extra = info.wasm
    ? ` (${info.wasm.simd ? "SIMD" : "no SIMD"}, ${info.wasm.kernelFixes.length} kernel fixes${nativeText})`
    : "";
  return `${info.name}${extra}: ${info.reason}`;
}
