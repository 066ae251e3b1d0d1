/**
 * @bytelab/train: the training engine behind `bytelab train`, `bytelab sample` and the worker.
 *
 *   const result = await train({ config: { architecture: "hnet", dataset: "brown", steps: 300 }, outDir });
 *   await resumeTraining({ from: outDir });                    // continues from checkpoints/latest
 *   const { model } = await loadModelFromCheckpoint(outDir);   // for sampling / evaluation
 */
export { type ByteBatch, batchTensors, byteBatch } from "./batch";
export { chunkBoundaryDepths, hasChunkBoundaries, renderWithBoundaries } from "./boundaries";
export * from "./checkpoint";
export * from "./config";
export { canonicalJson, configHash } from "./config-hash";
export { openTrainingData, type TrainingData } from "./data";
export { defaultModelConfig, hnetStageLrMultipliers, smallDefaults } from "./defaults";
export { type DivergenceBounds, DivergenceGuard, type DivergenceVerdict } from "./divergence";
export { type EvalResult, evaluateBpb } from "./evaluate";
export { type GenerateOptions, generate, sampleByte } from "./generate";
export { computeGradients, type GradientResult } from "./grads";
export * from "./metrics";
export type { ModelFactory } from "./models";
export { AdamW, type AdamWHyper, type AdamWState } from "./optim/adamw";
export { clipByGlobalNorm, clipScale, globalNorm } from "./optim/clip";
export {
  buildParamSpecs,
  lrMultiplierFor,
  type ParamSpec,
  parameterName,
  shouldDecay,
} from "./optim/param-groups";
export { learningRateAt, type ScheduleSpec } from "./optim/schedule";
export { formatCount, formatDuration, formatRate, ProgressDisplay } from "./progress";
export { loadModelFromCheckpoint, restoreWeights } from "./restore";
export { SeededRng } from "./rng";
export {
  RUN_FILE,
  type RunMeta,
  type RunStatus,
  type RunSummary,
  readRunMeta,
  runMetaSchema,
} from "./run-meta";
export {
  type ResumeOptions,
  resolvedConfig,
  resumeTraining,
  type StartOptions,
  type TrainEvent,
  type TrainResult,
  train,
} from "./trainer";
