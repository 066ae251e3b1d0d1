import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import type { ServiceContext } from "../context";
import { NotFoundError } from "../errors";

/**
 * GET /api/v1/runs/{id}/boundaries: H-Net's chunk boundaries over a sample of validation text, computed with
 * the run's latest checkpoint: what `bytelab sample --show-boundaries` computes (chunkBoundaryDepths in
 * windows of the training context length), on held-out text instead of generated text. It runs the model, so
 * callers ask for it on demand (the run page's button), and answers are cached per checkpoint.
 */
export const runBoundariesQuerySchema = z.object({
  /** Bytes of validation text to show (64-4096, default 512), cut at a UTF-8 character boundary. */
  bytes: z.coerce.number().int().min(64).max(4096).default(512),
});
export type RunBoundariesQuery = z.input<typeof runBoundariesQuerySchema>;

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

const cache = new Map<string, RunBoundaries>();
const CACHE_LIMIT = 64;

/** Pieces of `bytes` each starting at a chunk start; multi-byte UTF-8 characters stay whole. */
export function boundaryPieces(bytes: Uint8Array, depth: Uint8Array): RunBoundaries["pieces"] {
  const decoder = new TextDecoder("utf-8", { fatal: false });
  const pieces: RunBoundaries["pieces"] = [];
  let start = 0;
  let startDepth = 0;
  let i = 0;
  while (i < bytes.length) {
    let j = i + 1;
    while (j < bytes.length && (bytes[j]! & 0xc0) === 0x80) j++;
    const d = Math.max(...depth.subarray(i, j));
    if (d > 0 && i > start) {
      pieces.push({ text: decoder.decode(bytes.subarray(start, i)), depth: startDepth });
      start = i;
    }
    if (d > 0 && i === start) startDepth = d;
    i = j;
  }
  if (start < bytes.length) pieces.push({ text: decoder.decode(bytes.subarray(start)), depth: startDepth });
  return pieces;
}

/** The first `n` bytes, shortened so no UTF-8 character is cut. */
function utf8Prefix(bytes: Uint8Array, n: number): Uint8Array {
  let end = Math.min(n, bytes.length);
  while (end > 0 && end < bytes.length && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}

export async function runBoundaries(
  ctx: ServiceContext,
  runId: string,
  query: RunBoundariesQuery = {},
): Promise<RunBoundaries> {
  const q = runBoundariesQuerySchema.parse(query);
  const run = await ctx.prisma.run.findUnique({
    where: { id: runId },
    select: { id: true, architecture: true, config: true },
  });
  if (!run) throw new NotFoundError("run", runId);
  const base = {
    format: "bytelab.run-boundaries/1" as const,
    runId,
    architecture: run.architecture,
    checkpoint: null,
    seqLen: null,
    bytes: 0,
    pieces: [],
    stages: [],
  };
  if (run.architecture !== "hnet")
    return {
      ...base,
      available: false,
      reason: `${run.architecture} has no dynamic chunk boundaries (only hnet has)`,
    };
  const artifact = await ctx.prisma.artifact.findFirst({
    where: { runId, kind: "CHECKPOINT" },
    orderBy: [{ step: { sort: "desc", nulls: "last" } }, { createdAt: "desc" }],
  });
  if (!artifact)
    return {
      ...base,
      available: false,
      reason: "no checkpoint yet: the run saves one every checkpoint.interval steps and when it finishes",
    };
  const checkpoint = { step: artifact.step, uri: artifact.uri, createdAt: artifact.createdAt.toISOString() };
  const key = `${runId}\u0000${artifact.sha256}\u0000${q.bytes}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let path: string;
  try {
    path = artifact.uri.startsWith("file:") ? fileURLToPath(artifact.uri) : artifact.uri;
  } catch {
    path = artifact.uri;
  }
  if (!existsSync(path))
    return {
      ...base,
      checkpoint,
      available: false,
      reason: `the checkpoint ${artifact.uri} is not on this server's disk (it lives where the worker ran: share BYTELAB_HOME)`,
    };

  // TF.js and the model zoo load only here: listing and reading runs never pays for them.
  const [{ initBackend }, train, data] = await Promise.all([
    import("@bytelab/models"),
    import("@bytelab/train"),
    import("@bytelab/data"),
  ]);
  await initBackend();
  const { model, config } = await train.loadModelFromCheckpoint(path);
  try {
    const known = data.listDatasets().find((d) => d.name === config.dataset);
    if (known && !known.available)
      return {
        ...base,
        checkpoint,
        seqLen: config.seqLen,
        available: false,
        reason: `dataset ${config.dataset} is not downloaded on this server, so there is no validation text to show`,
      };
    const dataset = await data.openDataset(config.dataset, { seqLen: config.seqLen, log: () => undefined });
    const text = utf8Prefix(dataset.splits.validation.bytes, q.bytes);
    const depth = new Uint8Array(text.length);
    for (let start = 0; start < text.length; start += config.seqLen) {
      const part = train.chunkBoundaryDepths(model, text.subarray(start, start + config.seqLen));
      if (part) depth.set(part, start);
    }
    const maxDepth = depth.reduce((m, d) => Math.max(m, d), 0);
    const stages = Array.from({ length: maxDepth }, (_, s) => {
      const chunks = depth.reduce((n, d) => n + (d > s ? 1 : 0), 0);
      return { stage: s, chunks, bytesPerChunk: chunks > 0 ? text.length / chunks : null };
    });
    const answer: RunBoundaries = {
      ...base,
      available: true,
      reason: null,
      checkpoint,
      seqLen: config.seqLen,
      bytes: text.length,
      pieces: boundaryPieces(text, depth),
      stages,
    };
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(key, answer);
    return answer;
  } finally {
    model.dispose();
  }
}
