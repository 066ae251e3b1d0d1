import { z } from "zod";

/** The part of GET /api/v1/health that `npm start` needs to call the platform ready. */
const HealthReplySchema = z.object({
  status: z.string(),
  db: z.object({ ok: z.boolean(), error: z.string().optional() }),
  redis: z.object({ ok: z.boolean(), error: z.string().optional() }),
  workers: z.object({ alive: z.number(), list: z.array(z.object({ pid: z.number() })) }),
});
export type HealthReply = z.infer<typeof HealthReplySchema>;

export interface ReadyResult {
  health: HealthReply | null;
  /** Why it is not ready yet, for the timeout message. */
  lastProblem: string;
  ready: boolean;
}

/**
 * Polls the health endpoint until db and redis are ok and the worker we started (by pid: a row left by an
 * earlier run may still look alive) has registered, or time runs out.
 */
export async function waitForHealthy(
  healthUrl: string,
  workerPid: number,
  timeoutMs: number,
  cancelled: () => boolean,
): Promise<ReadyResult> {
  const deadline = Date.now() + timeoutMs;
  let lastProblem = "the web app did not answer yet";
  let health: HealthReply | null = null;
  while (Date.now() < deadline && !cancelled()) {
    try {
      const response = await fetch(healthUrl, { signal: AbortSignal.timeout(5_000) });
      const parsed = HealthReplySchema.safeParse(await response.json());
      if (!parsed.success) {
        lastProblem = `unexpected health reply (HTTP ${response.status})`;
      } else {
        health = parsed.data;
        if (!health.db.ok) lastProblem = `database: ${health.db.error ?? "not ok"}`;
        else if (!health.redis.ok) lastProblem = `redis: ${health.redis.error ?? "not ok"}`;
        else if (!health.workers.list.some((w) => w.pid === workerPid)) {
          lastProblem = `the trainer worker (pid ${workerPid}) has not registered yet`;
        } else return { health, lastProblem: "", ready: true };
      }
    } catch (error) {
      lastProblem = `the web app did not answer: ${error instanceof Error ? error.message : String(error)}`;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { health, lastProblem, ready: false };
}

/** The URL to print: localhost for loopback and wildcard binds, the host itself otherwise. */
export function publicUrl(host: string, port: number): string {
  const local = ["127.0.0.1", "0.0.0.0", "::", "::1", "localhost"].includes(host);
  return `http://${local ? "localhost" : host}:${port}`;
}

/** Where `npm start` itself reaches the web app. */
export function probeUrl(host: string, port: number): string {
  const wildcard = host === "0.0.0.0" || host === "::";
  const h = wildcard ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  return `http://${h}:${port}/api/v1/health`;
}
