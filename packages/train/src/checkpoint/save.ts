import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { AdamWState } from "../optim/adamw";
import {
  CHECKPOINT_DIR_PATTERN,
  CHECKPOINT_FORMAT_VERSION,
  CHECKPOINTS_DIRNAME,
  type CheckpointMeta,
  checkpointDirName,
  LATEST_POINTER,
  type TensorEntry,
} from "./format";
import { fsyncDir, replaceFileAtomic, writeFileDurable } from "./fs-durable";

export interface NamedValues {
  name: string;
  shape: number[];
  values: Float32Array;
}

export interface CheckpointData {
  step: number;
  architecture: string;
  config: Record<string, unknown>;
  configHash: string;
  /** Trainable parameters in the model's stable order. */
  params: NamedValues[];
  optimizer: AdamWState;
  samplerState: unknown;
  rngState: number;
  trainer: CheckpointMeta["trainer"];
}

export interface SaveOptions {
  /** Keep this many newest checkpoints (the one `latest` names is never deleted). */
  keep: number;
  /**
   * Called after every file is written and fsynced in the temporary directory, before it is renamed
   * into place. Tests throw here to simulate a crash mid-save.
   */
  beforeCommit?: (tempDir: string) => void;
}

/** `<runDir>/checkpoints`. */
export function checkpointsDir(runDir: string): string {
  return join(runDir, CHECKPOINTS_DIRNAME);
}

/**
 * Saves a checkpoint atomically:
 *   1. write meta.json, weights.bin, optimizer.bin into `checkpoints/.tmp-...`, fsync each file and the dir
 *   2. rename the temp dir to `checkpoints/step-NNNNNNNNN` (atomic on POSIX), fsync `checkpoints/`
 *   3. replace the `latest` pointer file atomically (write latest.tmp, fsync, rename)
 *   4. delete checkpoints beyond `keep` and leftovers of interrupted saves
 * A crash at any point leaves `latest` naming a complete checkpoint (or no `latest` at all).
 * Returns the checkpoint directory.
 */
export function saveCheckpoint(runDir: string, data: CheckpointData, opts: SaveOptions): string {
  const root = checkpointsDir(runDir);
  mkdirSync(root, { recursive: true });
  const name = checkpointDirName(data.step);
  const finalDir = join(root, name);
  const tempDir = join(root, `.tmp-${name}-${process.pid}-${Date.now()}`);
  mkdirSync(tempDir);

  const params: TensorEntry[] = [];
  let offset = 0;
  for (const p of data.params) {
    const numel = p.values.length;
    if (numel !== p.shape.reduce((a, b) => a * b, 1))
      throw new Error(`checkpoint: ${p.name} has ${numel} values but shape [${p.shape}]`);
    params.push({ name: p.name, shape: p.shape, offset, numel });
    offset += numel;
  }
  const weights = concatFloat32(
    data.params.map((p) => p.values),
    offset,
  );
  const moments = concatFloat32([...data.optimizer.m, ...data.optimizer.v], 2 * offset);

  const files: CheckpointMeta["files"] = {};
  for (const [file, arr] of [
    ["weights.bin", weights],
    ["optimizer.bin", moments],
  ] as const) {
    const bytes = new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
    writeFileDurable(join(tempDir, file), bytes);
    files[file] = { bytes: bytes.byteLength, sha256: sha256(bytes) };
  }
  const meta: CheckpointMeta = {
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    step: data.step,
    createdAt: new Date().toISOString(),
    architecture: data.architecture,
    config: data.config,
    configHash: data.configHash,
    params,
    optimizer: { step: data.optimizer.step, secondMomentOffset: offset },
    samplerState: data.samplerState,
    rngState: data.rngState,
    trainer: data.trainer,
    files,
  };
  writeFileDurable(join(tempDir, "meta.json"), `${JSON.stringify(meta, null, 1)}\n`);
  fsyncDir(tempDir);

  opts.beforeCommit?.(tempDir);

  if (existsSync(finalDir)) {
    // Re-saving a step (e.g. a resumed run reaching it again): move the old one aside first,
    // since rename cannot replace a non-empty directory.
    const trash = join(root, `.old-${name}-${process.pid}-${Date.now()}`);
    renameSync(finalDir, trash);
    renameSync(tempDir, finalDir);
    rmSync(trash, { recursive: true, force: true });
  } else {
    renameSync(tempDir, finalDir);
  }
  fsyncDir(root);
  replaceFileAtomic(join(root, LATEST_POINTER), `${name}\n`, root);
  pruneCheckpoints(root, opts.keep);
  return finalDir;
}

/** Deletes all but the newest `keep` step directories (never the one `latest` names) and stale temp dirs. */
export function pruneCheckpoints(root: string, keep: number): void {
  const latest = readLatestName(root);
  const entries = readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory());
  for (const e of entries) {
    if (e.name.startsWith(".tmp-") || e.name.startsWith(".old-")) {
      // Only our own process writes this run's checkpoints; anything left is from a crash.
      rmSync(join(root, e.name), { recursive: true, force: true });
    }
  }
  const steps = entries
    .map((e) => e.name)
    .filter((n) => CHECKPOINT_DIR_PATTERN.test(n))
    .sort();
  for (const n of steps.slice(0, Math.max(0, steps.length - keep)))
    if (n !== latest) rmSync(join(root, n), { recursive: true, force: true });
}

/** The directory name `latest` points to, or undefined when there is none. */
export function readLatestName(root: string): string | undefined {
  const pointer = join(root, LATEST_POINTER);
  if (!existsSync(pointer)) return undefined;
  const name = readFileSync(pointer, "utf8").trim();
  return name || undefined;
}

function concatFloat32(parts: Float32Array[], total: number): Float32Array {
  const out = new Float32Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  if (off !== total) throw new Error(`checkpoint: expected ${total} floats, got ${off}`);
  return out;
}

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
