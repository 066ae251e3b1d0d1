export {
  bytesPerElement as megabyteBytesPerElement,
  type MegabyteConfig,
  type MegabyteConfigInput,
  megabyteConfigSchema,
  paddingMultiple as megabytePaddingMultiple,
  parseMegabyteConfig,
  stageLengths as megabyteStageLengths,
} from "./config";
export { megabyteFlopsPerByte } from "./flops";
export { megabyteGoldenAdapter } from "./golden";
export {
  goldenInput as megabyteGoldenInput,
  megabyteConfigFromReferenceKwargs,
  megabyteFromGoldenFixture,
  megabyteFromReference,
} from "./import";
export { createMegabyte, type MegabyteForwardOutput, MegabyteLM, megabyteReferenceLoss } from "./model";
