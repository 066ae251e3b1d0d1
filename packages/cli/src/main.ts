import { Command, CommanderError } from "commander";
import { registerGoldenCommands } from "./commands/golden";
import { registerReportCommand } from "./commands/report";
import { registerSampleCommands } from "./commands/sample";
import { registerSweepCommands } from "./commands/sweep";
import { registerTrainCommands } from "./commands/train";

/** Builds the `bytelab` program; each command group registers itself from its own file. */
export function buildProgram(): Command {
  const program = new Command("bytelab")
    .description("bytelab: train, compare and gate tokenizer-free hierarchical byte-level language models")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  registerGoldenCommands(program);
  registerReportCommand(program);
  registerTrainCommands(program);
  registerSampleCommands(program);
  registerSweepCommands(program);
  return program;
}

/** Runs the CLI and returns the process exit code (never calls process.exit, so output is flushed). */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    console.error(`bytelab: ${(error as Error).message}`);
    return 1;
  }
}
