import { existsSync } from "node:fs";
import { type Command, InvalidArgumentError } from "commander";
import { UsageError } from "../exit";
import { epilogue } from "./common";
import { intFlag } from "./train";

interface SampleFlags {
  checkpoint: string;
  prompt: string;
  bytes: number;
  temperature: number;
  topK: number;
  seed: number;
  showBoundaries: boolean;
  backend?: string;
}

/**
 * `bytelab sample`: generates text from a checkpoint. Streams bytes as they are sampled; with
 * --show-boundaries (H-Net) it prints the whole text again with the model's chunk boundaries
 * (ANSI colors on a terminal, '|' markers otherwise or with NO_COLOR).
 */
export function registerSampleCommands(program: Command): void {
  program
    .command("sample")
    .description("generate bytes from a trained checkpoint")
    .requiredOption(
      "--checkpoint <dir>",
      "run directory (uses checkpoints/latest) or one checkpoint directory",
    )
    .option("--prompt <text>", "text to continue (UTF-8)", "\n")
    .option("--bytes <n>", "bytes to generate", intFlag("--bytes", 1, "200"), 200)
    .option(
      "--temperature <t>",
      "softmax temperature (0 = greedy)",
      (v: string) => {
        const t = Number(v);
        if (!Number.isFinite(t) || t < 0)
          throw new InvalidArgumentError(
            `--temperature must be a number >= 0 (got "${v}"); for example --temperature 0.8`,
          );
        return t;
      },
      0.8,
    )
    .option("--top-k <k>", "sample among the k most likely bytes (0 = all)", intFlag("--top-k", 0, "40"), 0)
    .option("--seed <n>", "sampling seed", intFlag("--seed", 0, "1"), 0)
    .option("--show-boundaries", "show H-Net chunk boundaries in the output", false)
    .option(
      "--backend <name>",
      "TF.js backend: tensorflow-gpu | tensorflow | wasm | cpu (default: best available)",
    )
    .addHelpText(
      "after",
      epilogue(
        `
Examples:
  npx bytelab sample --checkpoint runs/20260101-120000-hnet --prompt "The " --bytes 300
  npx bytelab sample --checkpoint runs/20260101-120000-hnet --show-boundaries`,
        { backend: false },
      ),
    )
    .action(async (flags: SampleFlags) => {
      if (!existsSync(flags.checkpoint))
        throw new UsageError(
          `--checkpoint ${flags.checkpoint}: no such directory; give a run directory \`bytelab train\` wrote`,
        );
      const { initBackend } = await import("@bytelab/models");
      const train = await import("@bytelab/train");
      await initBackend(flags.backend);
      const { model, config } = await train.loadModelFromCheckpoint(flags.checkpoint);
      try {
        const prompt = new TextEncoder().encode(flags.prompt);
        if (prompt.length === 0)
          throw new UsageError('--prompt must not be empty; use --prompt "\\n" to start from a newline');
        const stream = !flags.showBoundaries;
        if (stream) process.stdout.write(prompt);
        const text = train.generate(model, prompt, {
          bytes: flags.bytes,
          temperature: flags.temperature,
          topK: flags.topK,
          seed: flags.seed,
          context: config.seqLen,
          ...(stream ? { onByte: (b: number) => process.stdout.write(Uint8Array.of(b)) } : {}),
        });
        if (stream) {
          process.stdout.write("\n");
          return;
        }
        const depth = boundaryDepths(train, model, text, config.seqLen);
        if (!depth) {
          console.error(
            `--show-boundaries: ${config.architecture} has no dynamic chunk boundaries (only hnet has); showing plain text`,
          );
          process.stdout.write(text);
          process.stdout.write("\n");
          return;
        }
        const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
        process.stdout.write(`${train.renderWithBoundaries(text, depth, color)}\n`);
      } finally {
        model.dispose();
      }
    });
}

/** Boundaries over the whole text, computed in windows of the training context length. */
function boundaryDepths(
  train: typeof import("@bytelab/train"),
  model: Parameters<typeof train.chunkBoundaryDepths>[0],
  text: Uint8Array,
  context: number,
): Uint8Array | undefined {
  if (!train.hasChunkBoundaries(model)) return undefined;
  const depth = new Uint8Array(text.length);
  for (let start = 0; start < text.length; start += context) {
    const part = train.chunkBoundaryDepths(model, text.subarray(start, start + context));
    if (part) depth.set(part, start);
  }
  return depth;
}
