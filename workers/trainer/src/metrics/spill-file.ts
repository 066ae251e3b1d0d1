import { closeSync, existsSync, fsyncSync, openSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { type MetricRecord, readMetricsFile } from "@bytelab/train/metrics";

/** Name of the spill file in a run folder. */
export const SPILL_FILE = "metrics-spill.jsonl";

/**
 * Metric records that could not reach Postgres, in the run folder: append-only JSON lines (the format of
 * metrics.jsonl), fsynced per append, replayed in order once Postgres answers and then deleted. A torn last
 * line (crash mid-append) is skipped on read; replay is idempotent (points are keyed by run, name, step).
 */
export class SpillFile {
  readonly path: string;

  constructor(runDir: string) {
    this.path = join(runDir, SPILL_FILE);
  }

  exists(): boolean {
    return existsSync(this.path);
  }

  append(records: readonly MetricRecord[]): void {
    if (records.length === 0) return;
    const fd = openSync(this.path, "a");
    try {
      writeSync(fd, records.map((r) => `${JSON.stringify(r)}\n`).join(""));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  read(): MetricRecord[] {
    return this.exists() ? readMetricsFile(this.path) : [];
  }

  remove(): void {
    rmSync(this.path, { force: true });
  }
}
