import type { Command } from "commander";
import { backendAction, epilogue, intFlag, secondsFlag } from "./common";

const STATUS_FIELDS = `--json prints the bytelab.sweep-status/1 object: format, sweep {id, name, description, kind,
createdAt}, outcome (running | passed | failed | cancelled), counts {QUEUED, RUNNING, COMPLETED, FAILED,
DIVERGED, CANCELLED}, total, progress {stepsDone, stepsTotal, fraction, etaSeconds}, at, and runs[] with
id, name, label, architecture, seed, status, reused, step, totalSteps, valBpb, trainBpb, bytesPerSecond,
worker {id, host}, error, earlyStop {rung, reason}, attempts, queuedAt, startedAt, finishedAt.`;

/**
 * `bytelab sweep submit | status | wait | list | cancel | rerun`: sweeps from the terminal or CI, through
 * @bytelab/service locally or a bytelab server's REST API (--api), the same commands either way.
 */
export function registerSweepCommands(program: Command): void {
  const sweep = program
    .command("sweep")
    .description("submit, follow, wait for, cancel, re-run and list sweeps (local services or --api server)")
    .addHelpText("after", epilogue(""));
  registerSubmit(sweep);
  registerStatus(sweep);
  registerWait(sweep);
  registerCancel(sweep);
  registerRerun(sweep);
  registerList(sweep);
}

/** `sweep submit <file>`: validate, plan, queue (and optionally follow) a spec. */
function registerSubmit(sweep: Command): void {
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
    .option("--json", "print the bytelab.sweep-submit/1 object (--dry-run: bytelab.sweep-plan/1)")
    .option(
      "--idempotency-key <key>",
      "remote: sent as Idempotency-Key, so a retried CI job never submits twice (e.g. the commit SHA)",
    )
    .option("--interval <seconds>", "how often --wait refreshes", secondsFlag("--interval"), 2)
    .addHelpText(
      "after",
      epilogue(`
Examples:
  npx bytelab sweep submit examples/arch-compare-brown.yaml --dry-run
  npx bytelab sweep submit examples/arch-compare-brown.yaml --wait   # exit code says how it went
  npx bytelab --api https://bytelab.example.org sweep submit ci.yaml --idempotency-key "$GITHUB_SHA" --json

Submitting the same spec again creates nothing and prints the first sweep's id (configs that already have
a QUEUED, RUNNING, COMPLETED or DIVERGED run are reused; --repeat runs them again). An invalid spec prints
each problem as \`path: issue (fix: ...)\` and exits 2 without writing anything.
--wait redraws a table on a terminal and prints one line per change otherwise (--json: JSON lines, the
submit object first, then one bytelab.sweep-status/1 per refresh); Ctrl-C stops waiting only (exit 130).`),
    )
    .action(
      backendAction(
        async (
          backend,
          file: string,
          opts: {
            wait?: boolean;
            repeat?: boolean;
            dryRun?: boolean;
            json?: boolean;
            idempotencyKey?: string;
            interval: number;
          },
        ) => {
          const { submitCommand } = await import("../sweep/submit");
          return submitCommand(backend, file, {
            wait: opts.wait === true,
            repeat: opts.repeat === true,
            dryRun: opts.dryRun === true,
            json: opts.json === true,
            idempotencyKey: opts.idempotencyKey,
            intervalMs: opts.interval * 1000,
          });
        },
      ),
    );
}

/** `sweep status <id>`: the runs of a sweep, once or refreshed (--watch). */
function registerStatus(sweep: Command): void {
  sweep
    .command("status")
    .description(
      "show a sweep's runs: status, step / total, latest val and train bpb, throughput, worker, errors",
    )
    .argument("<sweepId>", "the id `sweep submit` printed (or see `sweep list`)")
    .option("--json", "print the bytelab.sweep-status/1 object (for CI)")
    .option("--watch", "refresh until every run is finished; exit code as for `submit --wait`")
    .option("--interval <seconds>", "how often --watch refreshes", secondsFlag("--interval"), 2)
    .addHelpText(
      "after",
      epilogue(`
Examples:
  npx bytelab sweep status cmb1x2y3z0000abcd --watch
  npx bytelab --api http://ci-box:3000 sweep status cmb1x2y3z0000abcd --json | jq .outcome

The sweep's runs include runs of earlier sweeps it reuses (marked "reused from ..."). ${STATUS_FIELDS}
With --watch --json: one compact object per line at every refresh.
Without --watch the exit code is 0 whenever the sweep could be read.`),
    )
    .action(
      backendAction(
        async (backend, sweepId: string, opts: { json?: boolean; watch?: boolean; interval: number }) => {
          const { statusCommand } = await import("../sweep/status");
          return statusCommand(backend, sweepId, {
            json: opts.json === true,
            watch: opts.watch === true,
            intervalMs: opts.interval * 1000,
          });
        },
      ),
    );
}

/** `sweep wait <id>`: block until every run has finished (CI). */
function registerWait(sweep: Command): void {
  sweep
    .command("wait")
    .description("block until every run of a sweep has finished; exit code as for `submit --wait` (for CI)")
    .argument("<sweepId>", "the sweep to wait for")
    .option(
      "--timeout <seconds>",
      "give up after this long (exit 1); default: no limit",
      secondsFlag("--timeout", 0, 7 * 24 * 3600),
    )
    .option("--json", "print the bytelab.sweep-wait/1 object {finished, waitedSeconds, status}")
    .addHelpText(
      "after",
      epilogue(`
Examples:
  npx bytelab sweep wait cmb1x2y3z0000abcd --timeout 3600
  npx bytelab --api "$BYTELAB_API_URL" sweep wait "$SWEEP_ID" --json > sweep.json

Prints nothing until the end, then one line (or the JSON object). Remotely it long-polls
GET /api/v1/sweeps/{id}/wait in a loop. Exit 0 when every run COMPLETED, 1 when one FAILED, DIVERGED or
was CANCELLED, or when --timeout came first (runs still going); 130 on Ctrl-C.`),
    )
    .action(
      backendAction(async (backend, sweepId: string, opts: { timeout?: number; json?: boolean }) => {
        const { waitCommand } = await import("../sweep/wait");
        return waitCommand(backend, sweepId, { timeoutSeconds: opts.timeout, json: opts.json === true });
      }),
    );
}

/** `sweep cancel <id>`: cancel the unfinished runs of a sweep, or one run. */
function registerCancel(sweep: Command): void {
  sweep
    .command("cancel")
    .description(
      "cancel every QUEUED / RUNNING run of a sweep (or one run with --run); prints what was cancelled",
    )
    .argument("<sweepId>", "the sweep to cancel")
    .option("--run <runId>", "cancel only this run of the sweep")
    .option("--reason <text>", "recorded on the run's CANCELLED event", "cancelled from the bytelab CLI")
    .option("--json", "print the bytelab.sweep-action/1 object (with --run: the run's action result)")
    .addHelpText(
      "after",
      epilogue(`
Examples:
  npx bytelab sweep cancel cmb1x2y3z0000abcd --reason "superseded by a new commit"
  npx bytelab sweep cancel cmb1x2y3z0000abcd --run cmb1x2y3z0001efgh

A QUEUED run's waiting job is removed from the queue; a RUNNING run's worker gets the cancel signal and
stops at its next step (keeping its last checkpoint and metrics). Finished runs are left as they are, and
runs of earlier sweeps that this sweep reuses are left to their own sweeps. --run on a finished run is a
conflict (exit 1).`),
    )
    .action(
      backendAction(
        async (backend, sweepId: string, opts: { run?: string; reason: string; json?: boolean }) => {
          const { sweepActionCommand } = await import("../sweep/actions");
          return sweepActionCommand(backend, "cancel", sweepId, { ...opts, json: opts.json === true });
        },
      ),
    );
}

/** `sweep rerun <id>`: re-run the failed (and optionally cancelled) runs of a sweep, or one run. */
function registerRerun(sweep: Command): void {
  sweep
    .command("rerun")
    .description(
      "re-run a sweep's FAILED runs (or one run with --run); each resumes from its last checkpoint",
    )
    .argument("<sweepId>", "the sweep whose failed runs to re-run")
    .option("--run <runId>", "re-run only this run of the sweep (FAILED or CANCELLED)")
    .option("--include-cancelled", "also re-run the sweep's CANCELLED runs")
    .option("--reason <text>", "recorded on the run's status event")
    .option("--json", "print the bytelab.sweep-action/1 object (with --run: the run's action result)")
    .addHelpText(
      "after",
      epilogue(`
Examples:
  npx bytelab sweep rerun cmb1x2y3z0000abcd
  npx bytelab sweep rerun cmb1x2y3z0000abcd --include-cancelled && npx bytelab sweep wait cmb1x2y3z0000abcd

A re-run keeps the run's id and history: it goes back to QUEUED and the worker that takes it resumes from
its last checkpoint (step 0 without one). COMPLETED runs are not re-run (submit the spec with --repeat), nor
DIVERGED ones (the same config and seed would diverge again). --run on such a run is a conflict (exit 1).`),
    )
    .action(
      backendAction(
        async (
          backend,
          sweepId: string,
          opts: { run?: string; includeCancelled?: boolean; reason?: string; json?: boolean },
        ) => {
          const { sweepActionCommand } = await import("../sweep/actions");
          return sweepActionCommand(backend, "rerun", sweepId, {
            ...opts,
            includeCancelled: opts.includeCancelled === true,
            json: opts.json === true,
          });
        },
      ),
    );
}

/** `sweep list`: recent sweeps with their runs counted per status. */
function registerList(sweep: Command): void {
  sweep
    .command("list")
    .description("list recent sweeps, newest first, with their runs counted per status and their outcome")
    .option("--limit <n>", "how many sweeps per page", intFlag("--limit", 1, 200, "20"), 20)
    .option("--cursor <cursor>", "the next page: the cursor the previous page printed")
    .option("--json", "print the bytelab.sweep-list/1 object {sweeps, nextCursor}")
    .addHelpText(
      "after",
      epilogue(`
Examples:
  npx bytelab sweep list --limit 5
  npx bytelab --api http://ci-box:3000 sweep list --json | jq -r '.sweeps[].id'`),
    )
    .action(
      backendAction(async (backend, opts: { limit: number; cursor?: string; json?: boolean }) => {
        const { listCommand } = await import("../sweep/list");
        return listCommand(backend, { ...opts, json: opts.json === true });
      }),
    );
}
