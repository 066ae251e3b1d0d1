import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { generatedClientDir, repoRoot, schemaPath } from "./paths";

// This module must not import the generated client: it is what creates it.

const STAMP_FILE = ".schema-sha256";

export interface GenerateResult {
  generated: boolean;
  reason: "up-to-date" | "missing" | "schema-changed" | "forced";
}

function fingerprint(): string {
  const require = createRequire(import.meta.url);
  const prismaVersion = (require("prisma/package.json") as { version: string }).version;
  return createHash("sha256")
    .update(readFileSync(schemaPath))
    .update(`prisma@${prismaVersion}`)
    .digest("hex");
}

/**
 * Generates the Prisma client into packages/db/src/generated/prisma when it is missing or older than
 * prisma/schema.prisma (a stamp file holds the schema hash), offline.
 *
 * `prisma generate` itself needs no schema engine, but the CLI downloads one before it starts unless
 * PRISMA_SCHEMA_ENGINE_BINARY points at an existing file; we point it at a stub when the caller has not set it.
 */
export function generatePrismaClient(
  opts: { force?: boolean; log?: (line: string) => void } = {},
): GenerateResult {
  const want = fingerprint();
  const stamp = join(generatedClientDir, STAMP_FILE);
  const have = existsSync(stamp) ? readFileSync(stamp, "utf8").trim() : null;
  const reason: GenerateResult["reason"] = opts.force
    ? "forced"
    : have === null || !existsSync(join(generatedClientDir, "client.ts"))
      ? "missing"
      : have !== want
        ? "schema-changed"
        : "up-to-date";
  if (reason === "up-to-date") return { generated: false, reason };

  opts.log?.(`generating Prisma client (${reason})`);
  const cli = createRequire(import.meta.url).resolve("prisma/build/index.js");
  const stub = existsSync("/bin/true") ? "/bin/true" : process.execPath;
  const result = spawnSync(process.execPath, [cli, "generate", "--schema", schemaPath], {
    cwd: repoRoot,
    encoding: "utf8",
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? stub,
      PRISMA_HIDE_UPDATE_MESSAGE: "1",
      CHECKPOINT_DISABLE: "1",
    },
  });
  if (result.status !== 0) {
    throw new Error(
      `prisma generate failed (exit ${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`.trim(),
    );
  }
  writeFileSync(stamp, `${want}\n`);
  return { generated: true, reason };
}
