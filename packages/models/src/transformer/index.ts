export {
  headDim as transformerHeadDim,
  mlpHidden as transformerMlpHidden,
  parseTransformerConfig,
  type TransformerConfig,
  type TransformerConfigInput,
  transformerConfigSchema,
} from "./config";
export { transformerFlopsPerByte } from "./flops";
export { createTransformer, TransformerLM } from "./model";
export { createTransformerParams } from "./parameters";
