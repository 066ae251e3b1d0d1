import { finiteOrNull, type MetricKind, type MetricRecord, type MetricSink } from "./record";

/** The one way the training loop emits metrics: every record goes to every sink, in order. */
export class Reporter {
  private readonly listeners: Array<(r: MetricRecord) => void> = [];

  constructor(private readonly sinks: MetricSink[]) {}

  /** Also hand every record to `fn` (progress display); listeners never affect the sinks. */
  onRecord(fn: (r: MetricRecord) => void): void {
    this.listeners.push(fn);
  }

  async report(
    kind: MetricKind,
    at: { step: number; bytesSeen: number; flops: number; wallTime: number },
    metrics: Record<string, number>,
  ): Promise<MetricRecord> {
    const record: MetricRecord = { kind, ...at, metrics: finiteOrNull(metrics) };
    for (const s of this.sinks) await s.write(record);
    for (const fn of this.listeners) fn(record);
    return record;
  }

  async truncateAfter(step: number): Promise<void> {
    for (const s of this.sinks) await s.truncateAfter?.(step);
  }

  async close(): Promise<void> {
    for (const s of this.sinks) await s.close();
  }
}
