import type { ByteLM } from "@bytelab/models";
import type { Architecture } from "./config";

export type ModelFactory = (
  architecture: Architecture,
  config: Record<string, unknown>,
  seed: number,
) => ByteLM;

/** The zoo's `createModel` from @bytelab/models. */
export async function zooFactory(): Promise<ModelFactory> {
  const models = (await import("@bytelab/models")) as unknown as { createModel?: ModelFactory };
  if (typeof models.createModel !== "function")
    throw new Error(
      "@bytelab/models exports no createModel (the model zoo is not available in this checkout)",
    );
  return models.createModel;
}
