import { z } from "zod";

/**
 * DATABASE_URL, checked the same way by every process that reads it (the worker, the web app, `npm start`,
 * the CLI): a postgres:// or postgresql:// URL. Errors name the variable and show a value that works.
 */
export const databaseUrlSchema = z
  .string({ error: "DATABASE_URL is not set; export DATABASE_URL=postgres://user:pass@host:5432/bytelab" })
  .trim()
  .regex(
    /^postgres(ql)?:\/\//,
    "DATABASE_URL must start with postgres:// or postgresql:// (e.g. postgres://user:pass@host:5432/bytelab)",
  );

/** The database URL to use: the argument if given, else DATABASE_URL from the environment (validated). */
export function resolveDatabaseUrl(databaseUrl?: string): string {
  const parsed = databaseUrlSchema.safeParse(databaseUrl ?? process.env.DATABASE_URL);
  if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? "invalid DATABASE_URL");
  return parsed.data;
}
