import { z } from "zod";
import type { ReferenceTensor } from "../golden/fixture";
import { parseOrThrow } from "../parse";
import { type HNetConfigInput, hnetConfigSchema } from "./config";
import { HNetLM } from "./model";

/**
 * The reference module defaults that HNetConfig does not carry (a golden manifest lists them under
 * constructor.implicit_module_defaults). Only the ones that change numbers are read; anything this port
 * cannot reproduce is refused with a clear error instead of being ignored.
 */
const implicitDefaultsSchema = z.looseObject({
  CausalMHA: z
    .looseObject({
      qkv_proj_bias: z.boolean().optional(),
      out_proj_bias: z.boolean().optional(),
      softmax_scale: z.number().nullable().optional(),
      rotary_emb_base: z.number().optional(),
      rotary_emb_interleaved: z.boolean().optional(),
    })
    .optional(),
  SwiGLU: z
    .looseObject({ bias: z.boolean().optional(), multiple_of: z.number().int().optional() })
    .optional(),
  Block: z.looseObject({ norm: z.string().optional(), norm_epsilon: z.number().optional() }).optional(),
  "Isotropic.rmsnorm": z.looseObject({ eps: z.number().optional() }).optional(),
  "Mamba2 (only for m/M blocks)": z
    .looseObject({ headdim: z.number().int().optional(), ngroups: z.number().int().optional() })
    .optional(),
});

export type ReferenceImplicitDefaults = z.input<typeof implicitDefaultsSchema>;

/**
 * Our config from a reference HNetConfig (snake_case, as in goombalab/hnet configs/*.json) plus the module
 * defaults and the ratio-loss targets (not part of HNetConfig).
 */
export function hnetConfigFromReference(
  referenceConfig: unknown,
  implicit: unknown = {},
  ratioTargets?: number[],
): HNetConfigInput {
  if (typeof referenceConfig !== "object" || referenceConfig === null)
    throw new Error(
      "hnet import: the reference config must be an HNetConfig object (arch_layout, d_model, ...)",
    );
  const defaults = implicitDefaultsSchema.parse(implicit ?? {});
  const mha = defaults.CausalMHA ?? {};
  const unsupported: string[] = [];
  if (mha.qkv_proj_bias || mha.out_proj_bias)
    unsupported.push("CausalMHA biases (qkv_proj_bias/out_proj_bias)");
  if (mha.softmax_scale !== undefined && mha.softmax_scale !== null)
    unsupported.push("a custom softmax_scale");
  if (mha.rotary_emb_interleaved) unsupported.push("interleaved rotary");
  if (defaults.SwiGLU?.bias) unsupported.push("SwiGLU biases");
  if (defaults.Block?.norm && defaults.Block.norm !== "RMSNorm")
    unsupported.push(`norm ${defaults.Block.norm}`);
  const blockEps = defaults.Block?.norm_epsilon;
  const stackEps = defaults["Isotropic.rmsnorm"]?.eps;
  if (blockEps !== undefined && stackEps !== undefined && blockEps !== stackEps)
    unsupported.push(`different block (${blockEps}) and stack (${stackEps}) RMSNorm eps`);
  if (unsupported.length)
    throw new Error(`hnet import: this port does not implement ${unsupported.join(", ")}`);

  const ref = referenceConfig as Record<string, unknown>;
  const mamba = defaults["Mamba2 (only for m/M blocks)"] ?? {};
  const config = {
    ...ref,
    ssm_cfg: {
      ...(ref.ssm_cfg as object | undefined),
      ...definedOnly({ headdim: mamba.headdim, ngroups: mamba.ngroups }),
    },
    ...definedOnly({
      norm_eps: blockEps ?? stackEps,
      rotary_emb_base: mha.rotary_emb_base,
      swiglu_multiple_of: defaults.SwiGLU?.multiple_of,
    }),
    ...(ratioTargets ? { ratio_loss: { N: ratioTargets } } : {}),
  };
  parseOrThrow(hnetConfigSchema, config, "hnet import: the reference config does not fit this port");
  return config as HNetConfigInput;
}

function definedOnly<T extends Record<string, unknown>>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Builds an H-Net with reference weights (PyTorch state_dict names and shapes, e.g. a golden fixture's).
 * Strict: every reference tensor must land on a parameter of the same shape and every parameter must get one.
 */
export function createHNetFromReference(
  config: HNetConfigInput,
  weights: Map<string, ReferenceTensor>,
): HNetLM {
  const model = new HNetLM(config);
  try {
    // With tied embeddings the state_dict lists the shared matrix under both names.
    const tied = model.config.tie_embeddings;
    model.params.loadReference(weights, (name) =>
      tied && name === "lm_head.weight" ? "embeddings.weight" : name,
    );
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}
