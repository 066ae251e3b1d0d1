import { z } from "zod";

const DatabaseUrlSchema = z
  .string({ error: "DATABASE_URL is not set; export DATABASE_URL=postgresql://user:pass@host:5432/db" })
  .trim()
  .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must start with postgres:// or postgresql://");

/** The database URL to use: the argument if given, else DATABASE_URL from the environment (validated). */
export function resolveDatabaseUrl(databaseUrl?: string): string {
  const parsed = DatabaseUrlSchema.safeParse(databaseUrl ?? process.env.DATABASE_URL);
  if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? "invalid DATABASE_URL");
  return parsed.data;
}
