export {
  HOURGLASS_DEPRECATED_KEYS,
  type HourglassConfig,
  type HourglassConfigInput,
  type HourglassDepth,
  type HourglassLevel,
  hourglassConfigSchema,
  resolveLevels as resolveHourglassLevels,
} from "./config";
export { hourglassFlopsPerByte, hourglassForwardFlops } from "./flops";
export { hourglassGoldenAdapter } from "./golden";
export { hourglassConfigFromReference, hourglassFromReference } from "./import";
export { autoregressiveWrapperLoss } from "./loss";
export { createHourglass, HourglassLM } from "./model";
