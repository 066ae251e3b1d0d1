import { existsSync } from "node:fs";
import { dirname } from "node:path";

// SwiftShader's Vulkan driver as Debian's chromium package installs it (`dpkg -L chromium | grep swiftshader`):
// with it, Dawn (npm webgpu) offers a "google / swiftshader" adapter that runs WebGPU on the CPU, so the webgpu
// backend can be checked for correctness on machines without a GPU. Never a GPU, and slow (about 0.3 GFLOP/s).
const ICD_CANDIDATES = [
  "/usr/lib/chromium/vk_swiftshader_icd.json",
  "/usr/lib/chromium-browser/vk_swiftshader_icd.json",
  "/usr/lib64/chromium-browser/vk_swiftshader_icd.json",
];

/** Environment that makes Dawn use SwiftShader, or null when it is not installed. */
export function swiftShaderEnv(): Record<string, string> | null {
  const icd = ICD_CANDIDATES.find((p) => existsSync(p));
  if (!icd) return null;
  const dir = dirname(icd);
  return {
    VK_ICD_FILENAMES: icd,
    LD_LIBRARY_PATH: [dir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(":"),
  };
}

/** In CI the webgpu checks must run (the image has chromium); elsewhere they are skipped without SwiftShader. */
export function requireSwiftShader(): Record<string, string> | null {
  const env = swiftShaderEnv();
  if (!env && process.env.CI)
    throw new Error(
      "CI needs SwiftShader for the webgpu checks: apt-get install chromium (it ships vk_swiftshader_icd.json)",
    );
  return env;
}
