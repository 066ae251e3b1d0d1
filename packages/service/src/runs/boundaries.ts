import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { bytelabHome } from "@bytelab/data/env";
import { z } from "zod";
import type { ServiceContext } from "../context";
import { NotFoundError } from "../errors";
import { type RunBoundaries, runBoundariesSchema } from "../schemas/boundaries";

/**
 * GET /api/v1/runs/{id}/boundaries: H-Net's chunk boundaries over a sample of validation text, computed with
 * the run's latest checkpoint: what `bytelab sample --show-boundaries` computes (chunkBoundaryDepths in
 * windows of the training context length), on held-out text instead of generated text. It runs the model, so
 * callers ask for it on demand (the run page's button), and answers are cached per checkpoint. The model runs
 * in a child process (node + tsx, like the trainer's children): TF.js never loads into the web server, a slow
 * forward pass never blocks it, and its memory goes away with the child. The checkpoint is read where the
 * worker left it: its folder when that is on this machine, else downloaded from the artifact store
 * (BYTELAB_ARTIFACTS: a shared folder or s3://, as the workers use it).
 */
export const runBoundariesQuerySchema = z.object({
  /** Bytes of validation text to show (64-4096, default 512), cut at a UTF-8 character boundary. */
  bytes: z.coerce.number().int().min(64).max(4096).default(512),
});
export type RunBoundariesQuery = z.input<typeof runBoundariesQuerySchema>;

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

/** What the child computes from a checkpoint. */
const childAnswerSchema = z.union([
  z.object({
    ok: z.literal(true),
    seqLen: z.int(),
    bytes: z.int(),
    pieces: runBoundariesSchema.shape.pieces,
    stages: runBoundariesSchema.shape.stages,
  }),
  z.object({ ok: z.literal(false), seqLen: z.int().nullable(), reason: z.string() }),
]);
type ChildAnswer = z.infer<typeof childAnswerSchema>;

/** Where the child finds the checkpoint: a local folder, or an artifact-store URI (s3://...) to download. */
export interface CheckpointSource {
  uri: string;
  sha256: string;
  step: number | null;
}

/**
 * A local folder holding the checkpoint: the URI's own folder when it is a file URI on this machine, else a
 * download from the artifact store the environment names (BYTELAB_ARTIFACTS, as the workers use it) into a
 * temporary folder (removed by `cleanup`).
 */
async function localCheckpoint(src: CheckpointSource): Promise<{ dir: string; cleanup: () => void }> {
  const { mkdtempSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  if (src.uri.startsWith("file:")) {
    const dir = fileURLToPath(src.uri);
    if (existsSync(/* turbopackIgnore: true */ dir)) return { dir, cleanup: () => undefined };
  }
  const artifacts = await import(/* turbopackIgnore: true */ /* webpackIgnore: true */ "@bytelab/artifacts");
  const home = bytelabHome();
  const store = artifacts.openArtifactStore(process.env.BYTELAB_ARTIFACTS, { home });
  if (store.keyOf(src.uri) === null)
    throw new Error(
      `the checkpoint ${src.uri} is neither on this server's disk nor in the artifact store ${store.url} (set BYTELAB_ARTIFACTS as the workers do)`,
    );
  const runDir = mkdtempSync(join(tmpdir(), "bytelab-boundaries-"));
  const cleanup = () => rmSync(runDir, { recursive: true, force: true });
  try {
    const got = await artifacts.downloadCheckpoint(store, src.uri, runDir, {
      sha256: src.sha256,
      ...(src.step !== null ? { step: src.step } : {}),
    });
    return { dir: got.dir, cleanup };
  } catch (error) {
    cleanup();
    throw error;
  }
}

/** Runs the model of the checkpoint over `bytes` bytes of its dataset's validation text. */
export async function computeBoundaries(src: CheckpointSource, bytes: number): Promise<ChildAnswer> {
  // Left to the runtime (the child runs this file with tsx): a bundler must not pull TF.js into the web server.
  const [{ initBackend }, train, data] = await Promise.all([
    import(/* turbopackIgnore: true */ /* webpackIgnore: true */ "@bytelab/models"),
    import(/* turbopackIgnore: true */ /* webpackIgnore: true */ "@bytelab/train"),
    import(/* turbopackIgnore: true */ /* webpackIgnore: true */ "@bytelab/data"),
  ]);
  const local = await localCheckpoint(src);
  await initBackend();
  const { model, config } = await train.loadModelFromCheckpoint(local.dir).catch((error: unknown) => {
    local.cleanup();
    throw error;
  });
  try {
    const known = data.listDatasets().find((d) => d.name === config.dataset);
    if (known && !known.available)
      return {
        ok: false,
        seqLen: config.seqLen,
        reason: `dataset ${config.dataset} is not downloaded on this server, so there is no validation text to show`,
      };
    const dataset = await data.openDataset(config.dataset, { seqLen: config.seqLen, log: () => undefined });
    const text = utf8Prefix(dataset.splits.validation.bytes, bytes);
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
    return {
      ok: true,
      seqLen: config.seqLen,
      bytes: text.length,
      pieces: boundaryPieces(text, depth),
      stages,
    };
  } finally {
    model.dispose();
    local.cleanup();
  }
}

/** This file, found from the working directory (the web server runs bundled, so import.meta.url is no help). */
function thisFile(): string | null {
  const rel = join("packages", "service", "src", "runs", "boundaries.ts");
  let dir = process.cwd();
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, rel);
    if (existsSync(/* turbopackIgnore: true */ candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return null;
}

const CHILD_TIMEOUT_MS = 180_000;

/** computeBoundaries in a child process: node --import tsx boundaries.ts, one JSON line back. */
function computeInChild(src: CheckpointSource, bytes: number): Promise<ChildAnswer> {
  const file = thisFile();
  if (!file)
    return Promise.resolve({
      ok: false,
      seqLen: null,
      reason:
        "this server has no source tree to run the model from (packages/service/src/runs/boundaries.ts)",
    });
  const root = join(dirname(file), "..", "..", "..", "..");
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", file, JSON.stringify({ src, bytes })], {
      cwd: root,
      env: { ...process.env, NODE_ENV: "production" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString("utf8");
    });
    child.stderr.on("data", (d: Buffer) => {
      err = (err + d.toString("utf8")).slice(-4000);
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), CHILD_TIMEOUT_MS);
    child.on("close", (code) => {
      clearTimeout(timer);
      const line = out.trim().split("\n").at(-1) ?? "";
      try {
        resolve(childAnswerSchema.parse(JSON.parse(line)));
      } catch {
        const last = err.trim().split("\n").filter(Boolean).slice(-3).join(" | ");
        resolve({
          ok: false,
          seqLen: null,
          reason: `running the model failed (exit ${code ?? "killed"}): ${last || "no output"}`,
        });
      }
    });
  });
}

export async function runBoundaries(
  ctx: ServiceContext,
  runId: string,
  query: RunBoundariesQuery = {},
): Promise<RunBoundaries> {
  const q = runBoundariesQuerySchema.parse(query);
  const run = await ctx.prisma.run.findUnique({
    where: { id: runId },
    select: { id: true, architecture: true },
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
  const answer = await computeInChild(
    { uri: artifact.uri, sha256: artifact.sha256, step: artifact.step },
    q.bytes,
  );
  if (!answer.ok)
    return { ...base, checkpoint, seqLen: answer.seqLen, available: false, reason: answer.reason };
  const result: RunBoundaries = {
    ...base,
    available: true,
    reason: null,
    checkpoint,
    seqLen: answer.seqLen,
    bytes: answer.bytes,
    pieces: answer.pieces,
    stages: answer.stages,
  };
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, result);
  return result;
}

// The child: `node --import tsx boundaries.ts '{"path":...,"bytes":...}'` prints one JSON line.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = z
    .object({
      src: z.object({ uri: z.string(), sha256: z.string(), step: z.int().nullable() }),
      bytes: z.int(),
    })
    .parse(JSON.parse(process.argv[2] ?? "{}"));
  computeBoundaries(args.src, args.bytes).then(
    (answer) => {
      process.stdout.write(`${JSON.stringify(answer)}\n`);
      process.exit(0);
    },
    (error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      process.stdout.write(`${JSON.stringify({ ok: false, seqLen: null, reason })}\n`);
      process.exit(0);
    },
  );
}
