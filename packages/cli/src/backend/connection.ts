import { bytelabHome, type LocalStack, readLocalStack } from "@bytelab/service/local-stack";
import { UnreachableError } from "../exit";

/** What the user can do when no database / Redis is found or reachable. */
export const START_HINT =
  "start the local stack with `npm start` or set DATABASE_URL and REDIS_URL (or use a server: --api URL / BYTELAB_API_URL)";

/** Where a URL came from, for messages ("from DATABASE_URL", "from the local stack"). */
export type UrlSource = "flag" | "env" | "local stack";

export interface ResolvedUrl {
  url: string;
  source: UrlSource;
  /** The running `npm start` stack the URL came from (its dashboard URL makes verdict links). */
  stack?: LocalStack;
}

export interface ConnectionFlags {
  databaseUrl?: string | undefined;
  redisUrl?: string | undefined;
}

const nonEmpty = (v: string | undefined) => (v?.trim() ? v.trim() : undefined);

/**
 * The URL of one service: the flag, else the environment variable, else the running `npm start` stack
 * (BYTELAB_HOME/bytelab.stack.json). Throws UnreachableError (exit 3) naming every place it looked.
 */
export function resolveServiceUrl(
  service: "postgres" | "redis",
  flags: ConnectionFlags,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedUrl {
  const [flag, variable, option] =
    service === "postgres"
      ? [flags.databaseUrl, "DATABASE_URL", "--database-url"]
      : [flags.redisUrl, "REDIS_URL", "--redis-url"];
  const fromFlag = nonEmpty(flag);
  if (fromFlag) return { url: fromFlag, source: "flag" };
  const fromEnv = nonEmpty(env[variable]);
  if (fromEnv) return { url: fromEnv, source: "env" };
  const lookup = readLocalStack(bytelabHome(env));
  if (lookup.found)
    return {
      url: service === "postgres" ? lookup.stack.databaseUrl : lookup.stack.redisUrl,
      source: "local stack",
      stack: lookup.stack,
    };
  throw new UnreachableError(
    `no ${service === "postgres" ? "Postgres" : "Redis"} to talk to: ${option} and ${variable} are not set, ` +
      `and ${lookup.reason}.\n  Fix: ${START_HINT}.`,
  );
}

/** host:port/path of a URL without credentials (for messages). */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}${u.port ? `:${u.port}` : ""}${u.pathname.length > 1 ? u.pathname : ""}`;
  } catch {
    return "(unparseable URL)";
  }
}

const SOURCE_WORDS: Record<UrlSource, (variable: string, option: string) => string> = {
  flag: (_, option) => `from ${option}`,
  env: (variable) => `from ${variable}`,
  "local stack": () => "of the local stack (npm start)",
};

/** The error for a configured service that does not answer, with the fix for where the URL came from. */
export function unreachable(
  service: "postgres" | "redis",
  resolved: ResolvedUrl,
  cause: unknown,
): UnreachableError {
  const [name, variable, option] =
    service === "postgres"
      ? ["Postgres", "DATABASE_URL", "--database-url"]
      : ["Redis", "REDIS_URL", "--redis-url"];
  const reason = cause instanceof Error ? cause.message.split("\n")[0] : String(cause);
  const fix =
    resolved.source === "local stack"
      ? "restart the local stack (`npm start`), or set DATABASE_URL and REDIS_URL"
      : `check ${resolved.source === "flag" ? option : variable}, or ${START_HINT}`;
  return new UnreachableError(
    `cannot reach ${name} at ${describeUrl(resolved.url)} (${SOURCE_WORDS[resolved.source](variable, option)}): ${reason}\n  Fix: ${fix}.`,
  );
}
