import { createHash } from "node:crypto";
import { DatasetError } from "./errors";

/** A loaded byte corpus: the raw bytes a byte-level model reads, plus where they came from. */
export interface Corpus {
  /** The dataset name as requested, e.g. "brown", "dir:src/**\/*.ts". */
  name: string;
  /** One line on what the bytes are. */
  description: string;
  /** The corpus bytes, [N]. */
  bytes: Uint8Array;
  /** SHA-256 (hex) of `bytes`: record it with a run to know exactly what it trained on. */
  sha256: string;
  /** Number of source files concatenated (1 for single-file corpora). */
  files: number;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Wraps loaded bytes as a Corpus, refusing an empty one. */
export function makeCorpus(
  name: string,
  description: string,
  bytes: Uint8Array,
  files: number,
  emptyFix: string,
): Corpus {
  if (bytes.length === 0) throw new DatasetError(name, "the corpus is empty (0 bytes)", emptyFix);
  return { name, description, bytes, sha256: sha256Hex(bytes), files };
}
