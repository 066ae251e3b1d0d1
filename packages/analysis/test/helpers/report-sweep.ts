import type { ReportInput, ReportPoint, ReportRunInput } from "../../src/report";
import { gaussian, type Truth, trueLoss } from "./synthetic";

export interface SyntheticArchitecture {
  architecture: string;
  truth: Truth;
}

export interface SyntheticSweepOptions {
  architectures: SyntheticArchitecture[];
  /** Compute values of the ladder (FLOPs). */
  computes: number[];
  seeds: number;
  /** Gaussian noise (bpb) on the final held-out values. */
  noise: number;
  seed: number;
  /** Training steps per run (train points every 10 steps, evaluations every steps / 5). */
  steps?: number;
}

type Series = Record<string, Array<Omit<ReportPoint, "bytesSeen"> & { bytesSeen: number }>>;

/**
 * A sweep whose runs follow known power laws: run k of architecture a trains to compute C_k and ends at
 * val/bpb = E + A C_k^-alpha + noise; its learning curve falls towards that value as FLOPs grow.
 */
export function syntheticSweep(options: SyntheticSweepOptions): Required<
  Pick<ReportInput, "sweep" | "runs">
> & {
  series: Record<string, Series>;
} {
  const normal = gaussian(options.seed);
  const steps = options.steps ?? 200;
  const runs: ReportRunInput[] = [];
  const series: Record<string, Series> = {};
  for (const { architecture, truth } of options.architectures)
    options.computes.forEach((compute, k) => {
      for (let s = 0; s < options.seeds; s++) {
        const id = `${architecture}-c${k}-s${s}`;
        const final = trueLoss(truth, compute) + options.noise * normal();
        const width = 64 * 2 ** k;
        runs.push({
          id,
          name: `${architecture}/d${width}/s${s}`,
          status: "COMPLETED",
          architecture,
          seed: s,
          config: { architecture, model: { dModel: width }, seed: s, steps },
          configHash: `hash-${architecture}-${k}`,
          paramCount: BigInt(width * width * 12),
          flopsPerByte: compute / (steps * 2048),
          gitCommit: "0123456789abcdef0123456789abcdef01234567",
          backend: "tensorflow",
          device: "cpu: synthetic",
          worker: { id: "worker-1", host: "host-a", version: "0.1.0+0123456" },
          error: null,
          startedAt: "2026-11-01T10:00:00Z",
          finishedAt: "2026-11-01T10:05:00Z",
        });
        const train: Series[string] = [];
        const val: Series[string] = [];
        const at = (step: number) => ({
          step,
          flops: (compute * step) / steps,
          bytesSeen: step * 2048,
          wallTime: step * 1.5,
        });
        // Falls from ~8 bits towards the final value; reaches it at the last step.
        const curve = (step: number) =>
          final + (8 - final) * Math.exp((-8 * step) / steps) - (8 - final) * Math.exp(-8);
        for (let step = 0; step <= steps; step += 10) train.push({ ...at(step), value: curve(step) + 0.02 });
        for (let step = steps / 5; step <= steps; step += steps / 5)
          val.push({ ...at(step), value: curve(step) });
        series[id] = {
          "train/bpb": train,
          "val/bpb": val,
          "test/bpb": [{ ...at(steps), value: final + 0.01 }],
        };
      }
    });
  return {
    sweep: {
      id: "sweep-synthetic",
      name: "synthetic scaling ladder",
      description: "known power laws per architecture",
      spec: { kind: "ladder" },
      createdAt: "2026-11-01T09:00:00Z",
    },
    runs,
    series,
  };
}
