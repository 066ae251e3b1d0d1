import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { ingestMetrics, type PrismaClient, registerWorker } from "@bytelab/db";

// A finished scaling ladder written straight into a database the way workers leave one: architectures x model
// sizes x FLOP budgets, each run's learning curve following L(N, D) = E + A·N^-α + B·D^-β (so every budget
// has its loss-optimal size inside the ladder's sizes, as iso-FLOP analysis needs), cumulative training FLOPs
// = 6·N per byte. For the scaling page's browser test: laws, bands, crossings and iso-FLOP curves to draw.

export const LADDER_SIZES = [
  { name: "xs", params: 1e5 },
  { name: "s", params: 3e5 },
  { name: "m", params: 1e6 },
] as const;
export const LADDER_BUDGETS = [3e11, 1e12, 3e12] as const;
const LAW: Record<string, { E: number; A: number; B: number }> = {
  transformer: { E: 1.6, A: 30, B: 20 },
  hnet: { E: 1.42, A: 55, B: 24 },
};
const SEQ = 128;
const BATCH = 16;
const BYTES_PER_STEP = SEQ * BATCH;

/** "3e+11flops": the budget as ladder run labels write it (@bytelab/experiments budgetLabel). */
function budgetLabel(flops: number): string {
  return `${flops.toExponential().replace(/\.?0+e/, "e")}flops`;
}

function cuid(): string {
  return `c${BigInt(`0x${randomBytes(16).toString("hex")}`)
    .toString(36)
    .padStart(24, "0")
    .slice(0, 24)}`;
}

export interface SeededLadder {
  sweepId: string;
  runIds: string[];
  architectures: string[];
}

export async function seedLadder(
  prisma: PrismaClient,
  databaseUrl: string,
  name: string,
): Promise<SeededLadder> {
  const workerId = `ladder-seed-${hostname()}`;
  await registerWorker(prisma, {
    id: workerId,
    host: hostname(),
    pid: process.pid,
    devices: [{ backend: "cpu", name: "cpu: seed", kind: "cpu" }],
    slots: 1,
    version: "seed",
  });
  const architectures = Object.keys(LAW);
  const sweep = await prisma.sweep.create({
    data: {
      name,
      description: "A seeded scaling ladder: 2 architectures x 3 sizes x 3 FLOP budgets.",
      spec: { kind: "ladder", name, architectures, sizes: LADDER_SIZES.map((s) => s.name) },
    },
  });
  const now = Date.now();
  const runIds: string[] = [];
  const points: Array<Record<string, unknown>> = [];
  let k = 0;
  for (const arch of architectures)
    for (const size of LADDER_SIZES)
      for (const budget of LADDER_BUDGETS) {
        const law = LAW[arch]!;
        const fpb = 6 * size.params;
        // The trainer stops at the first step whose measured FLOPs reach the budget.
        const steps = Math.ceil(budget / (fpb * BYTES_PER_STEP));
        const id = cuid();
        runIds.push(id);
        await prisma.run.create({
          data: {
            id,
            name: `${name}/${arch}/${size.name}/${budgetLabel(budget)}/s0`,
            sweepId: sweep.id,
            status: "COMPLETED",
            architecture: arch,
            config: {
              architecture: arch,
              seed: 0,
              steps,
              seqLen: SEQ,
              batchSize: BATCH,
              dataset: "brown",
              flopBudget: budget,
              model: {},
            },
            configHash: `ladder-${arch}-${size.name}-${budget}`,
            seed: 0,
            paramCount: BigInt(size.params),
            flopsPerByte: fpb,
            attempts: 1,
            workerId,
            backend: "cpu",
            device: "cpu: seed",
            queuedAt: new Date(now - 3_600_000 + k),
            startedAt: new Date(now - 3_500_000 + k),
            finishedAt: new Date(now - 3_000_000 + k),
          },
        });
        k++;
        const loss = (step: number) =>
          law.E + law.A * size.params ** -0.34 + law.B * (step * BYTES_PER_STEP) ** -0.28;
        const at = (step: number) => ({
          runId: id,
          step,
          bytesSeen: step * BYTES_PER_STEP,
          flops: step * BYTES_PER_STEP * fpb,
          wallTime: step * 0.05,
        });
        const every = Math.max(1, Math.floor(steps / 60));
        for (let step = every; step <= steps; step += every)
          points.push({ ...at(step), name: "train/bpb", value: loss(step) + 0.05 });
        const evals = [
          ...new Set([...Array.from({ length: 5 }, (_, i) => Math.round((steps * (i + 1)) / 5))]),
        ];
        for (const step of evals) points.push({ ...at(step), name: "val/bpb", value: loss(step) + 0.02 });
        points.push({ ...at(steps), name: "test/bpb", value: loss(steps) + 0.03 });
      }
  await ingestMetrics(databaseUrl, points);
  return { sweepId: sweep.id, runIds, architectures };
}
