import * as tf from "@tensorflow/tfjs";
import type { GoldenAdapter, GoldenRunResult } from "../golden/adapter";
import type { GoldenFixture } from "../golden/fixture";
import { createHNetFromReference, hnetConfigFromReference } from "./import";
import type { HNetLM } from "./model";

/** Builds the fixture's H-Net from its manifest (constructor kwargs, module defaults, N per stage) and weights. */
export function hnetFromGoldenFixture(fixture: GoldenFixture): HNetLM {
  const { manifest } = fixture;
  const ctor = manifest.constructor as {
    kwargs: Record<string, unknown>;
    implicit_module_defaults?: unknown;
  };
  const N = manifest.ratio_loss?.N_per_stage ?? manifest.routing?.map((r) => r.ratio_loss_N);
  const config = hnetConfigFromReference(ctor.kwargs.config, ctor.implicit_module_defaults ?? {}, N);
  return createHNetFromReference(config, fixture.weights);
}

/**
 * Golden conformance: runs the fixture input (eval, float32) and reports logits plus, per stage, the
 * boundary probabilities, mask and ratio loss. Rows are concatenated in order over their valid positions
 * (the reference's packed layout; for the batch-1 fixtures that is just row 0).
 */
export const hnetGoldenAdapter: GoldenAdapter = async (fixture) => {
  const { manifest } = fixture;
  const model = hnetFromGoldenFixture(fixture);
  try {
    const input = tf.tensor2d(manifest.input, [manifest.batch, manifest.seq_len], "int32");
    const out = model.forwardDetailed(input);
    input.dispose();
    const logits = out.logits.dataSync().slice() as Float32Array;
    const routing: NonNullable<GoldenRunResult["routing"]> = out.routing.map((stage, s) => {
      const prob: number[] = [];
      const mask: boolean[] = [];
      stage.lengths.forEach((n, r) => {
        for (let t = 0; t < n; t++) {
          prob.push(stage.boundaryProb[r * stage.seqLen + t]!);
          mask.push(stage.boundaryMask[r * stage.seqLen + t] === 1);
        }
      });
      return {
        boundaryProb: Float32Array.from(prob),
        boundaryMask: mask,
        ratioLoss: out.stageLosses[s]!.dataSync()[0]!,
      };
    });
    tf.dispose([out.logits, out.auxLoss, ...out.stageLosses]);
    return { logits, routing };
  } finally {
    model.dispose();
  }
};
