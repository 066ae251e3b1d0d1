import { type Command, Option } from "commander";
import type { VerdictRequest } from "@bytelab/service/schemas";
import type { Backend } from "../backend/backend";
import { EXIT, type ExitCode, UsageError } from "../exit";
import { backendAction, epilogue, numberFlag, printJson, secondsFlag } from "./common";

interface VerdictOpts {
  run?: string;
  sweep?: string;
  metric: string;
  baselineRun?: string;
  baselinePreviousCommit?: boolean;
  baselineValue?: number;
  tolerance: number;
  direction: "lower" | "higher";
  confidence: number;
  wait?: boolean;
  timeout?: number;
  inconclusive: "pass" | "fail";
  json?: boolean;
}

/** The request the flags describe; a usage error when they do not name exactly one candidate and baseline. */
export function verdictRequest(opts: VerdictOpts): VerdictRequest {
  const candidates = [opts.run !== undefined && "--run", opts.sweep !== undefined && "--sweep"].filter(
    Boolean,
  );
  if (candidates.length !== 1)
    throw new UsageError(
      candidates.length === 0
        ? "say what is judged: --run RUN_ID or --sweep SWEEP_ID"
        : "give one of --run and --sweep, not both",
    );
  const baselines = [
    opts.baselineRun !== undefined && "--baseline-run",
    opts.baselinePreviousCommit && "--baseline-previous-commit",
    opts.baselineValue !== undefined && "--baseline-value",
  ].filter(Boolean);
  if (baselines.length !== 1)
    throw new UsageError(
      baselines.length === 0
        ? "say what it is compared to: --baseline-run ID|NAME, --baseline-previous-commit or --baseline-value X"
        : `give one baseline, not ${baselines.join(" and ")}`,
    );
  return {
    candidate: opts.run !== undefined ? { run: opts.run } : { sweep: opts.sweep! },
    baseline:
      opts.baselineRun !== undefined
        ? { run: opts.baselineRun }
        : opts.baselinePreviousCommit
          ? { previousCommit: true }
          : { value: opts.baselineValue! },
    metric: opts.metric,
    direction: opts.direction,
    tolerance: opts.tolerance,
    confidence: opts.confidence,
  };
}

/** --wait: blocks until the candidate has finished (or --timeout); false when Ctrl-C stopped it. */
async function waitForCandidate(backend: Backend, opts: VerdictOpts): Promise<boolean> {
  const { waitUntilFinished } = await import("../sweep/wait");
  const { stoppedWaiting } = await import("../sweep/follow");
  const target = opts.sweep !== undefined ? { sweep: opts.sweep } : { run: opts.run! };
  const { how } = await waitUntilFinished(backend, target, {
    timeoutSeconds: opts.timeout,
    onProgress: (line) => process.stderr.write(`waiting: ${line}\n`),
  });
  if (how !== "interrupted") return true; // at --timeout: judge what there is (unfinished runs: inconclusive)
  if (opts.sweep !== undefined)
    stoppedWaiting(
      `sweep ${opts.sweep}`,
      `npx bytelab sweep status ${opts.sweep} --watch`,
      `npx bytelab sweep cancel ${opts.sweep}`,
    );
  else
    stoppedWaiting(
      `run ${opts.run}`,
      `npx bytelab runs show ${opts.run}`,
      "npx bytelab sweep cancel SWEEP_ID --run RUN_ID",
    );
  return false;
}

async function verdictCommand(backend: Backend, opts: VerdictOpts): Promise<ExitCode> {
  const request = verdictRequest(opts);
  if (opts.wait && !(await waitForCandidate(backend, opts))) return EXIT.interrupted;
  const verdict = await backend.verdict(request);
  if (opts.json) printJson(verdict);
  else {
    const { verdictLines } = await import("../verdict/render");
    for (const line of verdictLines(verdict)) console.log(line);
  }
  if (verdict.verdict === "pass") return EXIT.ok;
  if (verdict.verdict === "regression") return EXIT.failure;
  if (opts.inconclusive === "pass") {
    if (!opts.json) console.log("  inconclusive counts as a pass here (--inconclusive pass)");
    return EXIT.ok;
  }
  if (!opts.json) console.log("  inconclusive fails the gate (exit 1); --inconclusive pass lets it through");
  return EXIT.failure;
}

/** `bytelab verdict`: is a run or a sweep worse than a baseline on a metric by more than a tolerance? */
export function registerVerdictCommand(program: Command): void {
  program
    .command("verdict")
    .description(
      "judge a run or sweep against a baseline on a metric: pass, regression or inconclusive (a CI gate)",
    )
    .option("--run <runId>", "the candidate: one run")
    .option("--sweep <sweepId>", "the candidate: every run of a sweep (seeds give an interval)")
    .option("--metric <name>", "the metric compared, its final value per run", "test/bpb")
    .option("--baseline-run <idOrName>", "baseline: a run (id, or exact name: the newest run of that name)")
    .option(
      "--baseline-previous-commit",
      "baseline: for each candidate run, the latest COMPLETED run of the same config at another git commit",
    )
    .option("--baseline-value <x>", "baseline: a fixed value", numberFlag("--baseline-value", "1.25"))
    .option(
      "--tolerance <x>",
      "how much worse the candidate may be and still pass, in the metric's units",
      numberFlag("--tolerance", "0.02", (n) => n >= 0),
      0.02,
    )
    .addOption(
      new Option("--direction <dir>", "which way is better").choices(["lower", "higher"]).default("lower"),
    )
    .option(
      "--confidence <level>",
      "confidence level of the interval on the difference",
      numberFlag("--confidence", "0.95", (n) => n > 0.5 && n < 1),
      0.95,
    )
    .option("--wait", "wait for the candidate to finish first (then judge it)")
    .option(
      "--timeout <seconds>",
      "with --wait: judge after this long even if runs are still going",
      secondsFlag("--timeout", 0, 7 * 24 * 3600),
    )
    .addOption(
      new Option("--inconclusive <as>", "exit code of an inconclusive verdict: fail (1) or pass (0)")
        .choices(["fail", "pass"])
        .default("fail"),
    )
    .option("--json", "print the bytelab.verdict/1 object")
    .addHelpText(
      "after",
      epilogue(`
Examples:
  npx bytelab verdict --sweep "$SWEEP_ID" --baseline-previous-commit --wait
  npx bytelab verdict --run cmb1x2y3z0001efgh --baseline-run baseline/hnet/s0 --tolerance 0.01
  npx bytelab --api "$BYTELAB_API_URL" verdict --sweep "$SWEEP_ID" --baseline-value 2.15 --json

pass: not worse than the baseline by more than the tolerance (with several seeds: the whole confidence
interval of the difference is within it). regression: worse by more than the tolerance (the whole
interval beyond it), or a candidate run FAILED / DIVERGED. inconclusive: runs still going, values missing,
or an interval that straddles the tolerance (add seeds). Prints the reason, the effect size with its
interval, and the dashboard's compare link.
Exit: 0 pass, 1 regression, 1 inconclusive (a CI gate must not pass silently; --inconclusive pass: 0).`),
    )
    .action(backendAction((backend, opts: VerdictOpts) => verdictCommand(backend, opts)));
}
