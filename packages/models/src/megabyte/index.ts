export {
  bytesPerElement,
  type MegabyteConfig,
  type MegabyteConfigInput,
  megabyteConfigSchema,
  paddingMultiple,
  parseMegabyteConfig,
  stageLengths,
} from "./config";
export { megabyteFlopsPerByte } from "./flops";
export { megabyteGoldenAdapter } from "./golden";
export {
  goldenInput,
  megabyteConfigFromReferenceKwargs,
  megabyteFromGoldenFixture,
  megabyteFromReference,
} from "./import";
export {
  createMegabyte,
  type MegabyteForwardOutput,
  MegabyteModel,
  megabyteReferenceLoss,
} from "./model";
