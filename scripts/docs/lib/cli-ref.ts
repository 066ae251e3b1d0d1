import { BACKEND_HELP, buildProgram, EXIT_HELP } from "@bytelab/cli";
import type { Command, Option } from "commander";
import { cell, code, generatedHeader, slug, table } from "./markdown";

export const CLI_REF_PATH = "docs/reference/cli.md";

/** The command's full path: "bytelab sweep submit". */
function pathOf(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

/** What `--help` prints after the option list (examples and notes), at a fixed width. */
function epilogueOf(cmd: Command): string {
  let out = "";
  cmd.configureOutput({
    writeOut: (s) => {
      out += s;
    },
    writeErr: (s) => {
      out += s;
    },
    getOutHelpWidth: () => 110,
    getErrHelpWidth: () => 110,
    getOutHasColors: () => false,
  });
  const main = cmd.helpInformation();
  cmd.outputHelp();
  const at = out.indexOf(main);
  return (at >= 0 ? out.slice(at + main.length) : "").replace(/\s+$/, "");
}

function optionDefault(o: Option): string {
  if (o.defaultValueDescription) return code(o.defaultValueDescription);
  if (o.defaultValue === undefined || o.defaultValue === false) return "";
  return code(JSON.stringify(o.defaultValue));
}

/** Ends with a full stop when something follows it. */
function sentence(text: string): string {
  return /[.!?)]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`;
}

function optionRows(options: readonly Option[]): string[][] {
  return options
    .filter((o) => !o.hidden)
    .map((o) => [
      code(o.flags),
      cell(sentence(o.description)) +
        (o.argChoices ? ` One of: ${o.argChoices.map(code).join(", ")}.` : "") +
        (o.mandatory ? " **Required.**" : ""),
      optionDefault(o) || "—",
    ]);
}

/**
 * docs/reference/cli.md: every `bytelab` command with its arguments, options (flags, meaning, default,
 * choices) and the examples and notes of its `--help`, from the commander program (buildProgram).
 */
export function renderCliReference(): string {
  const program = buildProgram();
  const commands: Command[] = [];
  const walk = (cmd: Command) => {
    for (const sub of cmd.commands) {
      commands.push(sub);
      walk(sub);
    }
  };
  walk(program);
  // Every command ends its help with the same exit-code table (and, if it connects to services, the same
  // connection notes): shown once, at the top.
  const shared = [BACKEND_HELP.trim(), EXIT_HELP.trim()];
  const out: string[] = [
    generatedHeader(
      "the commander program of packages/cli (`buildProgram()`, packages/cli/src/commands/*.ts)",
    ),
    "",
    "# `bytelab` CLI reference",
    "",
    "`npx bytelab` from a checkout (after `npm install`); every command also has `--help`. Commands that talk to Postgres and Redis (or a server) accept the global options anywhere on the line.",
    "",
    "| command | what it does |",
    "| --- | --- |",
    ...commands
      .filter((c) => c.commands.length === 0)
      .map((c) => `| [\`${pathOf(c)}\`](#${slug(pathOf(c))}) | ${cell(c.description())} |`),
    "",
    "## Global options",
    "",
    table(["option", "meaning", "default"], optionRows(program.options)),
    "",
    "## Connections and exit codes",
    "",
    "Every command's `--help` ends with these notes:",
    "",
    "```text",
    shared.join("\n\n"),
    "```",
    "",
  ];
  for (const cmd of commands) {
    const path = pathOf(cmd);
    out.push(`## ${path}`, "", cell(cmd.description()), "");
    if (cmd.commands.length) {
      out.push(
        `Subcommands: ${cmd.commands.map((c) => `[\`${c.name()}\`](#${slug(pathOf(c))})`).join(", ")}.`,
        "",
      );
      continue;
    }
    out.push("```text", `${path} ${cmd.usage()}`, "```", "");
    if (cmd.registeredArguments.length)
      out.push(
        table(
          ["argument", "meaning", "default"],
          cmd.registeredArguments.map((a) => [
            code(`${a.required ? "<" : "["}${a.name()}${a.variadic ? "..." : ""}${a.required ? ">" : "]"}`),
            cell(a.description) + (a.argChoices ? ` One of: ${a.argChoices.map(code).join(", ")}.` : ""),
            a.defaultValue !== undefined ? code(JSON.stringify(a.defaultValue)) : "—",
          ]),
        ),
        "",
      );
    const options = cmd.options.filter((o) => !o.hidden);
    if (options.length) out.push(table(["option", "meaning", "default"], optionRows(options)), "");
    const notes = shared.reduce((text, block) => text.replace(block, ""), epilogueOf(cmd)).trim();
    if (notes) out.push("```text", notes, "```", "");
  }
  return `${out
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim()}\n`;
}
