/** Byte count and order-0 statistics of a byte buffer (e.g. a split). */
export interface ByteStats {
  bytes: number;
  /** How many of the 256 byte values occur. */
  distinctBytes: number;
  /**
   * Entropy of the byte unigram distribution in bits per byte, −Σ p·log2 p: the loss of the best
   * model that ignores context, i.e. the baseline a byte-level language model must beat.
   */
  unigramBitsPerByte: number;
}

export function byteCounts(bytes: Uint8Array): Float64Array {
  const counts = new Float64Array(256); // [256]
  for (let i = 0; i < bytes.length; i++) counts[bytes[i]!]! += 1;
  return counts;
}

export function byteStats(bytes: Uint8Array): ByteStats {
  const counts = byteCounts(bytes);
  const n = bytes.length;
  let entropy = 0;
  let distinct = 0;
  for (const c of counts) {
    if (c === 0) continue;
    distinct += 1;
    const p = c / n;
    entropy -= p * Math.log2(p);
  }
  return { bytes: n, distinctBytes: distinct, unigramBitsPerByte: entropy === 0 ? 0 : entropy };
}
