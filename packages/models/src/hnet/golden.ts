import type { GoldenAdapter } from "../golden/adapter";

// Placeholder until the hnet port lands: fails loudly rather than pretending to pass.
export const hnetGoldenAdapter: GoldenAdapter = async () => {
  throw new Error("the hnet port is not implemented yet");
};
