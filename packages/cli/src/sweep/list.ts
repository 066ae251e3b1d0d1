import type { ConnectionFlags } from "./connection";
import { table } from "./format";
import { SWEEP_EXIT } from "./outcome";
import { openSweepSession } from "./session";
import { RUN_STATUSES, type RunStatusName } from "./status-schema";

export interface ListFlags extends ConnectionFlags {
  limit: number;
  json: boolean;
}

/** `bytelab sweep list`: the most recent sweeps, newest first, with their runs counted per status. */
export async function listCommand(flags: ListFlags): Promise<number> {
  const session = await openSweepSession(flags, { redis: false });
  try {
    const sweeps = await session.prisma.sweep.findMany({
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: flags.limit,
      select: { id: true, name: true, createdAt: true },
    });
    const groups = await session.prisma.run.groupBy({
      by: ["sweepId", "status"],
      where: { sweepId: { in: sweeps.map((s) => s.id) } },
      _count: { _all: true },
    });
    const zero = () => Object.fromEntries(RUN_STATUSES.map((s) => [s, 0])) as Record<RunStatusName, number>;
    const counts = new Map(sweeps.map((s) => [s.id, zero()]));
    for (const g of groups) if (g.sweepId) counts.get(g.sweepId)![g.status] = g._count._all;
    const rows = sweeps.map((s) => {
      const c = counts.get(s.id)!;
      return {
        id: s.id,
        name: s.name,
        createdAt: s.createdAt.toISOString(),
        runs: Object.values(c).reduce((a, b) => a + b, 0),
        counts: c,
      };
    });
    if (flags.json) {
      console.log(JSON.stringify({ format: "bytelab.sweep-list/1", sweeps: rows }, null, 2));
      return SWEEP_EXIT.ok;
    }
    if (rows.length === 0) {
      console.log(
        "no sweeps yet; submit one with `npx bytelab sweep submit examples/arch-compare-brown.yaml`",
      );
      return SWEEP_EXIT.ok;
    }
    const header = ["id", "name", "created", "runs", ...RUN_STATUSES.map((s) => s.toLowerCase())];
    const body = rows.map((r) => [
      r.id,
      r.name,
      r.createdAt.slice(0, 19).replace("T", " "),
      String(r.runs),
      ...RUN_STATUSES.map((s) => String(r.counts[s])),
    ]);
    const right = header.map((_, i) => i >= 3);
    for (const line of table([header, ...body], right)) console.log(line);
    return SWEEP_EXIT.ok;
  } finally {
    await session.close();
  }
}
