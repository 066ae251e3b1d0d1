import type { ByteLM } from "@bytelab/models";
import type { TrainConfig } from "./config";
import type { TrainingData } from "./data";
import { evaluateBpb } from "./evaluate";
import type { Reporter } from "./metrics";
import type { SeededRng } from "./rng";

/** Validation bpb on clean and noisy copies of the same validation text (first `robustness.windows` windows). */
export async function evaluateRobustness(
  model: ByteLM,
  data: TrainingData,
  config: TrainConfig,
  rng: SeededRng,
  reporter: Reporter,
  at: { step: number; bytesSeen: number; flops: number; wallTime: number },
): Promise<Record<string, number>> {
  const { rates, kinds, windows } = config.eval.robustness;
  if (rates.length === 0 || kinds.length === 0) return {};
  const out: Record<string, number> = {
    clean: evaluateBpb(model, data.validation(windows, config.eval.batchSize)).bpb,
  };
  const seed = rng.int(2 ** 31);
  for (const kind of kinds)
    for (const rate of rates)
      out[`${kind}@${rate}`] = evaluateBpb(
        model,
        data.noisyValidation(windows, config.eval.batchSize, { [kind]: rate }, seed),
      ).bpb;
  await reporter.report(
    "robustness",
    at,
    Object.fromEntries(Object.entries(out).map(([k, v]) => [`robust/${k}/bpb`, v])),
  );
  return out;
}
