import { heartbeatWorker, type PrismaClient, WorkerNotFoundError } from "@bytelab/db/runtime";
import type { Logger } from "./logger";

/**
 * Writes a heartbeat every `intervalMs`. A missing row (someone pruned it) triggers `reregister`; a database
 * outage is logged once per streak and retried on the next tick, so the worker survives a Postgres restart.
 */
export function startHeartbeat(opts: {
  prisma: PrismaClient;
  workerId: string;
  intervalMs: number;
  reregister: () => Promise<void>;
  log: Logger;
}): { stop(): Promise<void> } {
  let failing = false;
  let inFlight: Promise<void> = Promise.resolve();
  const beat = async () => {
    try {
      await heartbeatWorker(opts.prisma, opts.workerId);
      if (failing) opts.log.info("heartbeat restored");
      failing = false;
    } catch (error) {
      if (error instanceof WorkerNotFoundError) {
        opts.log.warn("worker row is gone; registering again");
        await opts.reregister().catch((e: unknown) => opts.log.error(`re-registration failed: ${String(e)}`));
        return;
      }
      if (!failing)
        opts.log.warn(
          `heartbeat failed (will keep trying): ${error instanceof Error ? error.message : error}`,
        );
      failing = true;
    }
  };
  const timer = setInterval(() => {
    inFlight = inFlight.then(beat);
  }, opts.intervalMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await inFlight;
    },
  };
}
