import type { Health, HealthWorker, Probe } from "./schemas/health";

/** What a health check needs from the outside world; the route wires the real ones (health-deps.ts). */
export interface HealthDeps {
  pingDb(): Promise<void>;
  pingRedis(): Promise<void>;
  listAliveWorkers(): Promise<HealthWorker[]>;
  version: string;
}

/** A probe that takes longer than this counts as failed: a health check must answer fast. */
export const PROBE_TIMEOUT_MS = 2_000;

export async function checkHealth(deps: HealthDeps): Promise<Health> {
  const [db, redis] = await Promise.all([probe(deps.pingDb), probe(deps.pingRedis)]);
  const workers = db.ok ? await listWorkers(deps) : { alive: 0, list: [], error: "database unavailable" };
  return { status: db.ok && redis.ok ? "ok" : "degraded", db, redis, workers, version: deps.version };
}

async function listWorkers(deps: HealthDeps): Promise<Health["workers"]> {
  try {
    const list = await withTimeout(deps.listAliveWorkers(), PROBE_TIMEOUT_MS);
    return { alive: list.length, list };
  } catch (error) {
    return { alive: 0, list: [], error: messageOf(error) };
  }
}

async function probe(ping: () => Promise<void>): Promise<Probe> {
  const started = performance.now();
  try {
    await withTimeout(ping(), PROBE_TIMEOUT_MS);
    return { ok: true, latencyMs: elapsed(started) };
  } catch (error) {
    return { ok: false, latencyMs: elapsed(started), error: messageOf(error) };
  }
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return messageOf(error.errors[0]);
  if (error instanceof Error) {
    // ApiError from serverEnv() carries the variable at fault in its details.
    const details = (error as { details?: { path: string; issue: string }[] }).details;
    if (details?.length) return details.map((d) => d.issue).join("; ");
    return error.message || error.name;
  }
  return String(error);
}
