import { z } from "zod";

/** The answer of GET /api/v1/runs/{id}/boundaries: H-Net chunk boundaries over validation text. */
export const runBoundariesSchema = z.object({
  format: z.literal("bytelab.run-boundaries/1"),
  runId: z.string(),
  architecture: z.string(),
  /** Whether boundaries could be computed; when false, `reason` says why (not H-Net, no checkpoint yet, ...). */
  available: z.boolean(),
  reason: z.string().nullable(),
  /** The checkpoint used (the latest), null when the run has none yet. */
  checkpoint: z.object({ step: z.int().nullable(), uri: z.string(), createdAt: z.string() }).nullable(),
  /** Context length the boundaries were computed in (the run's seqLen). */
  seqLen: z.int().nullable(),
  /** Validation bytes shown. */
  bytes: z.int(),
  /**
   * The text in pieces: each piece starts where a chunk starts (depth = how many nested stages start a chunk
   * there: 1 an outer-stage chunk, 2 also a stage-1 chunk, ...), the first piece may have depth 0.
   */
  pieces: z.array(z.object({ text: z.string(), depth: z.int().min(0) })),
  /** Per stage: chunks in the text and bytes per chunk (the compression ratio on this text). */
  stages: z.array(z.object({ stage: z.int(), chunks: z.int(), bytesPerChunk: z.number().nullable() })),
});
export type RunBoundaries = z.infer<typeof runBoundariesSchema>;
