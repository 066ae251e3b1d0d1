import { z } from "zod";

// Plain JSON only (no bigint, no Date, no Prisma types): what the REST API returns, what the CLI prints with
// --json and what client components receive. These schemas validate the service's answers in tests and
// describe them in the OpenAPI document.

/** Run statuses, in the order tables and counts show them. */
export const RUN_STATUSES = ["QUEUED", "RUNNING", "COMPLETED", "FAILED", "DIVERGED", "CANCELLED"] as const;
export type RunStatusName = (typeof RUN_STATUSES)[number];
export const runStatusSchema = z.enum(RUN_STATUSES);

/** Statuses in which a run is still going to change (a worker has it or will take it). */
export const ACTIVE_STATUSES: readonly RunStatusName[] = ["QUEUED", "RUNNING"];
/** Statuses from which a user can re-run a run (it resumes from its last checkpoint). */
export const RERUNNABLE_STATUSES: readonly RunStatusName[] = ["FAILED", "CANCELLED"];

export const isoDateTime = z.iso.datetime();

/** Number of runs per status, every status present (0 when none). */
export const statusCountsSchema = z.record(runStatusSchema, z.int().min(0));
export type StatusCounts = z.infer<typeof statusCountsSchema>;

export function zeroCounts(): StatusCounts {
  return Object.fromEntries(RUN_STATUSES.map((s) => [s, 0])) as StatusCounts;
}

/** One problem with a spec: where, what, and how to fix it (as `bytelab sweep submit` prints them). */
export const specIssueSchema = z.object({
  path: z.string(),
  issue: z.string(),
  fix: z.string(),
  runs: z.array(z.string()).optional(),
});
export type SpecIssueJson = z.infer<typeof specIssueSchema>;

/** An id as the user types it (sweep, run, key ids are cuids; names are accepted where documented). */
export const idSchema = z.string().trim().min(1, "give an id").max(200, "an id is at most 200 characters");

/** Opaque continuation token of a paginated list: pass `nextCursor` back as `cursor`. */
export const cursorSchema = z.string().min(1).max(1000);

/** A number or null: null stands for "not recorded" and for non-finite values (a diverged loss is NaN). */
export const metricValueSchema = z.number().nullable();

/** A finite number, or null for NaN / Infinity / missing (JSON has no NaN). */
export function finiteOrNull(value: number | bigint | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const n = typeof value === "bigint" ? Number(value) : value;
  return Number.isFinite(n) ? n : null;
}

export function isoOrNull(date: Date | null | undefined): string | null {
  return date ? date.toISOString() : null;
}

/** Longest wait one long-poll call may ask for: proxies and load balancers cut idle requests after a few minutes. */
export const MAX_WAIT_SECONDS = 120;
