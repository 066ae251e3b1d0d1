import { generatePrismaClient } from "../generate";

// `npm run db:generate [-- --force]`: generates the Prisma client offline when missing or stale.
try {
  const result = generatePrismaClient({ force: process.argv.includes("--force"), log: console.log });
  console.log(result.generated ? "Prisma client generated." : "Prisma client is up to date.");
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
