import { Option, type Command, InvalidArgumentError } from "commander";
import { RUN_SORT_KEYS, RUN_STATUSES, type RunListQuery } from "@bytelab/service/schemas";
import { EXIT } from "../exit";
import { backendAction, collect, commaList, epilogue, intFlag, printJson } from "./common";

function statusList(value: string, previous: string[] | undefined): string[] {
  const all = commaList(value, previous);
  const bad = all.filter((s) => !(RUN_STATUSES as readonly string[]).includes(s.toUpperCase()));
  if (bad.length > 0)
    throw new InvalidArgumentError(
      `--status: ${bad.map((b) => `"${b}"`).join(", ")} is not a run status; use ${RUN_STATUSES.join(", ")} (comma-separated)`,
    );
  return all.map((s) => s.toUpperCase());
}

interface ListOpts {
  sweep?: string;
  status?: string[];
  arch?: string[];
  config?: string[];
  search?: string;
  sort: string;
  order: "asc" | "desc";
  limit: number;
  cursor?: string;
  json?: boolean;
}

/** `bytelab runs list | show`: the runs table with filters, sorting and paging, and one run in detail. */
export function registerRunsCommands(program: Command): void {
  const runs = program
    .command("runs")
    .description(
      "list runs with filters, sorting and paging, or show one run (local services or --api server)",
    )
    .addHelpText("after", epilogue(""));

  runs
    .command("list")
    .description("list runs: filter by sweep, status, architecture, config values; sort by any column; page")
    .option("--sweep <idOrName>", "only runs of this sweep (its id or name)")
    .option("--status <list>", `only these statuses, comma-separated: ${RUN_STATUSES.join(",")}`, statusList)
    .option(
      "--arch <list>",
      "only these architectures, comma-separated: transformer,hourglass,hnet,megabyte",
      commaList,
    )
    .option(
      "--config <key=value>",
      "only runs whose config has this value at a dotted key (repeatable, all must hold)",
      collect,
    )
    .option("--search <text>", "only runs whose name contains this text (case-insensitive)")
    .addOption(
      new Option("--sort <key>", "column to sort by (nulls last)").choices(RUN_SORT_KEYS).default("queuedAt"),
    )
    .addOption(new Option("--order <dir>", "sort direction").choices(["asc", "desc"]).default("desc"))
    .option("--limit <n>", "runs per page", intFlag("--limit", 1, 1000, "50"), 50)
    .option("--cursor <cursor>", "the next page: the cursor the previous page printed (same sort and order)")
    .option("--json", "print the bytelab.run-list/1 object {runs, total, nextCursor}")
    .addHelpText(
      "after",
      epilogue(`
Examples:
  npx bytelab runs list --sweep arch-compare --sort bestValBpb --order asc
  npx bytelab runs list --status FAILED,DIVERGED --arch hnet
  npx bytelab runs list --config optimizer.lr=0.003 --config model.dim=128 --json
  npx bytelab --api http://ci-box:3000 runs list --sweep "$SWEEP_ID" --json | jq '.runs[].testBpb'

--config compares the JSON value at the key: numbers and booleans as written (model.dim=128), anything else
as a string (dataset=brown). Sort keys: ${RUN_SORT_KEYS.join(", ")}.
--json prints the run rows exactly as GET /api/v1/runs answers them (id, name, label, sweep, status,
architecture, seed, configHash, config, paramCount, flopsPerByte, step, totalSteps, bytesSeen, flops,
lastValBpb, bestValBpb, lastTrainBpb, testBpb, bytesPerSecond, worker, backend, device, gitCommit,
attempts, error, queuedAt, startedAt, finishedAt, durationSeconds).`),
    )
    .action(
      backendAction(async (backend, opts: ListOpts) => {
        const query: RunListQuery = {
          sort: opts.sort as RunListQuery["sort"],
          order: opts.order,
          limit: opts.limit,
          ...(opts.sweep ? { sweep: opts.sweep } : {}),
          ...(opts.status ? { status: opts.status as RunListQuery["status"] } : {}),
          ...(opts.arch ? { architecture: opts.arch } : {}),
          ...(opts.config ? { config: opts.config } : {}),
          ...(opts.search ? { q: opts.search } : {}),
          ...(opts.cursor ? { cursor: opts.cursor } : {}),
        };
        const list = await backend.listRuns(query);
        if (opts.json) {
          printJson(list);
          return EXIT.ok;
        }
        if (list.runs.length === 0) {
          console.log(opts.cursor ? "no more runs" : "no runs match");
          return EXIT.ok;
        }
        const { runsTable } = await import("../runs/render");
        for (const line of runsTable(list, process.stdout.isTTY ? process.stdout.columns : undefined))
          console.log(line);
        console.log(`${list.runs.length} of ${list.total} run${list.total === 1 ? "" : "s"}`);
        if (list.nextCursor) console.log(`more: add --cursor ${list.nextCursor}`);
        return EXIT.ok;
      }),
    );

  runs
    .command("show")
    .description("show one run: status, progress, bpb, config keys that set it apart, where it ran, metrics")
    .argument("<runId>", "the run's id (see `runs list` or `sweep status`)")
    .option("--json", "print the bytelab.run/1 object")
    .addHelpText(
      "after",
      epilogue(`
Examples:
  npx bytelab runs show cmb1x2y3z0001efgh
  npx bytelab --api http://ci-box:3000 runs show cmb1x2y3z0001efgh --json | jq .run.testBpb`),
    )
    .action(
      backendAction(async (backend, runId: string, opts: { json?: boolean }) => {
        const detail = await backend.getRun(runId);
        if (opts.json) {
          printJson(detail);
          return EXIT.ok;
        }
        const { runDetailLines } = await import("../runs/render");
        for (const line of runDetailLines(detail)) console.log(line);
        return EXIT.ok;
      }),
    );
}
