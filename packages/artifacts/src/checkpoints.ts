import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ArtifactStore } from "./store";

/*
 * Checkpoints in the artifact store.
 *
 *   runs/<runId>/checkpoints/step-000000020-a2/meta.json        written last (its sha256 identifies the checkpoint)
 *                                              weights.bin
 *                                              optimizer.bin
 *                                              metrics.jsonl    the run's metric records up to that step
 *   runs/<runId>/checkpoints/latest                             the newest committed folder name (advisory)
 *   runs/<runId>/a2/run.json, metrics.jsonl                     the run's artifacts when attempt 2 finished it
 *
 * A folder name carries the attempt that wrote it, so a stale worker never overwrites the files of the worker
 * that took the run over. Writing a checkpoint: every file (temp file + rename, or one S3 PUT each), meta.json
 * last; then the caller commits it (a fenced artifacts row in Postgres: the authority on which checkpoints
 * exist), then the `latest` pointer object; then older folders are pruned. A folder no row names is garbage
 * (an interrupted upload, a refused stale attempt) and pruning deletes it.
 */

export const CHECKPOINT_META = "meta.json";
/** The run's metric records up to the checkpoint's step, kept with it (a takeover elsewhere rewrites them). */
export const CHECKPOINT_METRICS = "metrics.jsonl";
export const LATEST_OBJECT = "latest";

export function runPrefix(runId: string): string {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(runId))
    throw new Error(`run id ${JSON.stringify(runId)} cannot name a folder (letters, digits, _ and - only)`);
  return `runs/${runId}/`;
}

export function checkpointsPrefix(runId: string): string {
  return `${runPrefix(runId)}checkpoints/`;
}

/** Folder name of the checkpoint of `attempt` after `step` steps. */
export function checkpointFolder(step: number, attempt: number): string {
  return `step-${String(step).padStart(9, "0")}-a${attempt}`;
}

/** Step of a checkpoint folder name (ours, or the plain step-NNNNNNNNN of a local run folder). */
export function stepOfFolder(name: string): number | null {
  const m = /^step-(\d{9})(?:-a\d+)?$/.exec(name);
  return m ? Number.parseInt(m[1]!, 10) : null;
}

export interface UploadedCheckpoint {
  step: number;
  /** The folder's key prefix (ends with "/"). */
  prefix: string;
  /** What the artifacts row records: the folder's URI (file:///.../step-...-a2 or s3://bucket/.../step-...-a2). */
  uri: string;
  /** Total bytes of the checkpoint's files. */
  bytes: number;
  /** sha256 of meta.json (which digests the weight files). */
  sha256: string;
}

/**
 * Copies the checkpoint folder `localDir` (meta.json, weights.bin, optimizer.bin) and `extra` files into the
 * store as the folder of (`step`, `attempt`), meta.json last. Not committed yet: the caller records it.
 */
export async function uploadCheckpoint(
  store: ArtifactStore,
  opts: {
    runId: string;
    attempt: number;
    step: number;
    localDir: string;
    extra?: Record<string, Uint8Array | string>;
  },
): Promise<UploadedCheckpoint> {
  const prefix = `${checkpointsPrefix(opts.runId)}${checkpointFolder(opts.step, opts.attempt)}/`;
  const files = readdirSync(opts.localDir).filter((f) => statSync(join(opts.localDir, f)).isFile());
  if (!files.includes(CHECKPOINT_META))
    throw new Error(`${opts.localDir} is not a checkpoint (no meta.json)`);
  // meta.json is read first: if the folder is pruned or replaced while we copy, a file is missing (ENOENT)
  // and the upload fails, rather than pairing one checkpoint's meta.json with another's weights.
  const meta = await readFile(join(opts.localDir, CHECKPOINT_META));
  let bytes = 0;
  for (const file of files.filter((f) => f !== CHECKPOINT_META)) {
    const body = await readFile(join(opts.localDir, file));
    await store.put(`${prefix}${file}`, body);
    bytes += body.byteLength;
  }
  for (const [name, body] of Object.entries(opts.extra ?? {})) await store.put(`${prefix}${name}`, body);
  await store.put(`${prefix}${CHECKPOINT_META}`, meta);
  bytes += meta.byteLength;
  return {
    step: opts.step,
    prefix,
    uri: store.uri(prefix.slice(0, -1)),
    bytes,
    sha256: createHash("sha256").update(meta).digest("hex"),
  };
}

export interface DownloadedCheckpoint {
  step: number;
  /** The local checkpoint folder (runDir/checkpoints/step-NNNNNNNNN), named by runDir/checkpoints/latest. */
  dir: string;
  /** The metric records kept with it (metrics.jsonl text), if any. */
  metrics: string | null;
}

/** The checkpoint stored at `uri` is missing or damaged. */
export class CheckpointUnavailableError extends Error {
  override readonly name = "CheckpointUnavailableError";
}

/**
 * Copies the stored checkpoint at `uri` into the local run folder `runDir` as checkpoints/step-NNNNNNNNN, and
 * points checkpoints/latest at it (what resumeTraining reads). `sha256` (the artifacts row's) must match
 * meta.json. Atomic locally: a temp folder renamed into place.
 */
export async function downloadCheckpoint(
  store: ArtifactStore,
  uri: string,
  runDir: string,
  expect: { sha256?: string; step?: number } = {},
): Promise<DownloadedCheckpoint> {
  const key = store.keyOf(uri);
  if (key === null)
    throw new CheckpointUnavailableError(
      `checkpoint ${uri} is not in the artifact store ${store.url} (was BYTELAB_ARTIFACTS changed?)`,
    );
  const prefix = `${key}/`;
  const objects = (await store.list(prefix)).filter((o) => !o.key.slice(prefix.length).includes("/"));
  if (!objects.some((o) => o.key === `${prefix}${CHECKPOINT_META}`))
    throw new CheckpointUnavailableError(`checkpoint ${uri} has no meta.json in ${store.url}`);
  const meta = await store.get(`${prefix}${CHECKPOINT_META}`);
  if (!meta) throw new CheckpointUnavailableError(`checkpoint ${uri}: meta.json vanished`);
  const sha = createHash("sha256").update(meta).digest("hex");
  if (expect.sha256 && sha !== expect.sha256)
    throw new CheckpointUnavailableError(
      `checkpoint ${uri}: meta.json has sha256 ${sha}, the artifacts row says ${expect.sha256}`,
    );
  const parsed = JSON.parse(Buffer.from(meta).toString("utf8")) as { step?: unknown };
  const step = typeof parsed.step === "number" ? parsed.step : expect.step;
  if (step === undefined || (expect.step !== undefined && step !== expect.step))
    throw new CheckpointUnavailableError(`checkpoint ${uri}: meta.json is for step ${String(parsed.step)}`);

  const root = join(runDir, "checkpoints");
  mkdirSync(root, { recursive: true });
  const name = `step-${String(step).padStart(9, "0")}`;
  const temp = join(root, `.tmp-download-${process.pid}-${randomBytes(3).toString("hex")}`);
  mkdirSync(temp);
  let metrics: string | null = null;
  try {
    for (const o of objects) {
      const file = o.key.slice(prefix.length);
      if (file === CHECKPOINT_META) continue;
      const body = await store.get(o.key);
      if (!body)
        throw new CheckpointUnavailableError(`checkpoint ${uri}: ${file} vanished while downloading`);
      if (file === CHECKPOINT_METRICS) metrics = Buffer.from(body).toString("utf8");
      else writeFileSync(join(temp, file), body);
    }
    writeFileSync(join(temp, CHECKPOINT_META), meta);
    const final = join(root, name);
    if (existsSync(final)) rmSync(final, { recursive: true, force: true });
    renameSync(temp, final);
    const pointer = join(root, LATEST_OBJECT);
    writeFileSync(`${pointer}.tmp`, `${name}\n`);
    renameSync(`${pointer}.tmp`, pointer);
    return { step, dir: final, metrics };
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

/** Points runs/<runId>/checkpoints/latest at `folder` (advisory: Postgres rows decide which exist). */
export async function writeLatestPointer(store: ArtifactStore, runId: string, folder: string): Promise<void> {
  await store.put(`${checkpointsPrefix(runId)}${LATEST_OBJECT}`, `${folder}\n`);
}

/**
 * Deletes every object under runs/<runId>/ that is not inside one of `keep` (key prefixes, e.g. the folders of
 * the committed checkpoints and the run's committed artifacts) and is not the latest pointer. Returns the keys
 * deleted. `keep` prefixes must end with "/" (folders) or be whole keys.
 */
export async function pruneRunObjects(
  store: ArtifactStore,
  runId: string,
  keep: readonly string[],
): Promise<string[]> {
  const pointer = `${checkpointsPrefix(runId)}${LATEST_OBJECT}`;
  const gone = (await store.list(runPrefix(runId)))
    .map((o) => o.key)
    .filter((k) => k !== pointer && !keep.some((p) => (p.endsWith("/") ? k.startsWith(p) : k === p)));
  if (gone.length) await store.delete(gone);
  return gone;
}
