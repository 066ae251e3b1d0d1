import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { delimiter, dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, tempDir } from "./sweep-helpers";

// `bytelab doctor` as a real process: what runs here, the native kernels' state (and the fix when they are
// off), exit 0 while a backend runs and 1 when none starts.

const dir = tempDir("doctor");

interface Report {
  backend: { name: string; description: string; kind: string; device: string } | null;
  tried: string[];
  fixes: string[];
  devices: { nvidia: { gpus: string[]; driver?: string; cuda?: string } | null };
  native: { loaded: boolean; reason?: string; fix: string[]; threads?: number } | null;
  probe: { gflops: number } | null;
}

describe("bytelab doctor", () => {
  it("reports the backend that runs and the native kernels' state as JSON, exit 0", async () => {
    const r = await runCli(["doctor", "--json", "--no-probe"], {}, dir);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.backend?.name).toBe("wasm");
    expect(report.probe).toBeNull();
    if (report.native?.loaded) {
      expect(report.native.threads).toBeGreaterThanOrEqual(1);
      expect(report.backend?.description).toMatch(/native .* x\d+ thread/);
    } else {
      expect(report.native?.fix.join(" ")).toMatch(/build:native|BYTELAB_NATIVE/);
    }
  });

  it("says how to get the native kernels back when they are off", async () => {
    const r = await runCli(["doctor", "--no-probe"], { BYTELAB_NATIVE: "0" }, dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/native +not loaded: disabled by BYTELAB_NATIVE=0/);
    expect(r.stdout).toMatch(/no native kernels/);
    expect(r.stdout).toMatch(/unset BYTELAB_NATIVE/);
  });

  it("measures a matmul on the backend that runs", async () => {
    const r = await runCli(["doctor", "--json", "--backend", "cpu"], {}, dir);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.backend?.name).toBe("cpu");
    expect(report.probe?.gflops).toBeGreaterThan(0);
  });

  it("exits 1 when the requested backend cannot start", async () => {
    const r = await runCli(["doctor", "--no-probe", "--backend", "tensorflow-gpu"], {}, dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/backend +none starts: BYTELAB_BACKEND=tensorflow-gpu could not be started/);
  });
});

// The fallback chain with the native TF.js packages as a user meets them: installed by `npm install` without
// their binding (npm does not run their install script, which downloads libtensorflow), absent (npm drops an
// optional dependency whose install failed), or forced by BYTELAB_BACKEND; and on a host with an NVIDIA driver
// (a fake nvidia-smi on PATH). Every run says which backend runs, why the others do not, and never names a GPU.
describe("bytelab doctor: native backends absent, broken, forced", () => {
  const require = createRequire(import.meta.url);
  const bindingBuilt = (pkg: string) => {
    try {
      const lib = join(dirname(require.resolve(`${pkg}/package.json`)), "lib");
      return existsSync(lib) && readdirSync(lib).some((d) => existsSync(join(lib, d, "tfjs_binding.node")));
    } catch {
      return false;
    }
  };
  const broken = !bindingBuilt("@tensorflow/tfjs-node") && !bindingBuilt("@tensorflow/tfjs-node-gpu");
  const noNvidia = (() => {
    const bin = join(dir, "no-nvidia");
    mkdirSync(bin, { recursive: true });
    return bin;
  })();
  // PATH without a real nvidia-smi would need to drop folders; a fake that fails is what a host without a
  // working driver shows.
  writeFileSync(join(noNvidia, "nvidia-smi"), "#!/bin/sh\necho 'NVIDIA-SMI has failed' >&2\nexit 9\n");
  chmodSync(join(noNvidia, "nvidia-smi"), 0o755);
  const cpuHost = { PATH: `${noNvidia}${delimiter}${process.env.PATH}` };

  it.skipIf(!broken)(
    "installed without their binding: wasm on the CPU, each failure with its fix",
    async () => {
      const r = await runCli(["doctor", "--json", "--no-probe"], cpuHost, dir);
      expect(r.code, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout) as Report;
      expect(report.backend).toMatchObject({ name: "wasm", kind: "cpu" });
      expect(report.backend?.device).toMatch(/^cpu: /);
      expect(report.devices.nvidia).toBeNull();
      expect(report.tried).toEqual([
        expect.stringMatching(
          /^tensorflow-gpu: @tensorflow\/tfjs-node-gpu is installed but its native binding is missing/,
        ),
        expect.stringMatching(
          /^tensorflow: @tensorflow\/tfjs-node is installed but its native binding is missing/,
        ),
      ]);
      expect(report.fixes).toEqual(
        expect.arrayContaining([
          expect.stringContaining("npm rebuild @tensorflow/tfjs-node-gpu --dangerously-allow-all-scripts"),
          expect.stringContaining("npm rebuild @tensorflow/tfjs-node --dangerously-allow-all-scripts"),
        ]),
      );
    },
  );

  it("absent: says they are not installed and how to install them", async () => {
    const hide = join(import.meta.dirname, "hide-tfjs-node.mjs");
    const r = await runCli(
      ["doctor", "--json", "--no-probe"],
      { ...cpuHost, NODE_OPTIONS: `--import=${hide}` },
      dir,
    );
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.backend).toMatchObject({ name: "wasm", kind: "cpu" });
    expect(report.tried).toEqual([
      expect.stringMatching(/^tensorflow-gpu: @tensorflow\/tfjs-node-gpu is not installed/),
      expect.stringMatching(/^tensorflow: @tensorflow\/tfjs-node is not installed/),
    ]);
    expect(report.fixes.join("\n")).toMatch(/npm install @tensorflow\/tfjs-node-gpu@4\.22\.0/);
  });

  it.skipIf(!broken)("forced by BYTELAB_BACKEND: exit 1, the reason and the fix, no fallback", async () => {
    const r = await runCli(["doctor", "--no-probe"], { ...cpuHost, BYTELAB_BACKEND: "tensorflow" }, dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /backend +none starts: BYTELAB_BACKEND=tensorflow could not be started: tensorflow: @tensorflow\/tfjs-node is installed but its native binding is missing/,
    );
    expect(r.stdout).toMatch(
      /fix +@tensorflow\/tfjs-node: on a Linux x64 host with internet run `npm rebuild/,
    );
    expect(r.stdout).not.toMatch(/runs on/);
  });

  it.skipIf(!broken)(
    "NVIDIA host (CUDA 12 driver) without a working tfjs-node-gpu: lists the GPU, runs on the CPU, says so",
    async () => {
      const bin = join(dir, "fake-nvidia");
      mkdirSync(bin, { recursive: true });
      writeFileSync(
        join(bin, "nvidia-smi"),
        `#!/bin/sh\ncase "$*" in *query-gpu*) echo "0, GPU-11111111-aaaa, NVIDIA H200, 143771, 550.54.15";; *) echo "| NVIDIA-SMI 550.54.15   Driver Version: 550.54.15   CUDA Version: 12.4 |";; esac\n`,
      );
      chmodSync(join(bin, "nvidia-smi"), 0o755);
      const r = await runCli(
        ["doctor", "--no-probe"],
        { PATH: `${bin}${delimiter}${process.env.PATH}` },
        dir,
      );
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(
        /gpus +NVIDIA H200 \(GPU 0, 140 GiB\) \(nvidia-smi: driver 550\.54\.15, supports CUDA 12\.4\)/,
      );
      expect(r.stdout).toMatch(/backend +wasm .* on the CPU/);
      expect(r.stdout).toMatch(/runs on +CPU \(.+\), not a GPU/);
      expect(r.stdout).toMatch(
        /tensorflow-gpu: @tensorflow\/tfjs-node-gpu is installed but its native binding is missing/,
      );
      expect(r.stdout).toMatch(/needs CUDA 11\.2 \+ cuDNN 8\.1/);
    },
  );
});
