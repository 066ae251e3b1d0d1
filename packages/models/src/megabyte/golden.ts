import type { GoldenAdapter } from "../golden/adapter";
import { goldenInput, megabyteFromGoldenFixture } from "./import";
import { megabyteReferenceLoss } from "./model";

/**
 * Golden adapter: builds MEGABYTE from the fixture's constructor kwargs and weights, runs its input
 * (eval mode), and reports logits, the start token's logits (batch row 0) and the reference loss.
 */
export const megabyteGoldenAdapter: GoldenAdapter = async (fixture) => {
  const model = megabyteFromGoldenFixture(fixture);
  const input = goldenInput(fixture);
  try {
    const { logits, startLogits } = model.forwardWithStart(input);
    const loss = megabyteReferenceLoss(model, input);
    const result = {
      logits: (await logits.data()) as Float32Array,
      startTokenLogits: ((await startLogits.data()) as Float32Array).slice(0, startLogits.shape[1]),
      referenceLoss: (await loss.data())[0]!,
    };
    logits.dispose();
    startLogits.dispose();
    loss.dispose();
    return result;
  } finally {
    input.dispose();
    model.dispose();
  }
};
