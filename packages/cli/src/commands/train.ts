import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { type Command, InvalidArgumentError, Option } from "commander";
import { CliError, EXIT, UsageError } from "../exit";
import { epilogue } from "./common";

/**
 * Exit codes of `bytelab train`, from the one table (exit.ts): 0 completed, 1 diverged, 2 bad flag / config /
 * dataset, 3 a dataset download failed, 130 Ctrl-C (a checkpoint is saved first).
 */
export const TRAIN_EXIT = {
  completed: EXIT.ok,
  diverged: EXIT.failure,
  usage: EXIT.usage,
  unavailable: EXIT.unavailable,
  cancelled: EXIT.interrupted,
} as const;

const ARCHS = ["transformer", "hourglass", "hnet", "megabyte"] as const;

interface TrainFlags {
  arch?: string;
  config?: string;
  dataset?: string;
  steps?: number;
  seed?: number;
  out?: string;
  resume?: string;
  lr?: number;
  batchSize?: number;
  seqLen?: number;
  backend?: string;
  progress: boolean;
}

/** commander argParser for integer flags: the error names the flag and shows a valid example. */
export function intFlag(flag: string, min: number, example: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min)
      throw new InvalidArgumentError(
        `${flag} must be an integer >= ${min} (got "${value}"); for example ${flag} ${example}`,
      );
    return n;
  };
}

function positiveNumberFlag(flag: string, example: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0)
      throw new InvalidArgumentError(
        `${flag} must be a positive number (got "${value}"); for example ${flag} ${example}`,
      );
    return n;
  };
}

/**
 * `bytelab train`: trains one model locally (no Redis / Postgres). Config precedence: the architecture's
 * small defaults < --config file < flags. A --config `model` object replaces the default model config
 * (it is not merged), other nested sections (optimizer, schedule, eval, ...) are merged field by field.
 */
export function registerTrainCommands(program: Command): void {
  program
    .command("train")
    .description("train a byte-level model locally; writes metrics.jsonl, run.json and checkpoints to --out")
    .addOption(new Option("--arch <name>", "architecture").choices(ARCHS))
    .option("--config <file.json>", "training config (JSON, fields of the TrainConfig schema)")
    .option("--dataset <name>", 'dataset: brown (default), code, enwik8, text8, "file:<path>", "dir:<path>"')
    .option("--steps <n>", "optimizer steps", intFlag("--steps", 1, "300"))
    .option("--seed <n>", "seed for init, data order and noise", intFlag("--seed", 0, "1"))
    .option("--out <dir>", "run directory (default runs/<timestamp>-<arch>)")
    .option(
      "--resume <dir>",
      "continue the run in <dir> from its latest checkpoint (only --steps may change)",
    )
    .option("--lr <x>", "peak learning rate", positiveNumberFlag("--lr", "0.003"))
    .option("--batch-size <n>", "sequences per micro-batch", intFlag("--batch-size", 1, "8"))
    .option("--seq-len <n>", "bytes per training sequence", intFlag("--seq-len", 2, "128"))
    .option(
      "--backend <name>",
      "TF.js backend: tensorflow-gpu | tensorflow | wasm | cpu (default: best available)",
    )
    .option("--no-progress", "plain log lines even on a terminal")
    .addHelpText(
      "after",
      epilogue(
        `
Examples:
  npx bytelab train --arch hnet --steps 300
  npx bytelab train --config my-run.json --dataset file:notes.txt --out runs/notes
  npx bytelab train --resume runs/notes --steps 600

Trains on this machine; needs no Postgres, Redis or server. Exit 0 when the run completed, 1 when it
diverged, 2 for a bad flag, config or dataset, 3 when a dataset download failed, 130 after Ctrl-C (a
checkpoint is saved first; continue with --resume).`,
        { backend: false },
      ),
    )
    .action(async (flags: TrainFlags) => {
      process.exitCode = await runTrainCommand(flags).catch((error: unknown) => {
        throw datasetError(error) ?? error;
      });
    });
}

async function runTrainCommand(flags: TrainFlags): Promise<number> {
  const train = await import("@bytelab/train");
  const { deprecatedConfigKeys, initBackend } = await import("@bytelab/models");

  if (flags.resume) {
    const conflicting = (
      ["arch", "config", "dataset", "seed", "out", "lr", "batchSize", "seqLen"] as const
    ).filter((k) => flags[k] !== undefined);
    if (conflicting.length)
      throw new UsageError(
        `${conflicting.map(flagName).join(", ")} cannot be combined with --resume: a resumed run keeps the config ` +
          `saved in its checkpoint (only --steps may change); drop ${conflicting.length > 1 ? "them" : "it"}`,
      );
  } else if (!flags.arch && !flags.config) {
    throw new UsageError(
      `--arch is required (one of ${ARCHS.join(", ")}), e.g. --arch hnet; or give --config with "architecture"`,
    );
  }

  await initBackend(flags.backend);
  const progress = new train.ProgressDisplay(process.stderr, {
    logEvery: 10,
    tty: flags.progress && Boolean(process.stderr.isTTY),
  });
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    // Two presses during one (synchronous) step reach us together at its end: quit without the checkpoint.
    if (++interrupts > 1) process.exit(TRAIN_EXIT.cancelled);
    process.stderr.write("\ninterrupted: saving a checkpoint (press Ctrl-C again to quit at once)\n");
    controller.abort();
  };
  process.on("SIGINT", onSigint);
  const common = {
    onEvent: (e: Parameters<typeof progress.handle>[0]) => progress.handle(e),
    signal: controller.signal,
    // Between steps: let a Ctrl-C in (the loop is synchronous otherwise). Once one is handled, SIGINT gets its
    // default action back, so another Ctrl-C ends the process at once, even during the checkpoint write.
    afterStep: async () => {
      await new Promise((resolve) => setImmediate(resolve));
      if (controller.signal.aborted) process.removeAllListeners("SIGINT");
    },
  };

  let result: Awaited<ReturnType<typeof train.train>>;
  let datasetName: string;
  try {
    if (flags.resume) {
      if (!existsSync(flags.resume))
        throw new UsageError(
          `--resume ${flags.resume}: no such directory; pass the run directory \`bytelab train\` wrote`,
        );
      result = await train.resumeTraining({
        from: flags.resume,
        ...(flags.steps ? { steps: flags.steps } : {}),
        ...common,
      });
      datasetName = train.readRunMeta(result.runDir)?.dataset.name ?? "?";
    } else {
      const config = buildConfig(flags, train);
      const arch = String(config.architecture);
      // Old spellings still work (the model schema renames them; the run records the new ones): say so.
      for (const d of deprecatedConfigKeys(arch, config.model))
        process.stderr.write(
          `warning: ${flags.config ? `--config ${flags.config}: ` : ""}model.${d.key}: ${d.key} is deprecated (fix: write ${d.use})\n`,
        );
      const outDir = resolve(flags.out ?? join("runs", `${timestamp()}-${arch}`));
      if (existsSync(join(outDir, train.RUN_FILE)))
        throw new UsageError(
          `--out ${outDir} already holds a run; continue it with --resume ${outDir} or pick a new --out`,
        );
      datasetName = String(config.dataset ?? "brown");
      result = await train.train({ config, outDir, ...common });
    }
  } finally {
    progress.finish();
    process.removeListener("SIGINT", onSigint);
  }
  printSummary(result, datasetName, train.formatDuration, train.formatRate);
  if (result.status === "COMPLETED") return TRAIN_EXIT.completed;
  if (result.status === "DIVERGED") return TRAIN_EXIT.diverged;
  return TRAIN_EXIT.cancelled;
}

type TrainModule = typeof import("@bytelab/train");

/** A dataset problem on the exit-code table: a failed download is 3 (unreachable), anything else 2. */
function datasetError(error: unknown): CliError | null {
  if (!(error instanceof Error) || error.name !== "DatasetError") return null;
  const problem = (error as Error & { problem?: string }).problem ?? "";
  const download = /^(could not download|downloading .* failed|the download of)/.test(problem);
  return new CliError(download ? EXIT.unavailable : EXIT.usage, error.message);
}

function buildConfig(flags: TrainFlags, train: TrainModule): Record<string, unknown> {
  let file: Record<string, unknown> = {};
  if (flags.config) {
    const path = resolve(flags.config);
    if (!existsSync(path)) throw new UsageError(`--config ${flags.config}: file not found`);
    try {
      file = JSON.parse(readFileSync(path, "utf8"));
    } catch (e) {
      throw new UsageError(`--config ${flags.config} is not valid JSON (${(e as Error).message})`);
    }
    if (file === null || typeof file !== "object" || Array.isArray(file))
      throw new UsageError(`--config ${flags.config} must hold a JSON object with TrainConfig fields`);
  }
  const arch = flags.arch ?? file.architecture;
  const parsedArch = train.architectureSchema.safeParse(arch);
  if (!parsedArch.success)
    throw new UsageError(
      `architecture "${String(arch)}" (from --config) is not one of ${ARCHS.join(", ")}; fix "architecture" in the file or pass --arch`,
    );
  if (flags.arch && file.architecture !== undefined && file.architecture !== flags.arch)
    throw new UsageError(
      `--arch ${flags.arch} contradicts "architecture": "${String(file.architecture)}" in --config; drop one`,
    );
  const seqLen = flags.seqLen ?? (typeof file.seqLen === "number" ? file.seqLen : 128);
  const defaults = train.smallDefaults(parsedArch.data, seqLen) as Record<string, unknown>;
  const fromFlags: Record<string, unknown> = {
    architecture: parsedArch.data,
    ...(flags.dataset !== undefined ? { dataset: flags.dataset } : {}),
    ...(flags.steps !== undefined ? { steps: flags.steps, byteBudget: undefined } : {}),
    ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
    ...(flags.batchSize !== undefined ? { batchSize: flags.batchSize } : {}),
    ...(flags.seqLen !== undefined ? { seqLen: flags.seqLen } : {}),
    ...(flags.lr !== undefined ? { optimizer: { lr: flags.lr } } : {}),
  };
  const merged = deepMerge(deepMerge(defaults, file), fromFlags);
  if (file.model !== undefined) merged.model = file.model; // a given model config replaces the default one
  // Validate now so a bad config fails before the dataset loads, naming the field.
  try {
    train.parseTrainConfig(merged, flags.config ? `--config ${flags.config}` : "training config");
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return merged;
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    if (isPlainObject(v) && isPlainObject(b)) out[k] = deepMerge(b, v);
    else if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "").replace("T", "-");
}

function printSummary(
  r: Awaited<ReturnType<TrainModule["train"]>>,
  dataset: string,
  formatDuration: (s: number) => string,
  formatRate: (b: number) => string,
): void {
  const s = r.summary;
  const lines = [
    `run ${r.status} after ${r.step} steps: ${s.bytesSeen.toLocaleString("en-US")} bytes, ${s.flops.toExponential(2)} FLOPs, ` +
      `${formatDuration(s.wallTime)} (${s.stepsPerSecond.toFixed(2)} steps/s, ${formatRate(s.bytesPerSecond)})`,
  ];
  if (r.message) lines.push(`  ${r.message}`);
  const vs = (bpb: number) =>
    `${bpb.toFixed(4)} bpb (${(100 * (1 - bpb / s.unigramBitsPerByte)).toFixed(1)}% below unigram)`;
  if (s.val) lines.push(`  val   ${vs(s.val.bpb)}`);
  if (s.test) lines.push(`  test  ${vs(s.test.bpb)}`);
  lines.push(`  unigram entropy of ${dataset}: ${s.unigramBitsPerByte.toFixed(4)} bits/byte`);
  const robust = Object.entries(s.robustness);
  if (robust.length)
    lines.push(`  robustness (val bpb): ${robust.map(([k, v]) => `${k} ${v.toFixed(3)}`).join(", ")}`);
  lines.push(`  run dir: ${r.runDir} (run.json, metrics.jsonl, checkpoints/)`);
  console.log(lines.join("\n"));
}
