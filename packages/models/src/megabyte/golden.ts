import type { GoldenAdapter } from "../golden/adapter";

// Placeholder until the megabyte port lands: fails loudly rather than pretending to pass.
export const megabyteGoldenAdapter: GoldenAdapter = async () => {
  throw new Error("the megabyte port is not implemented yet");
};
