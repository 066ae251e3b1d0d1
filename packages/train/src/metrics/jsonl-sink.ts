import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { replaceFileAtomic } from "../checkpoint/fs-durable";
import { type MetricRecord, type MetricSink, metricRecordSchema } from "./record";

export const METRICS_FILE = "metrics.jsonl";

/** Appends one JSON line per record (one write per record, so a crash loses at most a partial last line). */
export class JsonlSink implements MetricSink {
  constructor(readonly path: string) {}

  write(record: MetricRecord): void {
    appendFileSync(this.path, `${JSON.stringify(record)}\n`);
  }

  /** Rewrites the file without records after `step` (and without a torn last line). */
  truncateAfter(step: number): void {
    if (!existsSync(this.path)) return;
    const kept = readMetricsFile(this.path).filter((r) => r.step <= step);
    replaceFileAtomic(this.path, kept.map((r) => `${JSON.stringify(r)}\n`).join(""), dirname(this.path));
  }

  close(): void {}
}

/** Reads metrics.jsonl; skips a torn final line (crash mid-append) but rejects malformed lines elsewhere. */
export function readMetricsFile(path: string): MetricRecord[] {
  const lines = readFileSync(path, "utf8").split("\n");
  const out: MetricRecord[] = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    const isLast = lines.slice(i + 1).every((l) => !l.trim());
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      if (isLast) return;
      throw new Error(`${path}:${i + 1} is not valid JSON`);
    }
    const parsed = metricRecordSchema.safeParse(json);
    if (!parsed.success)
      throw new Error(`${path}:${i + 1} is not a metric record (${parsed.error.issues[0]?.message})`);
    out.push(parsed.data);
  });
  return out;
}
