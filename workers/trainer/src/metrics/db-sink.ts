import { type Fence, ingestMetrics, MetricValidationError, StaleAttemptError } from "@bytelab/db";
import type { MetricRecord, MetricSink } from "@bytelab/train/metrics";
import type { Logger } from "../logger";
import { chunkRecords, pointCount, recordToPoints } from "./points";
import type { SpillFile } from "./spill-file";

export interface DbMetricSinkOptions {
  runId: string;
  /** Where ingestMetrics writes: a pg pool or a database URL. */
  target: Parameters<typeof ingestMetrics>[0];
  /** The run folder's spill file (records that could not be written yet). */
  spill: SpillFile;
  /** Write at least this often (ms)... */
  flushMs: number;
  /** ...or once this many points wait. */
  maxPoints: number;
  /** An ingestion slower than this counts as failed (its records are spilled; a late commit is harmless). */
  ingestTimeoutMs?: number;
  /** Called, in order, with every batch of records once it is in Postgres (early stopping reads it). */
  onIngested?: (records: MetricRecord[]) => void | Promise<void>;
  /** A record for which this returns true is written at once, not at the next tick (an ASHA rung crossed). */
  isUrgent?: (record: MetricRecord) => boolean;
  /**
   * The claim this attempt holds: every batch carries it, and Postgres refuses batches of a stale attempt
   * (another worker took the run over). Then everything pending is dropped, nothing more is written, and
   * `onStale` is called once.
   */
  fence?: Fence;
  onStale?: (error: StaleAttemptError) => void;
  log: Logger;
}

/**
 * A metric sink that batches records into Postgres with ingestMetrics (COPY; idempotent on run, name,
 * step). When Postgres is unreachable the batch goes to the spill file on disk instead, and every later
 * batch first tries to replay that file (in order, then deletes it), so nothing is lost and nothing is
 * counted twice. Deliveries run one at a time, in the order records were written.
 */
export class DbMetricSink implements MetricSink {
  private pending: MetricRecord[] = [];
  private pendingPoints = 0;
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private outageSince: number | null = null;
  private staleError: StaleAttemptError | null = null;
  readonly stats = {
    ingestedPoints: 0,
    spilledRecords: 0,
    replayedRecords: 0,
    droppedRecords: 0,
    /** Records Postgres refused because this attempt is stale. */
    refusedRecords: 0,
  };

  constructor(private readonly opts: DbMetricSinkOptions) {}

  write(record: MetricRecord): void {
    this.pending.push(record);
    this.pendingPoints += Object.keys(record.metrics).length;
    if (this.pendingPoints >= this.opts.maxPoints || this.opts.isUrgent?.(record)) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.opts.flushMs);
  }

  /** Hands everything written so far to Postgres (or the spill file); resolves when that is done. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    this.pendingPoints = 0;
    this.chain = this.chain.then(() => this.deliver(batch));
    return this.chain;
  }

  /** true while records wait in the spill file. */
  get spilled(): boolean {
    return this.opts.spill.exists();
  }

  /** Postgres refused this attempt's metrics: another worker owns the run now. */
  get stale(): boolean {
    return this.staleError !== null;
  }

  /**
   * Flushes, then keeps replaying the spill file until it is gone or `waitMs` has passed (Postgres may be
   * restarting). Returns true when every record is in Postgres.
   */
  async drain(waitMs: number): Promise<boolean> {
    await this.flush();
    const deadline = Date.now() + waitMs;
    let pause = 250;
    while (this.spilled && !this.staleError && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, Math.min(pause, Math.max(0, deadline - Date.now()))));
      pause = Math.min(pause * 2, 5_000);
      await this.flush();
    }
    return !this.spilled;
  }

  async close(): Promise<void> {
    await this.flush();
  }

  private async deliver(batch: MetricRecord[]): Promise<void> {
    if (this.staleError) {
      this.stats.refusedRecords += batch.length;
      return;
    }
    if (this.opts.spill.exists() && !(await this.replaySpill())) {
      this.toSpill(batch);
      return;
    }
    if (batch.length === 0) return;
    try {
      await this.ingest(batch);
      this.recovered();
    } catch (error) {
      if (error instanceof StaleAttemptError) {
        this.refused(error, batch.length);
        return;
      }
      if (error instanceof MetricValidationError) {
        // A bug, not an outage: retrying cannot help. Say so loudly and keep going.
        this.stats.droppedRecords += batch.length;
        this.opts.log.error(`run ${this.opts.runId}: metrics rejected, not retried: ${error.message}`);
        return;
      }
      this.failed(error);
      this.toSpill(batch);
    }
  }

  private async replaySpill(): Promise<boolean> {
    const records = this.opts.spill.read();
    try {
      for (const chunk of chunkRecords(records, this.opts.maxPoints)) await this.ingest(chunk);
    } catch (error) {
      if (error instanceof StaleAttemptError) {
        this.refused(error, records.length);
        return false;
      }
      this.failed(error);
      return false;
    }
    this.opts.spill.remove();
    this.stats.replayedRecords += records.length;
    this.recovered(` (${records.length} buffered records written from ${this.opts.spill.path})`);
    return true;
  }

  private async ingest(records: MetricRecord[]): Promise<void> {
    const points = records.flatMap((r) => recordToPoints(this.opts.runId, r));
    const timeoutMs = this.opts.ingestTimeoutMs ?? 15_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        ingestMetrics(this.opts.target, points, this.opts.fence ? { fence: this.opts.fence } : {}),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`Postgres did not answer within ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
    this.stats.ingestedPoints += pointCount(records);
    try {
      await this.opts.onIngested?.(records);
    } catch (error) {
      this.opts.log.warn(`run ${this.opts.runId}: after writing metrics: ${(error as Error).message}`);
    }
  }

  /** Postgres refused a batch as stale: drop it and the spill file, stop writing, tell the session once. */
  private refused(error: StaleAttemptError, records: number): void {
    this.stats.refusedRecords += records;
    if (this.staleError) return;
    this.staleError = error;
    this.opts.spill.remove();
    this.opts.log.error(
      `run ${this.opts.runId}: metrics of attempt ${this.opts.fence?.attempt} refused by Postgres (${error.message}); ` +
        "this worker writes nothing more for the run",
    );
    this.opts.onStale?.(error);
  }

  private toSpill(records: MetricRecord[]): void {
    if (this.staleError) return;
    this.opts.spill.append(records);
    this.stats.spilledRecords += records.length;
  }

  private failed(error: unknown): void {
    if (this.outageSince !== null) return;
    this.outageSince = Date.now();
    this.opts.log.warn(
      `run ${this.opts.runId}: cannot write metrics to Postgres (${(error as Error).message}); ` +
        `buffering them in ${this.opts.spill.path} until it answers`,
    );
  }

  private recovered(detail = ""): void {
    if (this.outageSince === null) return;
    const seconds = ((Date.now() - this.outageSince) / 1000).toFixed(1);
    this.outageSince = null;
    this.opts.log.info(`run ${this.opts.runId}: Postgres answers again after ${seconds} s${detail}`);
  }
}
