// @bytelab/artifacts: checkpoints and run artifacts in a shared folder or S3-compatible storage.
export {
  CHECKPOINT_META,
  CHECKPOINT_METRICS,
  CheckpointUnavailableError,
  checkpointFolder,
  checkpointsPrefix,
  type DownloadedCheckpoint,
  downloadCheckpoint,
  LATEST_OBJECT,
  pruneRunObjects,
  runPrefix,
  stepOfFolder,
  type UploadedCheckpoint,
  uploadCheckpoint,
  writeLatestPointer,
} from "./checkpoints";
export { FileArtifactStore } from "./file-store";
export { openArtifactStore } from "./open";
export { S3ArtifactStore, type S3StoreOptions } from "./s3-store";
export { type ArtifactStore, ArtifactStoreConfigError, assertKey, type StoredObject } from "./store";
