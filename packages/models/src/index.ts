export * from "./backend";
export { quietTfjsNodeBanner } from "./tfjs-banner";
export { type NvidiaHost, nvidiaHost, parseNvidiaQuery } from "./gpu-host";
export {
  describeAdapter,
  isSoftwareAdapter,
  startWebGpu,
  WEBGPU_SYNC_READ_ERROR,
  type WebGpuAdapter,
} from "./webgpu";
export { nativeKernelsActive, useNativeKernels } from "./wasm/kernels";
export {
  NATIVE_ADDON_PATH,
  NATIVE_BUILD_COMMAND,
  type NativeStatus,
  nativeStatus,
  nativeThreadPlan,
  setNativeThreads,
} from "./wasm/native";
export {
  type NativeAdamWHyper,
  type NativeAdamWItem,
  nativeAdamW,
  nativeSumSquares,
} from "./wasm/native-optim";
export { bothSpellingsMessage, type DeprecatedKey, type DeprecatedKeys } from "./config-keys";
export * from "./golden";
export * from "./layers";
export * from "./model";
export { NATS_TO_BITS, nextByteCrossEntropy } from "./loss";
export { type Initializer, ParamStore } from "./params";
export { describeIssues, parseOrThrow } from "./parse";
export * from "./hourglass";
export * from "./megabyte";
export * from "./hnet";
export * from "./transformer";
export * from "./zoo";
