import { fileURLToPath } from "node:url";

/** Repository root (packages/db/src -> ../../..). */
export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
/** prisma/schema.prisma */
export const schemaPath = fileURLToPath(new URL("../../../prisma/schema.prisma", import.meta.url));
/** prisma/migrations: one folder per migration, Prisma's own layout. */
export const defaultMigrationsDir = fileURLToPath(new URL("../../../prisma/migrations", import.meta.url));
/** Where `prisma generate` writes the client (see the generator block in schema.prisma); never committed. */
export const generatedClientDir = fileURLToPath(new URL("./generated/prisma", import.meta.url));
