import * as tf from "@tensorflow/tfjs";

/**
 * The `webgpu` backend: @tensorflow/tfjs-backend-webgpu on npm `webgpu` (Dawn's Node binding, prebuilt for
 * linux-x64/arm64, macOS and Windows; no install script needed on Linux). Dawn drives any Vulkan (Linux),
 * Metal (macOS) or D3D12 (Windows) driver, so an NVIDIA GPU without CUDA 11 can still run TF.js kernels.
 *
 * A software adapter (SwiftShader, llvmpipe/lavapipe, WARP, a "fallback" adapter) runs the same kernels on
 * the CPU: it is useful to check correctness (golden fixtures, property tests) and is never counted as a GPU.
 *
 * In Node, tfjs-backend-webgpu cannot read a tensor synchronously (its readSync draws through an
 * OffscreenCanvas, which Node lacks): `data()` works, `dataSync()` does not. H-Net's routing and the training
 * loop read values synchronously, so they refuse to run here with WEBGPU_SYNC_READ_ERROR.
 */

export interface WebGpuAdapter {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True for a software rasterizer (runs on the CPU): SwiftShader, llvmpipe/lavapipe, WARP, fallback. */
  software: boolean;
}

export const WEBGPU_SYNC_READ_ERROR =
  "the webgpu backend cannot read tensors synchronously in Node (dataSync/arraySync: tfjs-backend-webgpu " +
  "draws through an OffscreenCanvas, which Node does not have); H-Net routing and training need that: use " +
  "BYTELAB_BACKEND=tensorflow-gpu, tensorflow or wasm for them";

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|software|basic render driver|microsoft basic|warp/i;

/** Whether an adapter's self-description names a software rasterizer (exported for tests). */
export function isSoftwareAdapter(info: Omit<WebGpuAdapter, "software">, fallback = false): boolean {
  if (fallback) return true;
  return SOFTWARE.test([info.vendor, info.architecture, info.device, info.description].join(" "));
}

/** One line for logs and run metadata, e.g. "google swiftshader (software Vulkan on the CPU, not a GPU)". */
export function describeAdapter(a: WebGpuAdapter): string {
  const name = [a.vendor, a.architecture, a.device || a.description].filter(Boolean).join(" ") || "unknown";
  return a.software ? `${name} (software WebGPU on the CPU, not a GPU)` : name;
}

/** The little of the WebGPU API used here (the full types are in @webgpu/types, not loaded by this project). */
interface Gpu {
  requestAdapter(): Promise<{
    info?: Partial<Record<keyof Omit<WebGpuAdapter, "software">, string>>;
    isFallbackAdapter?: boolean;
  } | null>;
}

type Started = { ok: true; adapter: WebGpuAdapter } | { ok: false; why: string };

let adapterSeen: WebGpuAdapter | null = null;

function oneLine(error: unknown): string {
  const message =
    error instanceof Error ? error.message : String((error as { message?: unknown })?.message ?? error);
  return message.split("\n")[0]!.slice(0, 240);
}

/**
 * Makes `navigator.gpu` a Dawn instance, checks that it offers an adapter, and starts TF.js's webgpu
 * backend on it. Returns the adapter (software or not), or why it could not start.
 */
export async function startWebGpu(): Promise<Started> {
  if (tf.findBackend("webgpu") && adapterSeen) {
    return (await tf.setBackend("webgpu"))
      ? { ok: true, adapter: adapterSeen }
      : { ok: false, why: "the webgpu backend did not start again" };
  }
  let dawn: { create(flags: string[]): Gpu; globals: Record<string, unknown> };
  try {
    dawn = (await import(/* @vite-ignore */ "webgpu")) as unknown as typeof dawn;
  } catch (error) {
    return { ok: false, why: `npm package webgpu (Dawn) did not load (${oneLine(error)})` };
  }
  let gpu: Gpu;
  try {
    // GPUBufferUsage, GPUMapMode, ... are globals in a browser; tfjs-backend-webgpu reads them.
    for (const [k, v] of Object.entries(dawn.globals))
      if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
    gpu = dawn.create([]);
  } catch (error) {
    return { ok: false, why: `Dawn did not start (${oneLine(error)})` };
  }
  const adapter = await gpu.requestAdapter().catch(() => null);
  if (!adapter)
    return {
      ok: false,
      why:
        "Dawn found no WebGPU adapter (no usable Vulkan driver: install the GPU's Vulkan driver, e.g. NVIDIA's " +
        "nvidia_icd.json comes with the driver; VK_ICD_FILENAMES selects one; Mesa's lavapipe is refused by Dawn)",
    };
  const raw = adapter.info ?? {};
  const base = {
    vendor: raw.vendor ?? "",
    architecture: raw.architecture ?? "",
    device: raw.device ?? "",
    description: raw.description ?? "",
  };
  const fallback = Boolean(adapter.isFallbackAdapter);
  const info: WebGpuAdapter = { ...base, software: isSoftwareAdapter(base, fallback) };
  // tfjs-backend-webgpu asks navigator.gpu for its adapter when the backend is created.
  const nav = (globalThis as unknown as { navigator?: object }).navigator;
  if (nav && typeof nav === "object") {
    Object.defineProperty(nav, "gpu", { value: gpu, configurable: true });
  } else {
    Object.defineProperty(globalThis, "navigator", { value: { gpu }, configurable: true, writable: true });
  }
  try {
    await import(/* @vite-ignore */ "@tensorflow/tfjs-backend-webgpu");
  } catch (error) {
    return { ok: false, why: `@tensorflow/tfjs-backend-webgpu did not load (${oneLine(error)})` };
  }
  try {
    if (!(await tf.setBackend("webgpu")))
      return { ok: false, why: `tfjs-backend-webgpu did not start on ${describeAdapter(info)}` };
  } catch (error) {
    return { ok: false, why: `tfjs-backend-webgpu failed on ${describeAdapter(info)} (${oneLine(error)})` };
  }
  // A clear error instead of "OffscreenCanvas is not defined" where code reads synchronously.
  const backend = tf.backend() as unknown as { readSync(dataId: unknown): unknown; tensorMap: unknown };
  const readSync = backend.readSync.bind(backend);
  backend.readSync = (dataId: unknown) => {
    if (!("OffscreenCanvas" in globalThis)) {
      const entry = (backend.tensorMap as Map<unknown, { values?: unknown }>).get(dataId);
      if (entry?.values != null) return entry.values;
      throw new Error(WEBGPU_SYNC_READ_ERROR);
    }
    return readSync(dataId);
  };
  adapterSeen = info;
  return { ok: true, adapter: info };
}
