import { type Fence, StaleAttemptError, withFence } from "@bytelab/db/runtime";
import type { TrainJobPayload } from "@bytelab/queue";
import type { ChildOutcome } from "../child/training-child";
import type { StartedMessage, StopReason } from "../child/protocol";
import { EarlyStopWatch, type StopDecision } from "../early-stop";
import { DbMetricSink } from "../metrics/db-sink";
import { SpillFile } from "../metrics/spill-file";
import { CheckpointCommitter } from "../runs/checkpoints";
import { withDbRetry } from "../runs/db-retry";
import type { TrainServices } from "./train-services";
import { workerVersion } from "../identity";

export interface SessionResult {
  /** How training ended; `not-started` when a stop came before the child got the run. */
  outcome: ChildOutcome | { kind: "not-started" };
  /** Why we asked the child to stop (null: it ended by itself). */
  stopReason: StopReason | null;
  /** The ASHA decision that stopped the run, if one did. */
  earlyStop: StopDecision | null;
  /** Every metric record is in Postgres (false: some wait in the spill file). */
  metricsInDb: boolean;
  /** The child's last output lines (for a failure report). */
  logTail: string[];
  started: StartedMessage | null;
  /** Postgres refused a write of this attempt: another worker took the run over (nothing more was written). */
  stale: boolean;
  /** Steps whose checkpoints this attempt committed to the artifact store. */
  committed: number[];
}

/**
 * One attempt at training a run in a training child: streams its metric records into Postgres (DbMetricSink),
 * records its metadata and checkpoints, watches for cancellation and ASHA rungs, and stops the child on
 * request (cancel, early stop, worker shutdown, lost lock). It decides nothing about the run's status:
 * the train job does that from the result.
 */
export class TrainingSession {
  private reason: StopReason | null = null;
  private stopChild: ((reason: StopReason) => void) | null = null;

  constructor(
    private readonly s: TrainServices,
    private readonly payload: TrainJobPayload,
    private readonly runDir: string,
  ) {}

  get stopReason(): StopReason | null {
    return this.reason;
  }

  /** Checkpoint and stop at the next step boundary (the first reason given wins). */
  requestStop(reason: StopReason): void {
    if (this.reason) return;
    this.reason = reason;
    this.stopChild?.(reason);
  }

  /** Postgres refused one of this attempt's writes as stale. */
  private staleSeen = false;

  private onStale = (error: StaleAttemptError): void => {
    if (!this.staleSeen)
      this.s.log.warn(`run ${this.payload.runId}: ${error.message}; stopping this attempt`);
    this.staleSeen = true;
    this.requestStop("lock-lost");
  };

  async run(opts: {
    resume: boolean;
    initialFlops: number;
    fence: Fence;
    /** Checkpoints kept in the store (the run config's checkpoint.keep). */
    keep: number;
  }): Promise<SessionResult> {
    const { s, payload, runDir } = this;
    const runId = payload.runId;
    const unwatch = s.cancels.watch(runId, () => this.requestStop("cancel"));
    const notStarted = (): SessionResult => ({
      outcome: { kind: "not-started" },
      stopReason: this.reason,
      earlyStop: null,
      metricsInDb: true,
      logTail: [],
      started: null,
      stale: this.staleSeen,
      committed: [],
    });
    try {
      if (s.draining) this.requestStop("shutdown");
      if (await s.cancels.isCancelled(runId).catch(() => null)) this.requestStop("cancel");
      if (this.reason) return notStarted();
      const child = await s.children.acquire();
      if (this.reason) {
        await s.children.release(child, true);
        return notStarted();
      }
      this.stopChild = (reason) => child.stop(reason);
      // The placement names the GPU the child was pinned to; the child says what really ran (a GPU backend that
      // did not start leaves it on the CPU, and the run must not carry the GPU's name).
      const placed = child.placement.device;
      const deviceOf = (m: StartedMessage) =>
        m.meta.backend.kind === "gpu" ? placed : (m.meta.backend.device ?? placed);

      const dbWait = { waitMs: s.env.WORKER_DB_WAIT_MS, log: s.log };
      const early = payload.earlyStopping
        ? new EarlyStopWatch({
            prisma: s.prisma,
            runId,
            config: payload.earlyStopping,
            initialFlops: opts.initialFlops,
            onStop: () => this.requestStop("early-stop"),
            log: s.log,
          })
        : null;
      const sink = new DbMetricSink({
        runId,
        target: s.metricsTarget,
        spill: new SpillFile(runDir),
        flushMs: s.env.WORKER_METRICS_FLUSH_MS,
        maxPoints: s.env.WORKER_METRICS_BATCH,
        onIngested: early ? (records) => early.observe(records) : undefined,
        isUrgent: early ? (record) => early.crosses(record) : undefined,
        fence: opts.fence,
        onStale: this.onStale,
        log: s.log,
      });
      const checkpoints = new CheckpointCommitter(
        { prisma: s.prisma, store: s.store, log: s.log, dbWaitMs: s.env.WORKER_DB_WAIT_MS },
        opts.fence,
        runDir,
        opts.keep,
        this.onStale,
      );
      let started: StartedMessage | null = null;
      let metadata: Promise<void> = Promise.resolve();

      const outcome = await child.run(
        { type: "train", runId, runDir, config: payload.config, resume: opts.resume },
        {
          onStarted: (message) => {
            started = message;
            s.log.info(
              `run ${runId}: training ${message.startStep > 0 ? `from step ${message.startStep}` : "from step 0"} (attempt ${opts.fence.attempt}, process ${child.pid})`,
            );
            metadata = withDbRetry(
              `run ${runId}: metadata`,
              () => this.recordStart(message, opts.fence, deviceOf(message)),
              dbWait,
            ).catch((e: unknown) => {
              if (e instanceof StaleAttemptError) this.onStale(e);
              else s.log.warn(`run ${runId}: could not record its metadata: ${(e as Error).message}`);
            });
          },
          onRecord: (record) => sink.write(record),
          onCheckpoint: (step, dir) => checkpoints.commit(step, dir),
        },
      );
      this.stopChild = null;
      const logTail = child.outputTail();
      await s.children.release(child, outcome.kind === "done");

      // A worker shutting down leaves unwritten records to the next attempt (it replays metrics.jsonl).
      const metricsInDb = await sink.drain(this.reason === "shutdown" ? 0 : s.env.WORKER_DB_WAIT_MS);
      await Promise.all([metadata, checkpoints.settled()]);
      return {
        outcome,
        stopReason: this.reason,
        earlyStop: early?.decision ?? null,
        metricsInDb,
        logTail,
        started,
        stale: this.staleSeen || sink.stale || checkpoints.stale,
        committed: checkpoints.committed,
      };
    } finally {
      unwatch();
    }
  }

  /** Run metadata on the Run row (param count, FLOPs per byte, backend, device, git commit) and a SYSTEM event. */
  private async recordStart(m: StartedMessage, fence: Fence, device: string): Promise<void> {
    await withFence(this.s.prisma, fence, (tx) => this.writeStart(tx, m, fence.attempt, device));
  }

  private async writeStart(
    tx: Parameters<Parameters<typeof withFence>[2]>[0],
    m: StartedMessage,
    attempt: number,
    device: string,
  ): Promise<void> {
    const { s } = this;
    const runId = this.payload.runId;
    const meta = m.meta;
    await tx.run.update({
      where: { id: runId },
      data: {
        paramCount: BigInt(meta.paramCount),
        flopsPerByte: meta.flopsPerByte.training,
        backend: meta.backend.name,
        device,
        gitCommit: meta.gitCommit,
        // What the run page and GET /api/v1/runs/{id} show as its environment (service: runEnvironmentSchema).
        environment: {
          node: m.versions.node ?? null,
          tfjs: m.versions.tfjs ?? null,
          backend: meta.backend.name,
          device,
          deviceKind: meta.backend.kind ?? null,
          driver: meta.backend.driver ?? null,
          cuda: meta.backend.cuda ?? null,
          probeGflops: meta.backend.probeGflops ?? null,
          host: meta.host,
          gitCommit: meta.gitCommit,
          workerVersion: workerVersion(),
        },
      },
    });
    const resumed = m.startStep > 0;
    await tx.runEvent.create({
      data: {
        runId,
        kind: "SYSTEM",
        level: "INFO",
        message:
          `${resumed ? `resumed at step ${m.startStep}` : "training started"} (attempt ${attempt}, ${m.totalSteps} steps) ` +
          `on ${s.workerId}: ${meta.backend.name} backend, ${device}, ${meta.paramCount} parameters`,
        data: JSON.parse(
          JSON.stringify({
            workerId: s.workerId,
            attempt,
            startStep: m.startStep,
            totalSteps: m.totalSteps,
            runDir: this.runDir,
            artifacts: s.store.url,
            backend: { ...meta.backend, reason: m.backendReason },
            device,
            host: meta.host,
            pid: meta.pid,
            versions: m.versions,
            gitCommit: meta.gitCommit,
            paramCount: meta.paramCount,
            flopsPerByte: meta.flopsPerByte,
            configHash: meta.configHash,
            dataset: meta.dataset,
            warnings: m.warnings,
          }),
        ),
      },
    });
  }
}
