import { clip } from "./format";
import { countsLine, headerLine, runLine, statusTable } from "./render";
import type { RunProgress, SweepStatus } from "@bytelab/service/schemas";

/** Shows successive snapshots of a sweep. */
export interface ProgressDisplay {
  update(status: SweepStatus): void;
}

const ESC = String.fromCharCode(27);

/** A terminal: the compact table, redrawn in place (lines cut to the terminal's width, rows to its height). */
export class TtyDisplay implements ProgressDisplay {
  private drawn = 0;
  constructor(private readonly out: NodeJS.WriteStream) {}

  update(status: SweepStatus): void {
    const width = this.out.columns;
    const maxRows = this.out.rows ? Math.max(3, this.out.rows - 4) : undefined;
    const lines = [clip(headerLine(status), width), ...statusTable(status, { width, maxRows })];
    let frame = this.drawn > 0 ? `${ESC}[${this.drawn}A\r` : "";
    for (const line of lines) frame += `${ESC}[2K${line}\n`;
    frame += `${ESC}[J`; // a shorter frame than the last: clear what is left below
    this.out.write(frame);
    this.drawn = lines.length;
  }
}

interface Shown {
  status: string;
  step: number | null;
  valBpb: number | null;
  at: number;
}

/**
 * Logs and pipes: a line per run when its status or val/bpb changes, and at most every `stepEveryMs` when
 * only its step moved; a counts line when the counts change. Each line starts with the time of day.
 */
export class PlainDisplay implements ProgressDisplay {
  private readonly shown = new Map<string, Shown>();
  private counts = "";
  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly stepEveryMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  private changed(run: RunProgress, t: number): boolean {
    const last = this.shown.get(run.id);
    if (!last) return true;
    if (last.status !== run.status || last.valBpb !== run.valBpb) return true;
    return last.step !== run.step && t - last.at >= this.stepEveryMs;
  }

  update(status: SweepStatus): void {
    const t = this.now();
    const time = new Date(t).toISOString().slice(11, 19);
    for (const run of status.runs) {
      if (!this.changed(run, t)) continue;
      this.shown.set(run.id, { status: run.status, step: run.step, valBpb: run.valBpb, at: t });
      this.out.write(`${time}  ${runLine(run)}\n`);
    }
    const counts = countsLine(status);
    if (counts !== this.counts) {
      this.counts = counts;
      this.out.write(`${time}  ${counts}\n`);
    }
  }
}

export interface WatchOptions {
  /**
   * Reads the sweep: at once on the first call (`first`), later blocking up to the refresh interval unless
   * every run finishes first (the service's wait: a long poll remotely).
   */
  next: (first: boolean, signal: AbortSignal) => Promise<SweepStatus>;
  display: ProgressDisplay;
  /** Pause before retrying a failed read. */
  retryMs: number;
  /** Aborted on Ctrl-C: the watch returns with `interrupted: true`. */
  signal: AbortSignal;
  /** Consecutive failed reads (database restarting...) tolerated before giving up. Default 5. */
  maxFailures?: number;
  /** Whether a failed read may be retried (default: yes). */
  retryable?: (error: unknown) => boolean;
  /** Told about a failed read that will be retried. */
  onRetry?: (error: unknown) => void;
}

export interface WatchResult {
  /** The last snapshot read (null only when interrupted before the first). */
  status: SweepStatus | null;
  interrupted: boolean;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/** Reads and shows the sweep until every run is finished or the signal aborts. */
export async function watchSweep(opts: WatchOptions): Promise<WatchResult> {
  const maxFailures = opts.maxFailures ?? 5;
  let status: SweepStatus | null = null;
  let failures = 0;
  let first = true;
  while (!opts.signal.aborted) {
    try {
      status = await opts.next(first, opts.signal);
      failures = 0;
      first = false;
    } catch (error) {
      if (opts.signal.aborted) break;
      if (++failures >= maxFailures || !(opts.retryable?.(error) ?? true)) throw error;
      opts.onRetry?.(error);
      await sleep(opts.retryMs, opts.signal);
      continue;
    }
    if (opts.signal.aborted) break;
    opts.display.update(status);
    if (status.outcome !== "running") return { status, interrupted: false };
  }
  return { status, interrupted: true };
}
