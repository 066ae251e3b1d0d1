import { generatePrismaClient } from "@bytelab/db/generate";

/** Generates the Prisma client (offline) before any test imports it; a no-op when it is up to date. */
export default function setup() {
  generatePrismaClient({ log: (line) => console.log(`[db] ${line}`) });
}
