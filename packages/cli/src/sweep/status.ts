import type { Backend } from "../backend/backend";
import { EXIT, type ExitCode } from "../exit";
import { followSweep } from "./follow";
import { headerLine, statusTable } from "./render";

export interface StatusFlags {
  json: boolean;
  watch: boolean;
  intervalMs: number;
}

/**
 * `bytelab sweep status ID`: the runs with status, progress, latest metrics, worker and errors, once
 * (exit 0), or with --watch until every run is finished (exit code as for `submit --wait`). --json prints
 * the bytelab.sweep-status/1 object (with --watch: one compact object per line, per refresh).
 */
export async function statusCommand(
  backend: Backend,
  sweepId: string,
  flags: StatusFlags,
): Promise<ExitCode> {
  if (flags.watch) return followSweep(backend, sweepId, flags);
  const status = await backend.sweepStatus(sweepId);
  if (flags.json) {
    console.log(JSON.stringify(status, null, 2));
    return EXIT.ok;
  }
  console.log(headerLine(status));
  for (const line of statusTable(status, {
    width: process.stdout.isTTY ? process.stdout.columns : undefined,
  }))
    console.log(line);
  return EXIT.ok;
}
