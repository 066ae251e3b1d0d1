import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { PrismaClient } from "@bytelab/db/runtime";
import { CHECKPOINT_DIR_PATTERN, checkpointsDir } from "@bytelab/train/checkpoint";

interface OnDisk {
  uri: string;
  step: number;
  bytes: number;
  sha256: string;
}

/** The run's complete checkpoints on disk: uri, step, total bytes, sha256 of meta.json (which digests the rest). */
function checkpointsOnDisk(runDir: string): OnDisk[] {
  const root = checkpointsDir(runDir);
  if (!existsSync(root)) return [];
  const found: OnDisk[] = [];
  for (const name of readdirSync(root)) {
    if (!CHECKPOINT_DIR_PATTERN.test(name)) continue;
    const dir = join(root, name);
    try {
      const meta = readFileSync(join(dir, "meta.json"));
      const bytes = readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
      found.push({
        uri: pathToFileURL(dir).href,
        step: Number.parseInt(name.slice("step-".length), 10),
        bytes,
        sha256: createHash("sha256").update(meta).digest("hex"),
      });
    } catch {
      // pruned by the trainer while we looked: it is no longer a checkpoint of the run
    }
  }
  return found;
}

/**
 * Makes the run's CHECKPOINT artifacts match its checkpoints folder: a row per checkpoint on disk (uri
 * file://..., step, bytes, sha256 of meta.json), rows of pruned checkpoints deleted. Idempotent; called
 * after each checkpoint and when the run ends.
 */
export async function syncCheckpointArtifacts(
  prisma: PrismaClient,
  runId: string,
  runDir: string,
): Promise<void> {
  const disk = checkpointsOnDisk(runDir);
  const rows = await prisma.artifact.findMany({ where: { runId, kind: "CHECKPOINT" } });
  const byUri = new Map(rows.map((r) => [r.uri, r]));
  const onDisk = new Set(disk.map((d) => d.uri));
  const gone = rows.filter((r) => !onDisk.has(r.uri)).map((r) => r.id);
  if (gone.length) await prisma.artifact.deleteMany({ where: { id: { in: gone } } });
  for (const d of disk) {
    const row = byUri.get(d.uri);
    if (row && row.sha256 === d.sha256) continue;
    if (row)
      await prisma.artifact.update({
        where: { id: row.id },
        data: { sha256: d.sha256, bytes: BigInt(d.bytes), step: d.step, createdAt: new Date() },
      });
    else
      await prisma.artifact.create({
        data: {
          runId,
          kind: "CHECKPOINT",
          step: d.step,
          uri: d.uri,
          bytes: BigInt(d.bytes),
          sha256: d.sha256,
        },
      });
  }
}
