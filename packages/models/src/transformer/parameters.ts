import { ParamStore } from "../params";
import { headDim, mlpHidden, type TransformerConfig } from "./config";

export const VOCAB = 256;

/**
 * Creates every parameter under nanoGPT's state_dict names (transformer.wte, transformer.h.{i}.attn.c_attn, ...;
 * SwiGLU uses LLaMA's w1 (gate), w3 (up), w2 (down); RMSNorm has weight only).
 * Init as nanoGPT/GPT-2: N(0, init_std) for matrices and embeddings, zeros for biases, ones for norm gains,
 * and N(0, init_std / sqrt(2 n_layer)) for the projections that write into the residual stream (c_proj, w2).
 * Linear weights are [out, in] (PyTorch layout).
 */
export function createTransformerParams(c: TransformerConfig, seed: number): ParamStore {
  const p = new ParamStore(seed);
  const d = c.n_embd;
  const hidden = mlpHidden(c);
  const std = { kind: "normal", std: c.init_std } as const;
  const residualStd = { kind: "normal", std: c.init_std / Math.sqrt(2 * c.n_layer) } as const;
  const linear = (name: string, out: number, inp: number, init: typeof std | typeof residualStd = std) => {
    p.create(`${name}.weight`, [out, inp], init);
    if (c.bias) p.create(`${name}.bias`, [out], { kind: "zeros" });
  };
  const norm = (name: string) => {
    p.create(`${name}.weight`, [d], { kind: "ones" });
    if (c.norm === "layernorm" && c.bias) p.create(`${name}.bias`, [d], { kind: "zeros" });
  };
  p.create("transformer.wte.weight", [VOCAB, d], std);
  if (c.positions === "learned") p.create("transformer.wpe.weight", [c.block_size, d], std);
  for (let i = 0; i < c.n_layer; i++) {
    const h = `transformer.h.${i}`;
    norm(`${h}.ln_1`);
    linear(`${h}.attn.c_attn`, 3 * d, d);
    linear(`${h}.attn.c_proj`, d, d, residualStd);
    norm(`${h}.ln_2`);
    if (c.mlp === "gelu") {
      linear(`${h}.mlp.c_fc`, hidden, d);
      linear(`${h}.mlp.c_proj`, d, hidden, residualStd);
    } else {
      linear(`${h}.mlp.w1`, hidden, d);
      linear(`${h}.mlp.w3`, hidden, d);
      linear(`${h}.mlp.w2`, d, hidden, residualStd);
    }
  }
  norm("transformer.ln_f");
  if (!c.tie_embeddings) p.create("lm_head.weight", [VOCAB, d], std);
  if (headDim(c) * c.n_head !== d)
    throw new Error("unreachable: n_embd divisible by n_head is checked by the schema");
  return p;
}
