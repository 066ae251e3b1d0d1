import type { ByteLM } from "@bytelab/models";
import * as tf from "@tensorflow/tfjs";

/** What H-Net's `forwardDetailed` returns about routing (duck-typed: other models have no chunk boundaries). */
interface RoutingStage {
  seqLen: number;
  lengths: number[];
  boundaryMask: Uint8Array;
}
interface DetailedForward {
  forwardDetailed(bytes: tf.Tensor2D): {
    logits: tf.Tensor;
    auxLoss: tf.Tensor;
    stageLosses: tf.Tensor[];
    routing: RoutingStage[];
  };
}

export function hasChunkBoundaries(model: ByteLM): boolean {
  return typeof (model as unknown as Partial<DetailedForward>).forwardDetailed === "function";
}

/**
 * For each byte of `bytes`, how many nested stages start a chunk there: 0 = none, 1 = an outer-stage
 * chunk starts here, 2 = also a stage-1 chunk, ... Stage s+1 elements are the stage-s chunks, so a
 * stage-(s+1) boundary maps back to the byte where that stage-s chunk starts. Returns undefined for
 * models without dynamic chunking.
 */
export function chunkBoundaryDepths(model: ByteLM, bytes: Uint8Array): Uint8Array | undefined {
  if (!hasChunkBoundaries(model) || bytes.length === 0) return undefined;
  const input = tf.tensor2d(Int32Array.from(bytes), [1, bytes.length], "int32"); // [1, T]
  const result = (model as unknown as DetailedForward).forwardDetailed(input);
  input.dispose();
  for (const t of [result.logits, result.auxLoss, ...result.stageLosses]) t.dispose();
  const depth = new Uint8Array(bytes.length);
  // positions[j] = the byte where element j of the current stage starts
  let positions = Array.from({ length: bytes.length }, (_, i) => i);
  for (const stage of result.routing) {
    const valid = stage.lengths[0] ?? 0;
    const next: number[] = [];
    for (let j = 0; j < valid && j < positions.length; j++) {
      if (stage.boundaryMask[j]) {
        const pos = positions[j]!;
        depth[pos] = depth[pos]! + 1;
        next.push(pos);
      }
    }
    positions = next;
  }
  return depth;
}

/**
 * Renders bytes as text with chunk boundaries: with color, each outer chunk alternates between two
 * colors and inner-stage starts are underlined; without color, '|' marks each outer chunk start and
 * '‖' (or more bars) deeper ones.
 */
export function renderWithBoundaries(bytes: Uint8Array, depth: Uint8Array, color: boolean): string {
  const decoder = new TextDecoder("utf-8", { fatal: false });
  let out = "";
  let chunk = 0;
  let i = 0;
  while (i < bytes.length) {
    // keep multi-byte UTF-8 characters whole: a chunk start inside one is shown before the character
    let j = i + 1;
    while (j < bytes.length && (bytes[j]! & 0xc0) === 0x80) j++;
    const d = Math.max(...depth.subarray(i, j));
    const text = decoder.decode(bytes.subarray(i, j));
    if (d > 0) chunk++;
    if (color) {
      const fg = chunk % 2 ? "\x1b[36m" : "\x1b[33m";
      out += `${fg}${d > 1 ? "\x1b[4m" : ""}${text}\x1b[0m`;
    } else {
      out += d === 0 ? text : `${d === 1 ? "|" : "‖".repeat(d - 1)}${text}`;
    }
    i = j;
  }
  return out;
}
