import type { Initializer, ParamStore } from "../params";
import { bytesPerElement, type MegabyteConfig, stageCount } from "./config";

/** Byte vocabulary (the reference's num_tokens; bytelab models are byte-level). */
export const VOCAB = 256;

/** Rotary base of the reference's RotaryEmbedding (rel_pos = true): theta = 10000. */
export const ROTARY_THETA = 10000;

/** PyTorch's default nn.Linear init: weight and bias ~ U(-1/sqrt(in), 1/sqrt(in)). */
function linearInit(inFeatures: number): Initializer {
  return { kind: "uniform", limit: 1 / Math.sqrt(inFeatures) };
}

const STANDARD_NORMAL: Initializer = { kind: "normal", std: 1 }; // nn.Embedding and torch.randn
const ONES: Initializer = { kind: "ones" };
const ZEROS: Initializer = { kind: "zeros" };

function createLinear(store: ParamStore, name: string, inF: number, outF: number, bias: boolean): void {
  store.create(`${name}.weight`, [outF, inF], linearInit(inF)); // PyTorch layout [out, in]
  if (bias) store.create(`${name}.bias`, [outF], linearInit(inF));
}

/** One stage's Transformer: layers of (Attention, FeedForward) and a final RMSNorm. */
function createTransformer(store: ParamStore, prefix: string, dim: number, depth: number, c: MegabyteConfig) {
  const inner = c.heads * c.dim_head;
  const hidden = dim * c.ff_mult;
  for (let l = 0; l < depth; l++) {
    const layer = `${prefix}.layers.${l}`;
    store.create(`${layer}.0.norm.g`, [dim], ONES);
    createLinear(store, `${layer}.0.to_q`, dim, inner, false);
    createLinear(store, `${layer}.0.to_kv`, dim, 2 * inner, false);
    createLinear(store, `${layer}.0.to_out`, inner, dim, false);
    store.create(`${layer}.1.0.g`, [dim], ONES); // FeedForward = Sequential(RMSNorm, Linear, GELU, Dropout, Linear)
    createLinear(store, `${layer}.1.1`, dim, hidden, true);
    createLinear(store, `${layer}.1.4`, hidden, dim, true);
  }
  store.create(`${prefix}.norm.g`, [dim], ONES);
}

/**
 * Creates every parameter with the reference's state_dict name and shape, in its registration order
 * (start_tokens, pos_embs, token_embs, transformers, to_next_transformer_projections, to_logits), with the
 * reference's default initialisation.
 *
 * token_embs[0] embeds bytes for the last (local) stage; token_embs[i] (i >= 1) is the patch embedder of
 * stage S-1-i: Sequential(Embedding, Rearrange, LayerNorm(G*d_fine), Linear(G*d_fine, d), LayerNorm(d)),
 * G = bytes per element of that stage.
 */
export function createMegabyteParameters(store: ParamStore, c: MegabyteConfig): void {
  const stages = stageCount(c);
  const fine = c.dim[stages - 1]!;
  for (let s = 0; s < stages; s++) store.create(`start_tokens.${s}`, [c.dim[s]!], STANDARD_NORMAL);
  if (c.pos_emb)
    for (let s = 0; s < stages; s++)
      store.create(`pos_embs.${s}.weight`, [c.max_seq_len[s]!, c.dim[s]!], STANDARD_NORMAL);

  store.create("token_embs.0.weight", [VOCAB, fine], STANDARD_NORMAL);
  for (let i = 1; i < stages; i++) {
    const stage = stages - 1 - i;
    const patchWidth = bytesPerElement(c, stage) * fine;
    const out = c.dim[stage]!;
    store.create(`token_embs.${i}.0.weight`, [VOCAB, fine], STANDARD_NORMAL);
    store.create(`token_embs.${i}.2.weight`, [patchWidth], ONES);
    store.create(`token_embs.${i}.2.bias`, [patchWidth], ZEROS);
    createLinear(store, `token_embs.${i}.3`, patchWidth, out, true);
    store.create(`token_embs.${i}.4.weight`, [out], ONES);
    store.create(`token_embs.${i}.4.bias`, [out], ZEROS);
  }

  for (let s = 0; s < stages; s++) createTransformer(store, `transformers.${s}`, c.dim[s]!, c.depth[s]!, c);

  for (let s = 0; s + 1 < stages; s++) {
    const next = c.dim[s + 1]! * c.max_seq_len[s + 1]!;
    createLinear(store, `to_next_transformer_projections.${s}.1`, c.dim[s]!, next, true);
  }
  createLinear(store, "to_logits", fine, VOCAB, true);
}
