import { type ByteLM, createModel as createZooModel } from "@bytelab/models";
import * as tf from "@tensorflow/tfjs";
import { type LoadedCheckpoint, loadCheckpoint } from "./checkpoint";
import { parseTrainConfig, type TrainConfig } from "./config";
import type { ModelFactory } from "./models";
import { buildParamSpecs, type ParamSpec } from "./optim/param-groups";

/** Copies checkpointed weights into the parameters; strict: names and shapes must match 1:1. */
export function restoreWeights(params: ParamSpec[], ckpt: LoadedCheckpoint): void {
  const problems: string[] = [];
  for (const p of params) {
    const saved = ckpt.params.get(p.name);
    if (!saved) problems.push(`${p.name} is missing`);
    else if (saved.shape.join(",") !== p.variable.shape.join(","))
      problems.push(`${p.name} has shape [${saved.shape}], the model needs [${p.variable.shape}]`);
  }
  const names = new Set(params.map((p) => p.name));
  for (const n of ckpt.params.keys())
    if (!names.has(n)) problems.push(`${n} is not a parameter of this model`);
  if (problems.length)
    throw new Error(`checkpoint ${ckpt.dir} does not fit the model:\n  ${problems.join("\n  ")}`);
  for (const p of params) {
    const saved = ckpt.params.get(p.name)!;
    const t = tf.tensor(saved.values, saved.shape, "float32");
    p.variable.assign(t);
    t.dispose();
  }
}

/** Rebuilds the model a checkpoint was taken from and loads its weights (for sampling / evaluation). */
export async function loadModelFromCheckpoint(
  path: string,
  createModel?: ModelFactory,
): Promise<{ model: ByteLM; config: TrainConfig; checkpoint: LoadedCheckpoint }> {
  const checkpoint = loadCheckpoint(path);
  const config = parseTrainConfig(checkpoint.meta.config, `config in ${checkpoint.dir}/meta.json`);
  const factory = createModel ?? createZooModel;
  const model = factory(config.architecture, config.model, config.seed);
  try {
    restoreWeights(buildParamSpecs(model.trainableVariables(), config.optimizer), checkpoint);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return { model, config, checkpoint };
}
