import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  type ArtifactStore,
  CHECKPOINT_METRICS,
  CheckpointUnavailableError,
  checkpointFolder,
  downloadCheckpoint,
  FileArtifactStore,
  pruneRunObjects,
  runPrefix,
  type UploadedCheckpoint,
  uploadCheckpoint,
  writeLatestPointer,
} from "@bytelab/artifacts";
import { type Fence, type PrismaClient, StaleAttemptError, withFence } from "@bytelab/db/runtime";
import { METRICS_FILE } from "@bytelab/train/metrics";
import type { Logger } from "../logger";
import { withDbRetry } from "./db-retry";

/** run.json, kept with each checkpoint so a takeover elsewhere keeps the run's history (resumes, startedAt). */
const RUN_FILE = "run.json";

export interface CheckpointServices {
  prisma: PrismaClient;
  store: ArtifactStore;
  log: Logger;
  dbWaitMs: number;
}

/** The metric records of `runDir`/metrics.jsonl up to `step` (whole lines only), as text. */
async function metricsUpTo(runDir: string, step: number): Promise<string> {
  const path = join(runDir, METRICS_FILE);
  if (!existsSync(path)) return "";
  const lines = (await readFile(path, "utf8")).split("\n");
  const kept: string[] = [];
  for (const line of lines) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line) as { step?: unknown };
      if (typeof r.step === "number" && r.step <= step) kept.push(line);
    } catch {
      // a torn last line (being written): not part of this checkpoint
    }
  }
  return kept.length ? `${kept.join("\n")}\n` : "";
}

/** Attempt number in a store key of a run (checkpoint folder ...-a<k>/ or run artifacts a<k>/), else null. */
function attemptOfKey(runId: string, key: string): number | null {
  const rest = key.slice(runPrefix(runId).length);
  const m = /^checkpoints\/step-\d{9}-a(\d+)\/|^a(\d+)\//.exec(rest);
  return m ? Number(m[1] ?? m[2]) : null;
}

/**
 * Deletes the run's objects that no artifacts row names, but only those of attempts up to `attempt` (and of
 * no attempt at all): a later attempt's upload in progress is never touched by an earlier one.
 */
export async function pruneStoredRun(s: CheckpointServices, runId: string, attempt: number): Promise<number> {
  const rows = await s.prisma.artifact.findMany({ where: { runId }, select: { uri: true, kind: true } });
  const keep: string[] = [];
  for (const r of rows) {
    const key = s.store.keyOf(r.uri);
    if (key !== null) keep.push(r.kind === "CHECKPOINT" ? `${key}/` : key);
  }
  // Objects of later attempts (a takeover racing us) are kept whatever the rows say.
  const later = (await s.store.list(runPrefix(runId)))
    .map((o) => o.key)
    .filter((k) => (attemptOfKey(runId, k) ?? 0) > attempt);
  const gone = await pruneRunObjects(s.store, runId, [...keep, ...later]);
  return gone.length;
}

/**
 * Commits the checkpoints of one attempt, one at a time in the order saved:
 *   1. upload the folder to the store (every file, meta.json last) as step-N-a<attempt>, with the run's metric
 *      records up to N and run.json;
 *   2. record it: in one transaction fenced by the attempt, the CHECKPOINT artifacts row (replacing any at
 *      that step or later) and the deletion of rows beyond `keep`. Postgres refuses it for a stale attempt:
 *      the upload is deleted and `onStale` called;
 *   3. point runs/<id>/checkpoints/latest at it, and prune the store of folders no row names.
 * The artifacts rows are the authority: a takeover on any host resumes from the newest row.
 */
export class CheckpointCommitter {
  private chain: Promise<void> = Promise.resolve();
  private staleSeen = false;
  /** Steps committed by this attempt, in order. */
  readonly committed: number[] = [];

  constructor(
    private readonly s: CheckpointServices,
    private readonly fence: Fence,
    private readonly runDir: string,
    private readonly keep: number,
    private readonly onStale: (error: StaleAttemptError) => void,
  ) {}

  get stale(): boolean {
    return this.staleSeen;
  }

  /**
   * Queues the commit of the checkpoint the trainer saved at `step` in `dir`. Commits run one at a time, in
   * order; one whose folder the trainer pruned locally meanwhile (commits slower than checkpoints: Postgres
   * away, a slow store) is skipped: a newer one follows.
   */
  commit(step: number, dir: string): void {
    this.chain = this.chain.then(() =>
      this.commitOne(step, dir).catch((error: unknown) => {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
        this.s.log.warn(
          `run ${this.fence.runId}: checkpoint at step ${step} not committed: ${(error as Error).message}`,
        );
      }),
    );
  }

  /** Resolves when every queued commit is done (committed, refused or failed). */
  async settled(): Promise<void> {
    for (;;) {
      const current = this.chain;
      await current;
      if (current === this.chain) return;
    }
  }

  private async commitOne(step: number, dir: string): Promise<void> {
    const { runId, attempt } = this.fence;
    if (this.staleSeen) return;
    if (!existsSync(join(dir, "meta.json"))) return; // pruned locally already (a newer one follows)
    const extra: Record<string, Uint8Array | string> = {
      [CHECKPOINT_METRICS]: await metricsUpTo(this.runDir, step),
    };
    if (existsSync(join(this.runDir, RUN_FILE)))
      extra[RUN_FILE] = await readFile(join(this.runDir, RUN_FILE));
    let uploaded: UploadedCheckpoint;
    try {
      uploaded = await uploadCheckpoint(this.s.store, { runId, attempt, step, localDir: dir, extra });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") throw error;
      // The store is away (S3 down, NFS gone): the next checkpoint tries again; a takeover resumes from an
      // older committed one meanwhile.
      throw new Error(`upload to ${this.s.store.url} failed: ${(error as Error).message}`);
    }
    try {
      await withDbRetry(
        `run ${runId}: commit checkpoint ${step}`,
        () =>
          withFence(this.s.prisma, this.fence, async (tx) => {
            await tx.artifact.deleteMany({ where: { runId, kind: "CHECKPOINT", step: { gte: step } } });
            await tx.artifact.create({
              data: {
                runId,
                kind: "CHECKPOINT",
                step,
                uri: uploaded.uri,
                bytes: BigInt(uploaded.bytes),
                sha256: uploaded.sha256,
                attempt,
              },
            });
            const rows = await tx.artifact.findMany({
              where: { runId, kind: "CHECKPOINT" },
              orderBy: [{ step: "desc" }, { createdAt: "desc" }],
              select: { id: true },
            });
            const beyond = rows.slice(Math.max(1, this.keep)).map((r) => r.id);
            if (beyond.length) await tx.artifact.deleteMany({ where: { id: { in: beyond } } });
          }),
        { waitMs: this.s.dbWaitMs, log: this.s.log },
      );
    } catch (error) {
      if (error instanceof StaleAttemptError) {
        this.staleSeen = true;
        this.s.log.warn(
          `run ${runId}: checkpoint at step ${step} of attempt ${attempt} rejected by Postgres: ${error.message}`,
        );
        await this.s.store.delete(await this.keysOf(uploaded)).catch(() => {});
        this.onStale(error);
        return;
      }
      throw error;
    }
    this.committed.push(step);
    await writeLatestPointer(this.s.store, runId, checkpointFolder(step, attempt)).catch((e: unknown) =>
      this.s.log.warn(`run ${runId}: latest pointer: ${(e as Error).message}`),
    );
    await pruneStoredRun(this.s, runId, attempt).catch((e: unknown) =>
      this.s.log.warn(`run ${runId}: pruning old checkpoints: ${(e as Error).message}`),
    );
  }

  private async keysOf(u: UploadedCheckpoint): Promise<string[]> {
    return (await this.s.store.list(u.prefix)).map((o) => o.key);
  }
}

/** The store that holds `uri`: the configured one, or (for a file URI elsewhere, an older layout) the filesystem. */
function storeFor(store: ArtifactStore, uri: string): ArtifactStore | null {
  if (store.keyOf(uri) !== null) return store;
  if (uri.startsWith("file:")) return new FileArtifactStore("/");
  return null;
}

/**
 * Brings the run's newest committed checkpoint (artifacts rows, newest step first) into `runDir` for the
 * trainer to resume from; one that is missing or damaged in the store is skipped for the next older one.
 * Returns its step and the metric records kept with it, or null (no usable checkpoint: start from step 0).
 */
export async function restoreLatestCheckpoint(
  s: CheckpointServices,
  runId: string,
  runDir: string,
): Promise<{ step: number; metrics: string | null; uri: string } | null> {
  const rows = await withDbRetry(
    `run ${runId}: checkpoints`,
    () =>
      s.prisma.artifact.findMany({
        where: { runId, kind: "CHECKPOINT", step: { not: null } },
        orderBy: [{ step: "desc" }, { createdAt: "desc" }],
      }),
    { waitMs: s.dbWaitMs, log: s.log },
  );
  for (const row of rows) {
    const from = storeFor(s.store, row.uri);
    if (!from) {
      s.log.warn(`run ${runId}: checkpoint ${row.uri} is not in the artifact store ${s.store.url}; skipped`);
      continue;
    }
    try {
      const got = await downloadCheckpoint(from, row.uri, runDir, { sha256: row.sha256, step: row.step! });
      return { step: got.step, metrics: got.metrics, uri: row.uri };
    } catch (error) {
      if (!(error instanceof CheckpointUnavailableError) && !isNotFound(error)) throw error;
      s.log.warn(
        `run ${runId}: checkpoint at step ${row.step} unusable (${(error as Error).message}); trying an older one`,
      );
    }
  }
  return null;
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException)?.code === "ENOENT";
}
