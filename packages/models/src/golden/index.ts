export type { GoldenAdapter, GoldenRunResult } from "./adapter";
export { checkGoldenFixture, type GoldenCheckReport, maxAbsDiff, meanNextByteCrossEntropy } from "./check";
export { type GoldenFixture, GoldenFixtureError, loadGoldenFixture, type ReferenceTensor } from "./fixture";
export { type GoldenManifest, goldenManifestSchema } from "./manifest";
