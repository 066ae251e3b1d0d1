export { geluExact, silu } from "./activations";
export { causalAttention, causalAttentionComposite, fusedCausalAttentionAvailable } from "./causal-attention";
export { attentionBias, MASK_VALUE, mergeHeads, scaledDotProductAttention, splitHeads } from "./attention";
export { DropoutSeeds, dropout, mixSeeds } from "./dropout";
export {
  fusedCausalSelfAttention,
  fusedCrossEntropy,
  fusedGelu,
  fusedKernelsAvailable,
  fusedLinear,
  fusedNorm,
  fusedRotary,
  fusedSwiGLU,
} from "./fused";
export { gatherRows } from "./gather";
export { linear } from "./linear";
export { layerNorm, rmsNorm, rmsNormClamped } from "./norms";
export { applyRotary, rotaryTables } from "./rotary";
