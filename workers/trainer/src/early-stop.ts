import type { PrismaClient } from "@bytelab/db/runtime";
import { type AshaConfig, type AshaDecision, rungsCrossed } from "@bytelab/experiments";
import { decideEarlyStop, recordEarlyStop } from "@bytelab/queue";
import type { MetricRecord } from "@bytelab/train/metrics";
import type { Logger } from "./logger";

export type StopDecision = Extract<AshaDecision, { action: "stop" }>;

/**
 * ASHA for one run while it trains (packages/queue/README.md, "Early stopping"): after each metrics batch
 * is in Postgres, if the compared metric's cumulative training FLOPs crossed a rung, ask decideEarlyStop.
 * A "stop" is recorded (EARLY_STOP event with rung and reason) and handed to `onStop` once; a "continue"
 * is noted as a SYSTEM event. A decision that fails (Postgres away) is tried again with the next batch.
 */
export class EarlyStopWatch {
  private flops: number;
  /** FLOPs of the last record written (ingested or not): to spot a crossing as soon as it is reported. */
  private written: number;
  private stopped: StopDecision | null = null;

  constructor(
    private readonly opts: {
      prisma: PrismaClient;
      runId: string;
      config: AshaConfig;
      /** Cumulative FLOPs of the metric's last point already in Postgres (a resumed run's rungs are past). */
      initialFlops: number;
      onStop: (decision: StopDecision) => void;
      log: Logger;
    },
  ) {
    this.flops = opts.initialFlops;
    this.written = opts.initialFlops;
  }

  /** Does this just-reported record cross a rung? (Then it should reach Postgres at once.) */
  crosses(record: MetricRecord): boolean {
    if (this.stopped || !(this.opts.config.metric in record.metrics) || record.flops <= this.written)
      return false;
    const crossed = rungsCrossed(this.opts.config, this.written, record.flops).length > 0;
    this.written = record.flops;
    return crossed;
  }

  /** The stop decision, once made. */
  get decision(): StopDecision | null {
    return this.stopped;
  }

  /** Called with each batch of records after it reached Postgres. */
  async observe(records: readonly MetricRecord[]): Promise<void> {
    if (this.stopped) return;
    const { config, runId, prisma, log } = this.opts;
    let next = this.flops;
    for (const r of records) if (config.metric in r.metrics && r.flops > next) next = r.flops;
    const crossed = rungsCrossed(config, this.flops, next);
    if (crossed.length === 0) {
      this.flops = next;
      return;
    }
    const decision = await decideEarlyStop(prisma, runId, { config });
    this.flops = next; // decided: this crossing is done with (a failure above retries it next batch)
    if (!decision) return;
    if (decision.action === "continue") {
      await prisma.runEvent.create({
        data: {
          runId,
          kind: "SYSTEM",
          level: "INFO",
          message: `ASHA: continues at rung ${decision.rung}: ${decision.reason}`,
          data: { rung: decision.rung, action: "continue" },
        },
      });
      return;
    }
    await recordEarlyStop(prisma, runId, decision);
    this.stopped = decision;
    log.info(`run ${runId}: early stop at rung ${decision.rung}: ${decision.reason}`);
    this.opts.onStop(decision);
  }
}

/** Cumulative FLOPs of the last point of `metric` that run `runId` has in Postgres (0 when none). */
export async function lastMetricFlops(prisma: PrismaClient, runId: string, metric: string): Promise<number> {
  const agg = await prisma.metricPoint.aggregate({ where: { runId, name: metric }, _max: { flops: true } });
  return agg._max.flops ?? 0;
}
