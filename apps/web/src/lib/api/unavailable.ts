import { ApiError } from "../errors";

/** Prisma's codes for a database it cannot reach or that stopped answering (and its pool timing out). */
const PRISMA_UNREACHABLE = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
/** Socket errors of a service that is down or unreachable. */
const NETWORK = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
]);
/** Postgres SQLSTATEs of a server going away or refusing connections: class 08, shutdown, too many clients. */
const PG_UNAVAILABLE = /^(08...|57P0[1-3]|53300)$/;
const DRIVER_MESSAGES =
  /DatabaseNotReachable|Connection terminated|timeout exceeded when trying to connect|Can't reach database server/;

type Service = "Postgres" | "Redis" | "Postgres or Redis";

function cause(error: unknown, depth = 0): Service | null {
  if (depth > 5 || error === null || typeof error !== "object") return null;
  const e = error as { name?: unknown; code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  const name = typeof e.name === "string" ? e.name : "";
  const code = typeof e.code === "string" ? e.code : "";
  const message = typeof e.message === "string" ? e.message : "";
  if (name === "PrismaClientInitializationError" || PRISMA_UNREACHABLE.has(code)) return "Postgres";
  if (PG_UNAVAILABLE.test(code) || DRIVER_MESSAGES.test(message)) return "Postgres";
  if (name === "MaxRetriesPerRequestError" || /^Connection is closed/.test(message)) return "Redis";
  if (NETWORK.has(code)) return "Postgres or Redis";
  for (const inner of [e.cause, ...(Array.isArray(e.errors) ? e.errors : [])]) {
    const found = cause(inner, depth + 1);
    if (found) return found;
  }
  return null;
}

/**
 * An error thrown because Postgres or Redis does not answer (Prisma, pg or ioredis, not wrapped by the
 * service) as the 503 the API documents for that; null for any other error. Logged in one line, without
 * the stack: an outage is not a bug.
 */
export function asUnavailable(error: unknown): ApiError | null {
  const service = cause(error);
  if (!service) return null;
  const first = (error instanceof Error ? error.message : String(error)).trim().split("\n").at(-1) ?? "";
  console.warn(`[api] ${service} unavailable: ${first.slice(0, 200)}`);
  return new ApiError(
    "UNAVAILABLE",
    `${service} does not answer; retry in a moment (if it lasts, check that it runs and ${
      service === "Redis" ? "REDIS_URL" : service === "Postgres" ? "DATABASE_URL" : "DATABASE_URL / REDIS_URL"
    }).`,
    [],
    { "retry-after": "5" },
  );
}
