import { UsageError } from "../exit";
import type { Backend } from "./backend";

/** The connection flags every backend-using command accepts (program-wide options). */
export interface BackendFlags {
  api?: string | undefined;
  token?: string | undefined;
  databaseUrl?: string | undefined;
  redisUrl?: string | undefined;
}

const nonEmpty = (v: string | undefined) => (v?.trim() ? v.trim() : undefined);

/**
 * Remote when a server is named (--api, else BYTELAB_API_URL), with the token of --token, else
 * BYTELAB_TOKEN; local otherwise (Postgres / Redis through --database-url / --redis-url, DATABASE_URL /
 * REDIS_URL or the running `npm start` stack). Naming both a server and a database is a usage error.
 */
export async function resolveBackend(
  flags: BackendFlags,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Backend> {
  const apiFlag = nonEmpty(flags.api);
  const apiEnv = nonEmpty(env.BYTELAB_API_URL);
  const api = apiFlag ?? apiEnv;
  if (api) {
    const direct = [flags.databaseUrl && "--database-url", flags.redisUrl && "--redis-url"].filter(Boolean);
    if (direct.length > 0)
      throw new UsageError(
        `${direct.join(" and ")} cannot be combined with ${apiFlag ? "--api" : "BYTELAB_API_URL"}: a command talks ` +
          "either to a bytelab server or straight to Postgres / Redis; drop one",
      );
    const tokenFlag = nonEmpty(flags.token);
    const tokenEnv = nonEmpty(env.BYTELAB_TOKEN);
    const { RemoteBackend } = await import("./remote");
    return new RemoteBackend({
      url: api,
      urlSource: apiFlag ? "flag" : "env",
      token: tokenFlag ?? tokenEnv ?? null,
      tokenSource: tokenFlag ? "flag" : tokenEnv ? "env" : null,
    });
  }
  if (nonEmpty(flags.token))
    throw new UsageError(
      "--token is for a bytelab server: give its URL with --api (or BYTELAB_API_URL); local commands use no token",
    );
  const { LocalBackend } = await import("./local");
  return new LocalBackend({ databaseUrl: flags.databaseUrl, redisUrl: flags.redisUrl });
}

/** Runs `fn` with the resolved backend and closes it afterwards. */
export async function withBackend<T>(flags: BackendFlags, fn: (backend: Backend) => Promise<T>): Promise<T> {
  const backend = await resolveBackend(flags);
  try {
    return await fn(backend);
  } finally {
    await backend.close();
  }
}
