import { type Command, InvalidArgumentError } from "commander";
import type { Backend } from "../backend/backend";
import { type BackendFlags, withBackend } from "../backend/resolve";
import { EXIT_HELP } from "../exit";

export const BACKEND_HELP = `
Local or remote: with --api URL (or BYTELAB_API_URL) the command talks to that bytelab server's REST API,
sending --token (or BYTELAB_TOKEN) as \`Authorization: Bearer\`; a CI runner needs nothing else. Otherwise
it talks to Postgres and Redis directly: --database-url / --redis-url, else DATABASE_URL / REDIS_URL, else
the local stack \`npm start\` is running (BYTELAB_HOME/bytelab.stack.json; BYTELAB_HOME defaults to the
repository's .bytelab folder). The global options go anywhere on the line.`;

/** The epilogue of a command: its examples and notes, then how it connects and the exit-code table. */
export function epilogue(text: string, opts: { backend?: boolean } = {}): string {
  return `${text ? `\n${text.replace(/^\n+|\n+$/g, "")}\n` : ""}${opts.backend === false ? "" : BACKEND_HELP}\n${EXIT_HELP}`;
}

/** The program-wide connection options, wherever they were written on the line. */
export function backendFlags(command: Command): BackendFlags {
  const o = command.optsWithGlobals<BackendFlags>();
  return { api: o.api, token: o.token, databaseUrl: o.databaseUrl, redisUrl: o.redisUrl };
}

/**
 * A command action that runs against the resolved backend: its returned number becomes the exit code;
 * errors propagate to main(), which prints them and maps them onto the exit-code table.
 */
export function backendAction<A extends unknown[]>(
  fn: (backend: Backend, ...args: A) => Promise<number>,
): (...args: [...A, Command]) => Promise<void> {
  return async (...args) => {
    const command = args.at(-1) as Command;
    process.exitCode = await withBackend(backendFlags(command), (backend) =>
      fn(backend, ...(args.slice(0, -1) as A)),
    );
  };
}

/** commander argParser for integer flags: the error names the flag and shows a valid example. */
export function intFlag(flag: string, min: number, max: number, example: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(
        `${flag} must be an integer in [${min}, ${max}] (got "${value}"), e.g. ${flag} ${example}`,
      );
    return n;
  };
}

/** commander argParser for a number of seconds in [min, max]. */
export function secondsFlag(flag: string, min = 0.05, max = 3600) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || n < min || n > max)
      throw new InvalidArgumentError(
        `${flag} must be a number of seconds in [${min}, ${max}] (got "${value}"), e.g. ${flag} 2`,
      );
    return n;
  };
}

/** commander argParser for a finite number. */
export function numberFlag(flag: string, example: string, check: (n: number) => boolean = () => true) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || !check(n))
      throw new InvalidArgumentError(`${flag} got "${value}"; give a number, e.g. ${flag} ${example}`);
    return n;
  };
}

/** Collects a repeatable option into an array (`--config a=1 --config b=2`). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** A comma-separated list, also repeatable (`--status FAILED,DIVERGED --status CANCELLED`). */
export function commaList(value: string, previous: string[] | undefined): string[] {
  return [
    ...(previous ?? []),
    ...value
      .split(",")
      .map((v) => v.trim())
      .filter(Boolean),
  ];
}

export function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}
