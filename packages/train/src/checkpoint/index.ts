export * from "./format";
export { type LoadedCheckpoint, loadCheckpoint, resolveCheckpointDir } from "./load";
export {
  type CheckpointData,
  checkpointsDir,
  type NamedValues,
  pruneCheckpoints,
  readLatestName,
  type SaveOptions,
  saveCheckpoint,
} from "./save";
