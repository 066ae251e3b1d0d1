import type { TrainEvent } from "./trainer";

interface Writable {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * Shows training progress: on a TTY one redrawn line with a bar, bytes/s, ETA, current loss and the
 * latest val bpb; otherwise plain log lines (one per `logEvery` steps, one per evaluation and checkpoint).
 */
export class ProgressDisplay {
  private readonly tty: boolean;
  private lastDraw = 0;
  private stepSeconds: number | null = null;
  private loss: number | null = null;
  private valBpb: number | null = null;
  private bytesPerSecond = 0;
  private drawn = false;

  constructor(
    private readonly out: Writable,
    private readonly opts: { logEvery: number; tty?: boolean },
  ) {
    this.tty = opts.tty ?? Boolean(out.isTTY);
  }

  handle(e: TrainEvent): void {
    switch (e.type) {
      case "start":
        this.line(
          `${e.startStep > 0 ? `resuming at step ${e.startStep}` : "training"}: ${e.totalSteps} steps, ` +
            `${formatCount(e.paramCount)} parameters, ${formatCount(e.bytesPerStep)} bytes/step, ` +
            `backend ${e.backend.tfBackend}, run dir ${e.runDir}`,
        );
        for (const w of e.warnings) this.line(`warning: ${w}`);
        break;
      case "step": {
        // exponential moving averages keep the throughput and ETA steady
        this.bytesPerSecond = this.bytesPerSecond
          ? 0.9 * this.bytesPerSecond + 0.1 * e.bytesPerSecond
          : e.bytesPerSecond;
        this.loss = e.loss;
        this.trackStep(e);
        // A FLOP-budgeted run ends when its FLOPs reach the budget, maybe before or after its planned steps.
        const progress = Math.min(1, Math.max(0, e.progress ?? e.step / e.totalSteps));
        const remaining = progress > 0 ? (e.step * (1 - progress)) / progress : e.totalSteps - e.step;
        const eta = this.stepSeconds === null ? null : this.stepSeconds * remaining;
        if (this.tty) {
          const now = Date.now();
          if (now - this.lastDraw < 100 && progress < 1) return;
          this.lastDraw = now;
          this.draw(e.step, e.totalSteps, progress, eta);
        } else if (e.step % this.opts.logEvery === 0 || progress >= 1) {
          this.line(
            `step ${e.step}/${e.totalSteps}  loss ${e.loss.toFixed(4)}  bpb ${(e.loss / Math.LN2).toFixed(3)}  ` +
              `lr ${e.lr.toExponential(2)}  ${formatRate(this.bytesPerSecond)}  eta ${formatDuration(eta)}`,
          );
        }
        break;
      }
      case "eval":
        if (e.split === "val") this.valBpb = e.result.bpb;
        this.line(
          `step ${e.step}  ${e.split} bpb ${e.result.bpb.toFixed(4)}  (loss ${e.result.loss.toFixed(4)} nats)`,
        );
        break;
      case "checkpoint":
        if (!this.tty) this.line(`step ${e.step}  checkpoint ${e.dir}`);
        break;
    }
  }

  /** Ends the progress line so following output starts on a fresh line. */
  finish(): void {
    if (this.tty && this.drawn) this.out.write("\n");
    this.drawn = false;
  }

  private lastStepAt: number | null = null;

  private trackStep(e: { wallTime: number }): void {
    if (this.lastStepAt !== null) {
      const dt = e.wallTime - this.lastStepAt;
      this.stepSeconds = this.stepSeconds === null ? dt : 0.9 * this.stepSeconds + 0.1 * dt;
    }
    this.lastStepAt = e.wallTime;
  }

  private draw(step: number, total: number, progress: number, eta: number | null): void {
    const width = 24;
    const filled = Math.min(width, Math.max(0, Math.round(width * progress)));
    const bar = `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
    const pct = (100 * progress).toFixed(0).padStart(3);
    const parts = [
      `${bar} ${pct}% ${step}/${total}`,
      formatRate(this.bytesPerSecond),
      `eta ${formatDuration(eta)}`,
      `loss ${this.loss?.toFixed(3) ?? "-"}`,
      `val bpb ${this.valBpb?.toFixed(3) ?? "-"}`,
    ];
    let text = parts.join(" | ");
    const cols = this.out.columns ?? 120;
    if (text.length > cols - 1) text = text.slice(0, cols - 1);
    this.out.write(`\r\x1b[2K${text}`);
    this.drawn = true;
  }

  private line(text: string): void {
    if (this.tty && this.drawn) {
      this.out.write(`\r\x1b[2K${text}\n`);
      this.drawn = false;
    } else this.out.write(`${text}\n`);
  }
}

export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return "?";
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

export function formatRate(bytesPerSecond: number): string {
  if (bytesPerSecond >= 1e6) return `${(bytesPerSecond / 1e6).toFixed(2)} MB/s`;
  if (bytesPerSecond >= 1e3) return `${(bytesPerSecond / 1e3).toFixed(1)} kB/s`;
  return `${bytesPerSecond.toFixed(0)} B/s`;
}

export function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}
