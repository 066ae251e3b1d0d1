import { createHash } from "node:crypto";
import type pg from "pg";
import { ApiError } from "../errors";

/** How long a stored answer is replayed (and a key cannot be reused with another request). */
const KEEP_HOURS = 24;
/** A first request still unanswered after this long crashed: a retry may take the key over. */
const STALE_MS = 5 * 60_000;
/** How long a retry waits for a first request that is still running before answering 409. */
const WAIT_MS = 30_000;

export interface StoredAnswer {
  status: number;
  body: unknown;
  replayed: boolean;
}

export function requestHash(method: string, path: string, body: string): string {
  return createHash("sha256").update(`${method}\n${path}\n${body}`).digest("hex");
}

const KEY = /^[\x21-\x7e]{1,200}$/;

/**
 * Runs `handle` at most once per (scope, Idempotency-Key): the first request claims the key (a row in
 * idempotency_keys) and stores its answer; a retry with the same key and request gets that answer again
 * (`replayed: true`), also while the first is still running (it waits for it, up to 30 s, then 409). The same
 * key with another request is refused (422). Answers of 5xx are not stored: the retry runs again.
 */
export async function withIdempotency(
  pool: pg.Pool,
  scope: string,
  key: string,
  hash: string,
  handle: () => Promise<{ status: number; body: unknown }>,
): Promise<StoredAnswer> {
  if (!KEY.test(key))
    throw new ApiError(
      "BAD_REQUEST",
      "The Idempotency-Key header must be 1-200 printable ASCII characters.",
      [
        {
          path: "headers.idempotency-key",
          issue: "not 1-200 printable ASCII characters",
          fix: "use e.g. the commit SHA",
        },
      ],
    );
  const claimed = await pool.query(
    `INSERT INTO idempotency_keys (scope, key, request_hash) VALUES ($1, $2, $3)
     ON CONFLICT (scope, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, created_at = now()
       WHERE idempotency_keys.status IS NULL AND idempotency_keys.created_at < now() - make_interval(secs => $4)
          OR idempotency_keys.created_at < now() - make_interval(hours => $5)
     RETURNING key`,
    [scope, key, hash, STALE_MS / 1000, KEEP_HOURS],
  );
  if (claimed.rowCount === 1) {
    let answer: { status: number; body: unknown };
    try {
      answer = await handle();
    } catch (error) {
      await pool
        .query("DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2", [scope, key])
        .catch(() => {});
      throw error;
    }
    if (answer.status >= 500)
      await pool.query("DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2", [scope, key]);
    else
      await pool.query(
        "UPDATE idempotency_keys SET status = $3, response = $4, completed_at = now() WHERE scope = $1 AND key = $2",
        // The answer's JSON text as a JSON string: jsonb would reorder its keys, and a replay must be the
        // same bytes as the first answer (clients may hash or diff it).
        [scope, key, answer.status, JSON.stringify(JSON.stringify(answer.body))],
      );
    return { ...answer, replayed: false };
  }
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const { rows } = await pool.query<{ request_hash: string; status: number | null; response: unknown }>(
      "SELECT request_hash, status, response FROM idempotency_keys WHERE scope = $1 AND key = $2",
      [scope, key],
    );
    const row = rows[0];
    if (!row) return withIdempotency(pool, scope, key, hash, handle); // the first request failed: take over
    if (row.request_hash !== hash)
      throw new ApiError("VALIDATION_FAILED", "This Idempotency-Key was used with a different request.", [
        {
          path: "headers.idempotency-key",
          issue: "already used with another method, path or body in the last 24 h",
          fix: "use a new key for a new request",
        },
      ]);
    if (row.status !== null) {
      const body = typeof row.response === "string" ? JSON.parse(row.response) : row.response;
      return { status: row.status, body, replayed: true };
    }
    if (Date.now() > deadline)
      throw new ApiError(
        "CONFLICT",
        "A request with this Idempotency-Key is still being handled; retry in a few seconds.",
        [],
        { "retry-after": "5" },
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}
