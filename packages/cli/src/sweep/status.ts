import type { ConnectionFlags } from "./connection";
import { followSweep } from "./follow";
import { loadSweepStatus } from "./load-status";
import { SWEEP_EXIT } from "./outcome";
import { headerLine, statusTable } from "./render";
import { openSweepSession } from "./session";

export interface StatusFlags extends ConnectionFlags {
  json: boolean;
  watch: boolean;
  intervalMs: number;
}

/**
 * `bytelab sweep status ID`: the runs with status, progress, latest metrics, worker and errors, once
 * (exit 0), or with --watch until every run is finished (exit code as for `submit --wait`). --json prints
 * the bytelab.sweep-status/1 object (with --watch: one compact object per line, per refresh).
 */
export async function statusCommand(sweepId: string, flags: StatusFlags): Promise<number> {
  const session = await openSweepSession(flags, { redis: false });
  try {
    if (flags.watch) return await followSweep(session.prisma, sweepId, flags);
    const status = await loadSweepStatus(session.prisma, sweepId);
    if (flags.json) {
      console.log(JSON.stringify(status, null, 2));
      return SWEEP_EXIT.ok;
    }
    console.log(headerLine(status));
    for (const line of statusTable(status, {
      width: process.stdout.isTTY ? process.stdout.columns : undefined,
    }))
      console.log(line);
    return SWEEP_EXIT.ok;
  } finally {
    await session.close();
  }
}
