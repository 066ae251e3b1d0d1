import { type Command, CommanderError, InvalidArgumentError } from "commander";
import { runSweepCommand } from "../sweep/run-command";

const CONNECTION_HELP = `
Connection: --database-url (and --redis-url for submit / cancel), else DATABASE_URL / REDIS_URL, else the
local stack \`npm start\` is running (BYTELAB_HOME/bytelab.stack.json; BYTELAB_HOME defaults to the
repository's .bytelab folder).`;

const EXIT_HELP = `
Exit codes: 0 ok (with --wait / --watch: every run COMPLETED, ASHA early stops included); 1 some run
FAILED, DIVERGED or was CANCELLED, or Postgres / Redis unreachable; 2 invalid input (spec, file, unknown
id), nothing written; 130 Ctrl-C while waiting (the sweep keeps running).`;

function secondsFlag(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0.05 || n > 3600)
      throw new InvalidArgumentError(
        `${flag} must be a number of seconds in [0.05, 3600] (got "${value}"), e.g. ${flag} 2`,
      );
    return n;
  };
}

function limitFlag(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > 1000)
    throw new InvalidArgumentError(
      `--limit must be an integer in [1, 1000] (got "${value}"), e.g. --limit 20`,
    );
  return n;
}

const USAGE_ERRORS = new Set([
  "commander.invalidArgument",
  "commander.unknownOption",
  "commander.missingArgument",
  "commander.optionMissingArgument",
  "commander.excessArguments",
  "commander.unknownCommand",
]);

interface ConnectionOpts {
  databaseUrl?: string;
  redisUrl?: string;
}

/**
 * `bytelab sweep submit | status | cancel | list`: sweeps from the terminal, straight against Postgres and
 * Redis (the same submitSweep / cancelSweep the REST API uses), before or without the web app.
 */
export function registerSweepCommands(program: Command): void {
  const sweep = program
    .command("sweep")
    .description("submit, follow, cancel and list sweeps (talks to Postgres and Redis directly)")
    .addHelpText("after", `${CONNECTION_HELP}\n${EXIT_HELP}`)
    // Usage mistakes (unknown option, bad value, missing argument) are invalid input too: exit 2.
    .exitOverride((error) => {
      if (error.exitCode === 1 && USAGE_ERRORS.has(error.code))
        throw new CommanderError(2, error.code, error.message);
      throw error;
    });

  sweep
    .command("submit")
    .description(
      "validate a sweep / ablation / ladder spec, print the plan (runs, architectures, budgets, reused runs), " +
        "queue its runs and print the sweep id",
    )
    .argument("<file>", "spec file (.yaml, .yml or .json); see packages/experiments/README.md and examples/")
    .option("--wait", "follow the runs until all are finished; exit 0 only if every run COMPLETED")
    .option("--repeat", "create new runs even for configs that already have a run (normally reused)")
    .option("--dry-run", "only validate and print the plan; nothing is written (reuse shown if a db answers)")
    .option("--interval <seconds>", "how often --wait refreshes", secondsFlag("--interval"), 2)
    .option("--database-url <url>", "Postgres URL (default: DATABASE_URL, else the local stack)")
    .option("--redis-url <url>", "Redis URL (default: REDIS_URL, else the local stack)")
    .addHelpText(
      "after",
      `
Examples:
  npx bytelab sweep submit examples/arch-compare-brown.yaml --dry-run
  npx bytelab sweep submit examples/arch-compare-brown.yaml --wait   # CI: exit code says how it went

Submitting the same spec again creates nothing and prints the first sweep's id (configs that already have
a QUEUED, RUNNING, COMPLETED or DIVERGED run are reused; --repeat runs them again). An invalid spec prints
each problem as \`path: issue (fix: ...)\` and exits 2 without writing anything.
--wait redraws a table on a terminal and prints one line per change otherwise; Ctrl-C stops waiting only.
${CONNECTION_HELP}
${EXIT_HELP}`,
    )
    .action(
      (
        file: string,
        opts: ConnectionOpts & { wait?: boolean; repeat?: boolean; dryRun?: boolean; interval: number },
      ) =>
        runSweepCommand("submit", async () => {
          const { submitCommand } = await import("../sweep/submit");
          return submitCommand(file, {
            ...opts,
            wait: opts.wait === true,
            repeat: opts.repeat === true,
            dryRun: opts.dryRun === true,
            intervalMs: opts.interval * 1000,
          });
        }),
    );

  sweep
    .command("status")
    .description(
      "show a sweep's runs: status, step / total, latest val and train bpb, throughput, worker, errors",
    )
    .argument("<sweepId>", "the id `sweep submit` printed (or see `sweep list`)")
    .option("--json", "print a machine-readable bytelab.sweep-status/1 object (for CI)")
    .option("--watch", "refresh until every run is finished; exit code as for `submit --wait`")
    .option("--interval <seconds>", "how often --watch refreshes", secondsFlag("--interval"), 2)
    .option("--database-url <url>", "Postgres URL (default: DATABASE_URL, else the local stack)")
    .addHelpText(
      "after",
      `
The sweep's runs include runs of earlier sweeps it reuses (marked "reused from ..."). --json fields:
format, sweep {id, name, description, kind, createdAt}, outcome (running | passed | failed | cancelled),
counts {QUEUED, RUNNING, COMPLETED, FAILED, DIVERGED, CANCELLED}, total, at, and runs[] with id, name,
label, architecture, seed, status, reused, step, totalSteps, valBpb, trainBpb, bytesPerSecond,
worker {id, host}, error, earlyStop {rung, reason}, attempts, queuedAt, startedAt, finishedAt.
With --watch --json: one compact object per line at every refresh.
Without --watch the exit code is 0 whenever the sweep could be read.
${CONNECTION_HELP}
${EXIT_HELP}`,
    )
    .action((sweepId: string, opts: ConnectionOpts & { json?: boolean; watch?: boolean; interval: number }) =>
      runSweepCommand("status", async () => {
        const { statusCommand } = await import("../sweep/status");
        return statusCommand(sweepId, {
          ...opts,
          json: opts.json === true,
          watch: opts.watch === true,
          intervalMs: opts.interval * 1000,
        });
      }),
    );

  sweep
    .command("cancel")
    .description(
      "cancel every QUEUED / RUNNING run of a sweep (or one run with --run); prints what was cancelled",
    )
    .argument("<sweepId>", "the sweep to cancel")
    .option("--run <runId>", "cancel only this run of the sweep")
    .option("--reason <text>", "recorded on the run's CANCELLED event", "cancelled from the bytelab CLI")
    .option("--database-url <url>", "Postgres URL (default: DATABASE_URL, else the local stack)")
    .option("--redis-url <url>", "Redis URL (default: REDIS_URL, else the local stack)")
    .addHelpText(
      "after",
      `
A QUEUED run's waiting job is removed from the queue; a RUNNING run's worker gets the cancel signal and
stops at its next step (keeping its last checkpoint and metrics). Finished runs are left as they are, and
runs of earlier sweeps that this sweep reuses are left to their own sweeps.
${CONNECTION_HELP}
${EXIT_HELP}`,
    )
    .action((sweepId: string, opts: ConnectionOpts & { run?: string; reason: string }) =>
      runSweepCommand("cancel", async () => {
        const { cancelCommand } = await import("../sweep/cancel");
        return cancelCommand(sweepId, opts);
      }),
    );

  sweep
    .command("list")
    .description("list recent sweeps, newest first, with their runs counted per status")
    .option("--limit <n>", "how many sweeps", limitFlag, 20)
    .option("--json", "print a machine-readable bytelab.sweep-list/1 object")
    .option("--database-url <url>", "Postgres URL (default: DATABASE_URL, else the local stack)")
    .addHelpText("after", `${CONNECTION_HELP}\n${EXIT_HELP}`)
    .action((opts: ConnectionOpts & { limit: number; json?: boolean }) =>
      runSweepCommand("list", async () => {
        const { listCommand } = await import("../sweep/list");
        return listCommand({ ...opts, json: opts.json === true });
      }),
    );
}
