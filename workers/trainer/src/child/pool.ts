import type { ChildPlacement } from "../devices";
import type { Logger } from "../logger";
import { TrainingChild } from "./training-child";

/**
 * Training children of one worker, at most one per slot: a job takes an idle child (or forks one) and gives
 * it back when its run ended cleanly. A child whose run failed or was killed is not reused (its TF.js state
 * is suspect); the next job forks a fresh one.
 */
export class ChildPool {
  private readonly idle: TrainingChild[] = [];
  private readonly all = new Set<TrainingChild>();
  private closed = false;

  constructor(
    private readonly log: Logger,
    /** Where children may run (one per GPU, or the CPU); each new child takes the least used one. */
    private readonly placements: readonly ChildPlacement[] = [{ env: {}, device: "cpu" }],
    /** Children are replaced after this many runs (bounds any slow leak in a long-lived process). */
    private readonly maxRunsPerChild = 200,
  ) {}

  async acquire(): Promise<TrainingChild> {
    if (this.closed) throw new Error("the worker is shutting down; no new training processes");
    // Children being started ahead of time: take one of those rather than fork another.
    if (this.idle.length === 0 && this.warming) await this.warming;
    for (let child = this.idle.pop(); child; child = this.idle.pop()) {
      if (child.alive) return child;
      this.all.delete(child);
    }
    const child = await TrainingChild.spawn(this.log, this.leastUsedPlacement());
    this.all.add(child);
    if (this.closed) {
      await this.discard(child);
      throw new Error("the worker is shutting down; no new training processes");
    }
    return child;
  }

  /**
   * Forks up to `count` children ahead of the first jobs, so that a job (a run taken over from a lost worker,
   * right after this worker started) does not wait for the TF.js stack to load. Failures are only logged: the
   * job forks its child then.
   */
  prewarm(count: number): Promise<void> {
    this.warming ??= this.warm(count).finally(() => {
      this.warming = null;
    });
    return this.warming;
  }

  private warming: Promise<void> | null = null;

  private async warm(count: number): Promise<void> {
    const missing = Math.max(0, count - this.all.size);
    await Promise.all(
      Array.from({ length: missing }, async () => {
        try {
          const child = await TrainingChild.spawn(this.log, this.leastUsedPlacement());
          this.all.add(child);
          if (this.closed) await this.discard(child);
          else this.idle.push(child);
        } catch (error) {
          this.log.warn(`could not start a training process ahead of time: ${(error as Error).message}`);
        }
      }),
    );
  }

  /** Returns `child` after a run; `reusable` = the run ended with a result (not an exception or a kill). */
  async release(child: TrainingChild, reusable: boolean): Promise<void> {
    if (reusable && !this.closed && child.alive && child.runs < this.maxRunsPerChild) {
      this.idle.push(child);
      return;
    }
    await this.discard(child);
  }

  /** Children currently training (for a forced shutdown). */
  busy(): TrainingChild[] {
    return [...this.all].filter((c) => c.busy);
  }

  /** Stops taking jobs; ends idle children (busy ones end with their jobs or are killed by the caller). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.idle.splice(0).map((c) => this.discard(c)));
  }

  private leastUsedPlacement(): ChildPlacement {
    const used = (p: ChildPlacement) => [...this.all].filter((c) => c.placement === p).length;
    return this.placements.reduce((best, p) => (used(p) < used(best) ? p : best), this.placements[0]!);
  }

  private async discard(child: TrainingChild): Promise<void> {
    this.all.delete(child);
    await child.dispose();
  }
}
