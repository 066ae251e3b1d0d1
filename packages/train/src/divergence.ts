export interface DivergenceBounds {
  spikeFactor: number;
  window: number;
  afterWarmup: boolean;
  maxLoss: number;
}

export interface DivergenceVerdict {
  step: number;
  loss: number;
  reason: string;
}

/**
 * Watches the training loss of every step. Divergence (the run stops with status DIVERGED) is:
 *   - a NaN or infinite loss, at any step;
 *   - a loss above `maxLoss`, at any step;
 *   - after warmup (when `afterWarmup`), a loss above spikeFactor x the median of the last `window` losses.
 * The history is part of the checkpoint so a resumed run judges exactly like an uninterrupted one.
 */
export class DivergenceGuard {
  private history: number[];

  constructor(
    private readonly bounds: DivergenceBounds,
    private readonly warmupSteps: number,
    history: number[] = [],
  ) {
    this.history = history.slice(-bounds.window);
  }

  /** `step` is 1-based (steps completed including this one). Returns a verdict when the run must stop. */
  check(step: number, loss: number): DivergenceVerdict | null {
    if (!Number.isFinite(loss)) return { step, loss, reason: `training loss is ${loss} at step ${step}` };
    if (loss > this.bounds.maxLoss)
      return {
        step,
        loss,
        reason: `training loss ${loss.toFixed(3)} at step ${step} exceeds divergence.maxLoss = ${this.bounds.maxLoss.toFixed(3)}`,
      };
    const judging = !this.bounds.afterWarmup || step > this.warmupSteps;
    if (judging && this.history.length >= Math.min(this.bounds.window, 5)) {
      const median = medianOf(this.history);
      if (loss > this.bounds.spikeFactor * median)
        return {
          step,
          loss,
          reason: `training loss ${loss.toFixed(3)} at step ${step} is above ${this.bounds.spikeFactor} x the running median ${median.toFixed(3)} (divergence.spikeFactor)`,
        };
    }
    this.history.push(loss);
    if (this.history.length > this.bounds.window) this.history.shift();
    return null;
  }

  get lossHistory(): number[] {
    return [...this.history];
  }
}

export function medianOf(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
