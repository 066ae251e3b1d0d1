/** Bytes are the tokens: the embedding and the logits have 256 rows. */
export const VOCAB_SIZE = 256;
