import { describe, expect, it } from "vitest";
import { childPlacements, defaultSlots, detectDevices, parseNvidiaSmi, visibleGpus } from "../src/devices";

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
    expect(defaultSlots(detected)).toBe(1);
  });

  it("reports the visible GPUs with their memory and gives one slot per GPU", () => {
    const twoH200 = () => parseNvidiaSmi(SMI);
    const both = detectDevices({}, twoH200);
    expect(both.devices).toEqual([
      expect.objectContaining({ kind: "gpu", name: "NVIDIA H200", memoryBytes: 143771 * 1024 * 1024 }),
      expect.objectContaining({ kind: "gpu", name: "NVIDIA H200" }),
    ]);
    expect(defaultSlots(both)).toBe(2);
    expect(defaultSlots(detectDevices({ CUDA_VISIBLE_DEVICES: "1" }, twoH200))).toBe(1);
    // No driver, but CUDA_VISIBLE_DEVICES names three devices: trust it.
    expect(defaultSlots(detectDevices({ CUDA_VISIBLE_DEVICES: "0,1,2" }, () => null))).toBe(3);
  });

  it("pins each training child to one GPU (never two slots on GPU 0), or places it on the CPU", () => {
    const twoH200 = detectDevices({}, () => parseNvidiaSmi(SMI));
    expect(childPlacements(twoH200)).toEqual([
      { env: { CUDA_VISIBLE_DEVICES: "GPU-11111111-aaaa" }, device: "NVIDIA H200 (GPU 0)" },
      { env: { CUDA_VISIBLE_DEVICES: "GPU-22222222-bbbb" }, device: "NVIDIA H200 (GPU 1)" },
    ]);
    const cpu = detectDevices({ CUDA_VISIBLE_DEVICES: "-1" }, () => parseNvidiaSmi(SMI));
    expect(childPlacements(cpu)).toEqual([{ env: {}, device: cpu.devices[0]!.name }]);
  });
});
