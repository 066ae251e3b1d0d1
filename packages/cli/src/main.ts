import { Command, CommanderError } from "commander";
import { registerDoctorCommand } from "./commands/doctor";
import { registerGoldenCommands } from "./commands/golden";
import { registerKeysCommands } from "./commands/keys";
import { registerReportCommand } from "./commands/report";
import { registerRunsCommands } from "./commands/runs";
import { registerSampleCommands } from "./commands/sample";
import { registerSweepCommands } from "./commands/sweep";
import { registerTrainCommands } from "./commands/train";
import { registerVerdictCommand } from "./commands/verdict";
import { BACKEND_HELP } from "./commands/common";
import { describeError, EXIT, EXIT_HELP } from "./exit";
import { CLI_VERSION } from "./version";

/** Builds the `bytelab` program; each command group registers itself from its own file. */
export function buildProgram(): Command {
  const program = new Command("bytelab")
    .description("bytelab: train, compare and gate tokenizer-free hierarchical byte-level language models")
    .version(CLI_VERSION, "-V, --version", "print the version of the bytelab CLI")
    .showHelpAfterError("(run with --help for usage)")
    .configureHelp({ showGlobalOptions: true })
    .option(
      "--api <url>",
      "bytelab server to talk to (remote mode; default BYTELAB_API_URL), e.g. http://ci-box:3000",
    )
    .option(
      "--token <token>",
      "API key sent as `Authorization: Bearer` in remote mode (default BYTELAB_TOKEN)",
    )
    .option(
      "--database-url <url>",
      "Postgres URL in local mode (default: DATABASE_URL, else the local stack)",
    )
    .option("--redis-url <url>", "Redis URL in local mode (default: REDIS_URL, else the local stack)")
    .addHelpText("after", `${BACKEND_HELP}\n${EXIT_HELP}`)
    .exitOverride();
  registerGoldenCommands(program);
  registerDoctorCommand(program);
  registerReportCommand(program);
  registerTrainCommands(program);
  registerSampleCommands(program);
  registerSweepCommands(program);
  registerRunsCommands(program);
  registerVerdictCommand(program);
  registerKeysCommands(program);
  return program;
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

/**
 * Ctrl-C while a command that does not handle it runs (a waiting command installs its own handler and
 * exits 130 itself): exit 130 at once, as the exit-code table says.
 */
function onSigint() {
  if (process.listenerCount("SIGINT") > 1) return;
  process.stderr.write("\nbytelab: interrupted\n");
  process.exit(EXIT.interrupted);
}

/**
 * Runs the CLI and returns the process exit code (never calls process.exit on the normal path, so output
 * is flushed). Every error lands on the one exit-code table (exit.ts): usage errors 2, service errors by
 * their code, unexpected errors 1 with their stack.
 */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  let current = "bytelab";
  program.hook("preAction", (_this, action) => {
    current = commandPath(action);
  });
  process.on("SIGINT", onSigint);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (error) {
    // Commander has printed its message; exit code 0 only for --help and --version, else a usage error.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    const { code, lines } = describeError(error);
    console.error(`${current}: ${lines.join("\n")}`);
    return code;
  } finally {
    process.off("SIGINT", onSigint);
  }
}
