import { type CancelSignal, cancelRequested, watchCancellations } from "@bytelab/queue";
import { Redis } from "ioredis";
import type { Logger } from "./logger";

/**
 * The receiving side of the cancel protocol (packages/queue/README.md) for every run this worker trains:
 * one subscription to `bytelab:cancel` on a connection of its own (prompt), plus a poll of each watched
 * run's cancel key every `pollMs` (pub/sub drops messages sent while the connection was down; the key
 * stays). Each watched run's callback fires at most once.
 */
export class CancelWatcher {
  private readonly watched = new Map<string, (signal: CancelSignal) => void>();
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => Promise<void>) | null = null;
  private polling = false;

  private constructor(
    private readonly subscriber: Redis,
    private readonly commands: Redis,
    private readonly log: Logger,
  ) {}

  static async start(redisUrl: string, pollMs: number, log: Logger): Promise<CancelWatcher> {
    const subscriber = new Redis(redisUrl, { maxRetriesPerRequest: null });
    // Polls fail fast while Redis is away (the next poll tries again) instead of queueing up.
    const commands = new Redis(redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
    for (const c of [subscriber, commands]) c.on("error", () => {}); // the worker's own connection logs outages
    const watcher = new CancelWatcher(subscriber, commands, log);
    watcher.unsubscribe = await watchCancellations(subscriber, (signal) => watcher.fire(signal));
    watcher.timer = setInterval(() => void watcher.poll(), pollMs);
    return watcher;
  }

  /** Is run `runId` cancelled already? (Checked before training starts.) */
  async isCancelled(runId: string): Promise<CancelSignal | null> {
    return cancelRequested(this.commands, runId);
  }

  /** Calls `onCancel` once when run `runId` is cancelled; the returned function stops watching. */
  watch(runId: string, onCancel: (signal: CancelSignal) => void): () => void {
    this.watched.set(runId, onCancel);
    return () => {
      if (this.watched.get(runId) === onCancel) this.watched.delete(runId);
    };
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.watched.clear();
    await this.unsubscribe?.().catch(() => {});
    await Promise.all([this.subscriber, this.commands].map((c) => c.quit().catch(() => c.disconnect())));
  }

  private fire(signal: CancelSignal): void {
    const onCancel = this.watched.get(signal.runId);
    if (!onCancel) return;
    this.watched.delete(signal.runId);
    this.log.info(`run ${signal.runId} was cancelled${signal.reason ? ` (${signal.reason})` : ""}`);
    onCancel(signal);
  }

  private async poll(): Promise<void> {
    if (this.polling || this.watched.size === 0) return;
    this.polling = true;
    try {
      for (const runId of [...this.watched.keys()]) {
        const signal = await cancelRequested(this.commands, runId).catch(() => null);
        if (signal) this.fire({ ...signal, runId });
      }
    } finally {
      this.polling = false;
    }
  }
}
