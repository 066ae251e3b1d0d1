import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { AdamWState } from "../optim/adamw";
import { CHECKPOINTS_DIRNAME, type CheckpointMeta, checkpointMetaSchema, LATEST_POINTER } from "./format";
import { readLatestName, sha256 } from "./save";

export interface LoadedCheckpoint {
  /** The step directory that was read. */
  dir: string;
  /** The run directory it belongs to (`<runDir>/checkpoints/<step dir>`). */
  runDir: string;
  meta: CheckpointMeta;
  /** Parameter values by name. */
  params: Map<string, { shape: number[]; values: Float32Array }>;
  optimizer: AdamWState;
}

/**
 * Resolves what a user passed to `--resume` / `--checkpoint`: a run directory (uses checkpoints/latest),
 * a checkpoints directory (uses latest) or one step directory (has meta.json).
 */
export function resolveCheckpointDir(path: string): string {
  const p = resolve(path);
  if (!existsSync(p))
    throw new Error(`checkpoint path ${p} does not exist; pass a run directory or a checkpoint directory`);
  if (existsSync(join(p, "meta.json"))) return p;
  for (const root of [join(p, CHECKPOINTS_DIRNAME), p]) {
    if (!existsSync(join(root, LATEST_POINTER))) continue;
    const name = readLatestName(root);
    if (!name) throw new Error(`${join(root, LATEST_POINTER)} is empty; pass a step directory instead`);
    const dir = join(root, name);
    if (!existsSync(join(dir, "meta.json")))
      throw new Error(
        `${join(root, LATEST_POINTER)} names ${name}, which has no meta.json; pass an older step directory`,
      );
    return dir;
  }
  throw new Error(
    `${p} holds no checkpoint (no meta.json, no ${CHECKPOINTS_DIRNAME}/${LATEST_POINTER}); pass the run directory that \`bytelab train\` wrote`,
  );
}

/** Reads and verifies (schema, file sizes, sha256) a checkpoint. */
export function loadCheckpoint(path: string): LoadedCheckpoint {
  const dir = resolveCheckpointDir(path);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(join(dir, "meta.json"), "utf8"));
  } catch (e) {
    throw new Error(`checkpoint ${dir}: meta.json is not valid JSON (${(e as Error).message})`);
  }
  const parsed = checkpointMetaSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `checkpoint ${dir}: meta.json field ${issue?.path.join(".")} is invalid (${issue?.message})`,
    );
  }
  const meta = parsed.data;
  const weights = readVerified(dir, "weights.bin", meta);
  const moments = readVerified(dir, "optimizer.bin", meta);
  const total = meta.optimizer.secondMomentOffset;
  if (weights.length !== total || moments.length !== 2 * total)
    throw new Error(
      `checkpoint ${dir}: weights hold ${weights.length} floats and moments ${moments.length}, expected ${total} and ${2 * total}`,
    );

  const params = new Map<string, { shape: number[]; values: Float32Array }>();
  const m: Float32Array[] = [];
  const v: Float32Array[] = [];
  for (const e of meta.params) {
    if (e.offset + e.numel > total) throw new Error(`checkpoint ${dir}: ${e.name} lies outside weights.bin`);
    params.set(e.name, { shape: e.shape, values: weights.slice(e.offset, e.offset + e.numel) });
    m.push(moments.slice(e.offset, e.offset + e.numel));
    v.push(moments.slice(total + e.offset, total + e.offset + e.numel));
  }
  return { dir, runDir: dirname(dirname(dir)), meta, params, optimizer: { step: meta.optimizer.step, m, v } };
}

function readVerified(dir: string, file: string, meta: CheckpointMeta): Float32Array {
  const digest = meta.files[file];
  if (!digest) throw new Error(`checkpoint ${dir}: meta.json lists no ${file}`);
  const path = join(dir, file);
  if (!existsSync(path)) throw new Error(`checkpoint ${dir}: ${file} is missing`);
  const buf = readFileSync(path);
  if (buf.byteLength !== digest.bytes || sha256(buf) !== digest.sha256)
    throw new Error(
      `checkpoint ${basename(dir)}: ${file} is corrupt (${buf.byteLength} bytes, expected ${digest.bytes}, or checksum mismatch); resume from an older checkpoint`,
    );
  // Copy into a fresh (4-byte aligned) buffer: Buffer offsets are not always aligned.
  const copy = new Uint8Array(buf.byteLength);
  copy.set(buf);
  return new Float32Array(copy.buffer);
}
