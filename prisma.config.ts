import { defineConfig } from "prisma/config";

// Prisma 7 reads the connection URL from here, not from schema.prisma.
// Offline note: `prisma generate` needs no schema engine, but the CLI insists on one being present;
// packages/db/src/cli/generate.ts points PRISMA_SCHEMA_ENGINE_BINARY at a stub so generation works offline.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/bytelab" },
});
