import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import type { GoldenFixture, ReferenceTensor } from "../golden/fixture";
import { describeIssues } from "../parse";
import type { MegabyteConfigInput } from "./config";
import { MegabyteLM } from "./model";
import { ROTARY_THETA, VOCAB } from "./parameters";

const positiveInt = z.number().int().positive();

/**
 * The reference constructor's kwargs (MEGABYTE_pytorch.MEGABYTE.__init__). Missing optional kwargs take the
 * reference's own defaults; `dim` may be one int for every stage (the reference's cast_tuple).
 */
const referenceKwargsSchema = z.looseObject({
  num_tokens: positiveInt,
  dim: z.union([positiveInt, z.array(positiveInt)]),
  depth: z.array(positiveInt).min(1),
  max_seq_len: z.array(positiveInt).min(1),
  dim_head: positiveInt.default(64),
  heads: positiveInt.default(8),
  attn_dropout: z.number().default(0),
  ff_mult: positiveInt.default(4),
  ff_dropout: z.number().default(0),
  pad_id: z.number().int().default(0),
  rel_pos: z.boolean().default(false),
  pos_emb: z.boolean().default(false),
  flash_attn: z.boolean().default(false), // same math as the explicit path in float32; not a model property
});

/** Maps the reference's constructor kwargs to our config (token shift on: the reference always applies it). */
export function megabyteConfigFromReferenceKwargs(kwargs: Record<string, unknown>): MegabyteConfigInput {
  const parsed = referenceKwargsSchema.safeParse(kwargs);
  if (!parsed.success) {
    throw new Error(
      `the MEGABYTE constructor kwargs are not usable:\n${describeIssues(parsed.error, "kwargs.")}`,
    );
  }
  const k = parsed.data;
  if (k.num_tokens !== VOCAB)
    throw new Error(
      `kwargs.num_tokens = ${k.num_tokens}; bytelab models are byte-level and need num_tokens = 256`,
    );
  const stages = k.depth.length;
  return {
    dim: typeof k.dim === "number" ? Array.from({ length: stages }, () => k.dim as number) : k.dim,
    depth: k.depth,
    max_seq_len: k.max_seq_len,
    dim_head: k.dim_head,
    heads: k.heads,
    ff_mult: k.ff_mult,
    attn_dropout: k.attn_dropout,
    ff_dropout: k.ff_dropout,
    pad_id: k.pad_id,
    token_shift: true,
    rel_pos: k.rel_pos,
    pos_emb: k.pos_emb,
  };
}

/** rotary_emb.inv_freq buffers (rel_pos = true) are derived, not learned: check them and leave them out. */
function splitOffRotaryBuffers(
  weights: Map<string, ReferenceTensor>,
  dimHead: number,
): Map<string, ReferenceTensor> {
  const learned = new Map<string, ReferenceTensor>();
  for (const [name, tensor] of weights) {
    if (!name.endsWith(".rotary_emb.inv_freq")) {
      learned.set(name, tensor);
      continue;
    }
    tensor.data.forEach((value, i) => {
      const expected = 1 / ROTARY_THETA ** ((2 * i) / dimHead);
      if (Math.abs(value - expected) > 1e-6 * Math.max(1, expected))
        throw new Error(
          `${name}[${i}] = ${value} but rotary with theta ${ROTARY_THETA} and dim_head ${dimHead} gives ${expected}`,
        );
    });
  }
  return learned;
}

/**
 * Builds a MEGABYTE from reference (PyTorch state_dict) weights and the reference constructor kwargs.
 * Strict: every reference tensor must land on a parameter of the same name and shape, and vice versa.
 */
export function megabyteFromReference(
  kwargs: Record<string, unknown>,
  weights: Map<string, ReferenceTensor>,
): MegabyteLM {
  const config = megabyteConfigFromReferenceKwargs(kwargs);
  const model = new MegabyteLM(config);
  try {
    model.store.loadReference(splitOffRotaryBuffers(weights, model.config.dim_head));
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}

/** Builds the model of a golden fixture (manifest constructor kwargs + weights.bin). */
export function megabyteFromGoldenFixture(fixture: GoldenFixture): MegabyteLM {
  const { manifest } = fixture;
  if (manifest.constructor.cls !== "MEGABYTE")
    throw new Error(
      `fixture ${manifest.fixture}: constructor.cls is ${manifest.constructor.cls}, expected MEGABYTE`,
    );
  return megabyteFromReference(manifest.constructor.kwargs, fixture.weights);
}

/** The fixture's input as a [batch, seq_len] int32 tensor. */
export function goldenInput(fixture: GoldenFixture): tf.Tensor2D {
  const { manifest } = fixture;
  return tf.tensor2d(manifest.input, [manifest.batch, manifest.seq_len], "int32");
}
