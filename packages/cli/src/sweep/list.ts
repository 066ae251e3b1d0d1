import { RUN_STATUSES } from "@bytelab/service/schemas";
import type { Backend } from "../backend/backend";
import { EXIT, type ExitCode } from "../exit";
import { table } from "./format";

export interface ListFlags {
  limit: number;
  cursor?: string | undefined;
  json: boolean;
}

/** `bytelab sweep list`: the most recent sweeps, newest first, with their runs counted per status. */
export async function listCommand(backend: Backend, flags: ListFlags): Promise<ExitCode> {
  const list = await backend.listSweeps({
    limit: flags.limit,
    ...(flags.cursor ? { cursor: flags.cursor } : {}),
  });
  if (flags.json) {
    console.log(JSON.stringify(list, null, 2));
    return EXIT.ok;
  }
  if (list.sweeps.length === 0) {
    console.log(
      flags.cursor
        ? "no more sweeps"
        : "no sweeps yet; submit one with `npx bytelab sweep submit examples/arch-compare-brown.yaml`",
    );
    return EXIT.ok;
  }
  const header = ["id", "name", "created", "runs", ...RUN_STATUSES.map((s) => s.toLowerCase()), "outcome"];
  const body = list.sweeps.map((s) => [
    s.id,
    s.name,
    s.createdAt.slice(0, 19).replace("T", " "),
    String(s.total),
    ...RUN_STATUSES.map((status) => String(s.counts[status])),
    s.outcome,
  ]);
  const right = header.map((_, i) => i >= 3 && i < header.length - 1);
  for (const line of table([header, ...body], right)) console.log(line);
  if (list.nextCursor)
    console.log(`more: npx bytelab sweep list --limit ${flags.limit} --cursor ${list.nextCursor}`);
  return EXIT.ok;
}
