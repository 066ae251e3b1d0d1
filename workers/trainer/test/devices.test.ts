import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  childPlacements,
  defaultSlots,
  detectDevices,
  parseNvidiaSmi,
  probeBackend,
  resolveDevices,
  type VerifiedBackend,
  visibleGpus,
} from "../src/devices";

const GPU_OK: VerifiedBackend = {
  ok: true,
  name: "tensorflow-gpu",
  kind: "gpu",
  device: "NVIDIA H200 (GPU 0)",
  notes: [],
  probe: { gflops: 40_000, cpuGflops: 50 },
};
const ON_CPU: VerifiedBackend = {
  ok: true,
  name: "wasm",
  kind: "cpu",
  device: "cpu: test",
  notes: ["tensorflow-gpu: libtensorflow started on the CPU: no GPU"],
};

const SMI = `0, GPU-11111111-aaaa, NVIDIA H200, 143771
1, GPU-22222222-bbbb, NVIDIA H200, 143771
`;

describe("devices", () => {
  it("parses nvidia-smi CSV (memory MiB -> bytes)", () => {
    const gpus = parseNvidiaSmi(SMI);
    expect(gpus).toHaveLength(2);
    expect(gpus[1]).toEqual({
      index: "1",
      uuid: "GPU-22222222-bbbb",
      name: "NVIDIA H200",
      memoryBytes: 143771 * 1024 * 1024,
    });
  });

  it("restricts to CUDA_VISIBLE_DEVICES by index or UUID, and hides all GPUs for '' and -1", () => {
    const all = parseNvidiaSmi(SMI);
    expect(visibleGpus(all, undefined).map((g) => g.index)).toEqual(["0", "1"]);
    expect(visibleGpus(all, "1").map((g) => g.index)).toEqual(["1"]);
    expect(visibleGpus(all, "GPU-11111111").map((g) => g.index)).toEqual(["0"]);
    expect(visibleGpus(all, "")).toEqual([]);
    expect(visibleGpus(all, "-1")).toEqual([]);
    // No nvidia-smi: trust the ids.
    expect(visibleGpus(null, "0,1").map((g) => g.name)).toEqual(["cuda:0", "cuda:1"]);
  });

  it("falls back to the CPU with one slot when no GPU is visible", () => {
    const detected = detectDevices({ CUDA_VISIBLE_DEVICES: "-1", BYTELAB_BACKEND: "cpu" }, () =>
      parseNvidiaSmi(SMI),
    );
    expect(detected.gpuCount).toBe(0);
    expect(detected.devices).toHaveLength(1);
    expect(detected.devices[0]).toMatchObject({ kind: "cpu", backend: "cpu" });
    expect(detected.devices[0]?.name).toMatch(/^cpu: .+ \(\d+ cores\)$/);
    // One single-thread run per core, at most one per 2 GiB of memory.
    expect(defaultSlots(detected, { cores: 2, memBytes: 24 * 1024 ** 3 })).toBe(2);
    expect(defaultSlots(detected, { cores: 16, memBytes: 8 * 1024 ** 3 })).toBe(4);
    expect(defaultSlots(detected, { cores: 1, memBytes: 1024 ** 3 })).toBe(1);
  });

  it("counts a GPU only when its probe ran a GPU backend, and says why the others are not used", () => {
    const twoH200 = () => parseNvidiaSmi(SMI);
    const none = detectDevices({}, twoH200, [ON_CPU, { ok: false, error: "probe crashed" }]);
    expect(none.gpuCount).toBe(0);
    expect(none.devices).toEqual([expect.objectContaining({ kind: "cpu", backend: "wasm" })]);
    expect(none.devices[0]?.name).not.toMatch(/NVIDIA/);
    expect(none.gpuNotes).toEqual([
      expect.stringMatching(
        /^NVIDIA H200 \(GPU 0\): no GPU backend runs there \(wasm on the CPU: .*no GPU\)/,
      ),
      "NVIDIA H200 (GPU 1): probe crashed",
    ]);
    expect(childPlacements(none)).toEqual([{ env: {}, device: none.devices[0]!.name }]);
    const one = detectDevices({}, twoH200, [ON_CPU, GPU_OK]);
    expect(defaultSlots(one)).toBe(1);
    expect(childPlacements(one)).toEqual([
      { env: { CUDA_VISIBLE_DEVICES: "GPU-22222222-bbbb" }, device: "NVIDIA H200 (GPU 1)" },
    ]);
    // Not probed: not a GPU.
    expect(detectDevices({}, twoH200).gpuCount).toBe(0);
  });

  it("reports the verified GPUs with their memory and gives one slot per GPU", () => {
    const twoH200 = () => parseNvidiaSmi(SMI);
    const both = detectDevices({}, twoH200, [GPU_OK, GPU_OK]);
    expect(both.devices).toEqual([
      expect.objectContaining({ kind: "gpu", name: "NVIDIA H200", memoryBytes: 143771 * 1024 * 1024 }),
      expect.objectContaining({ kind: "gpu", name: "NVIDIA H200" }),
    ]);
    expect(defaultSlots(both)).toBe(2);
    expect(defaultSlots(detectDevices({ CUDA_VISIBLE_DEVICES: "1" }, twoH200, [GPU_OK]))).toBe(1);
    // No driver, but CUDA_VISIBLE_DEVICES names three devices that all verify: trust it.
    expect(
      defaultSlots(detectDevices({ CUDA_VISIBLE_DEVICES: "0,1,2" }, () => null, [GPU_OK, GPU_OK, GPU_OK])),
    ).toBe(3);
  });

  it("pins each training child to one GPU (never two slots on GPU 0), or places it on the CPU", () => {
    const twoH200 = detectDevices({}, () => parseNvidiaSmi(SMI), [GPU_OK, GPU_OK]);
    expect(childPlacements(twoH200)).toEqual([
      { env: { CUDA_VISIBLE_DEVICES: "GPU-11111111-aaaa" }, device: "NVIDIA H200 (GPU 0)" },
      { env: { CUDA_VISIBLE_DEVICES: "GPU-22222222-bbbb" }, device: "NVIDIA H200 (GPU 1)" },
    ]);
    const cpu = detectDevices({ CUDA_VISIBLE_DEVICES: "-1" }, () => parseNvidiaSmi(SMI));
    expect(childPlacements(cpu)).toEqual([{ env: {}, device: cpu.devices[0]!.name }]);
  });

  // A host with an NVIDIA driver (a fake nvidia-smi on PATH) where tfjs-node-gpu is installed without its
  // binding (npm does not run its install script): the real probe process falls back to wasm, so the worker
  // advertises CPU slots and no GPU name.
  it("probes each GPU in a real process: a broken tfjs-node-gpu gives CPU slots, not GPU ones", async () => {
    const bin = mkdtempSync(join(tmpdir(), "bytelab-fake-smi-"));
    const smi = join(bin, "nvidia-smi");
    writeFileSync(
      smi,
      `#!/bin/sh\ncase "$*" in *query-gpu*) echo "0, GPU-11111111-aaaa, NVIDIA H200, 143771, 550.54.15";; *) echo "| NVIDIA-SMI 550.54.15   Driver Version: 550.54.15   CUDA Version: 12.4 |";; esac\n`,
    );
    chmodSync(smi, 0o755);
    const saved = process.env.PATH;
    process.env.PATH = `${bin}${delimiter}${saved}`;
    try {
      const verified = await probeBackend({ CUDA_VISIBLE_DEVICES: "GPU-11111111-aaaa" });
      expect(verified).toMatchObject({ ok: true, name: "wasm", kind: "cpu" });
      const notes = verified.ok ? verified.notes.join("\n") : "";
      expect(notes).toMatch(/tensorflow-gpu: .*(not installed|native binding is missing)/);
      const detected = await resolveDevices({}, { probe: async () => verified });
      expect(detected.gpuCount).toBe(0);
      expect(detected.devices).toEqual([expect.objectContaining({ kind: "cpu", backend: "wasm" })]);
      expect(detected.gpuNotes[0]).toMatch(/^NVIDIA H200 \(GPU 0\): no GPU backend runs there/);
      expect(defaultSlots(detected, { cores: 2, memBytes: 24 * 1024 ** 3 })).toBe(2);
    } finally {
      process.env.PATH = saved;
    }
  }, 120_000);
});
