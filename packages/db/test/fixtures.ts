import type { PrismaClient, Run } from "../src";

/** Inserts a run with plausible values; overrides win. */
export async function createRun(prisma: PrismaClient, overrides: Partial<Run> = {}): Promise<Run> {
  const { id, name, status, seed, configHash, architecture } = overrides;
  return prisma.run.create({
    data: {
      ...(id ? { id } : {}),
      name: name ?? "hourglass-small",
      architecture: architecture ?? "hourglass",
      config: { dModel: 64, layers: [2, 2] },
      configHash: configHash ?? "c0ffee",
      seed: seed ?? 1,
      ...(status ? { status } : {}),
    },
  });
}
