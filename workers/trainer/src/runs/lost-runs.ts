import type { PrismaClient } from "@bytelab/db/runtime";
import type { TrainQueue } from "@bytelab/queue";

/**
 * Before a worker that just started takes its first job: if some runs are RUNNING on workers that stopped
 * heartbeating (killed, machine gone: typically the worker this one replaces), wait until BullMQ's stalled
 * check has put their jobs back in the queue (at its head), at most `maxWaitMs`. Otherwise the new worker,
 * ready seconds after a supervisor restarted it, takes a fresh run from the queue while the lost run's lock
 * has not expired yet, and the lost run waits for the next free slot, possibly a whole run later. Returns
 * how many such runs it saw.
 */
export async function waitForLostRuns(
  prisma: PrismaClient,
  trainQueue: TrainQueue,
  opts: { silentForMs: number; maxWaitMs: number; pollMs?: number },
): Promise<number> {
  const deadline = Date.now() + opts.maxWaitMs;
  let seen = 0;
  for (;;) {
    const lost = await prisma.run.findMany({
      where: {
        status: "RUNNING",
        worker: { lastHeartbeatAt: { lt: new Date(Date.now() - opts.silentForMs) } },
      },
      select: { id: true },
      take: 100,
    });
    seen = Math.max(seen, lost.length);
    const states = await Promise.all(lost.map((r) => trainQueue.queue.getJobState(r.id)));
    // Still held by an expired-but-unrecovered lock: wait. (Moved to wait, or gone: nothing to wait for.)
    if (!states.includes("active") || Date.now() >= deadline) return seen;
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 250));
  }
}
