import type { GoldenAdapter } from "../golden/adapter";

// Placeholder until the hourglass port lands: fails loudly rather than pretending to pass.
export const hourglassGoldenAdapter: GoldenAdapter = async () => {
  throw new Error("the hourglass port is not implemented yet");
};
