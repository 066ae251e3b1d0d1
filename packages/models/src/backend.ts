import * as tf from "@tensorflow/tfjs";

/**
 * The one place that picks the TF.js backend for training, evaluation and golden checks.
 * Order: tfjs-node-gpu (GPU hosts) -> tfjs-node -> wasm -> cpu. BYTELAB_BACKEND overrides
 * (one of: tensorflow-gpu, tensorflow, wasm, cpu).
 */
export type BackendName = "tensorflow-gpu" | "tensorflow" | "wasm" | "cpu";

export interface BackendInfo {
  /** What bytelab asked for. */
  name: BackendName;
  /** tf.getBackend() after initialisation. */
  tfBackend: string;
  /** Why this one was chosen, and what was tried before it. */
  notes: string[];
}

const ORDER: BackendName[] = ["tensorflow-gpu", "tensorflow", "wasm", "cpu"];
let current: BackendInfo | null = null;

async function tryNative(pkg: string): Promise<boolean> {
  try {
    await import(/* @vite-ignore */ pkg);
    return tf.getBackend() === "tensorflow" || (await tf.setBackend("tensorflow"));
  } catch {
    return false;
  }
}

async function tryBackend(name: BackendName): Promise<boolean> {
  switch (name) {
    case "tensorflow-gpu":
      return tryNative("@tensorflow/tfjs-node-gpu");
    case "tensorflow":
      return tryNative("@tensorflow/tfjs-node");
    case "wasm": {
      const { registerWasmBackend } = await import("./wasm/register");
      return registerWasmBackend();
    }
    case "cpu":
      return tf.setBackend("cpu");
  }
}

/** Initialises the backend once per process and reports which one runs. */
export async function initBackend(requested = process.env.BYTELAB_BACKEND): Promise<BackendInfo> {
  if (current) return current;
  const notes: string[] = [];
  let candidates = ORDER;
  if (requested) {
    if (!ORDER.includes(requested as BackendName)) {
      throw new Error(`BYTELAB_BACKEND=${requested} is not a backend; use one of: ${ORDER.join(", ")}`);
    }
    candidates = [requested as BackendName];
  }
  for (const name of candidates) {
    if (await tryBackend(name)) {
      await tf.ready();
      current = { name, tfBackend: tf.getBackend(), notes };
      return current;
    }
    notes.push(`${name}: not available`);
  }
  throw new Error(`no TF.js backend could be initialised (${notes.join("; ")})`);
}

export function backendInfo(): BackendInfo | null {
  return current;
}
