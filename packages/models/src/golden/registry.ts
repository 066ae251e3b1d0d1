import type { GoldenAdapter } from "./adapter";
import type { GoldenManifest } from "./manifest";

/** architecture -> lazy loader of its golden adapter (lazy: loading one port never loads the others). */
const adapters: Record<GoldenManifest["architecture"], () => Promise<GoldenAdapter>> = {
  hourglass: async () => (await import("../hourglass/golden")).hourglassGoldenAdapter,
  megabyte: async () => (await import("../megabyte/golden")).megabyteGoldenAdapter,
  hnet: async () => (await import("../hnet/golden")).hnetGoldenAdapter,
  transformer: async () => {
    throw new Error(
      "no reference implementation is defined for the flat transformer; it has no golden fixtures",
    );
  },
};

export function goldenAdapterFor(architecture: GoldenManifest["architecture"]): Promise<GoldenAdapter> {
  return adapters[architecture]();
}
