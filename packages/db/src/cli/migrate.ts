import { migrate } from "../migrations/migrate";

// `npm run db:migrate`: applies pending migrations in prisma/migrations to DATABASE_URL.
try {
  await migrate(undefined, { log: (line) => console.log(`[db:migrate] ${line}`) });
} catch (error) {
  console.error(`[db:migrate] ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
