import { z } from "zod";
import type { PrismaClient, Worker } from "../generated/prisma/client";
import { WorkerStatus } from "../generated/prisma/enums";
import { type WorkerDevices, WorkerDevicesSchema, parseWorkerDevices } from "../json";

export const RegisterWorkerInputSchema = z.object({
  /** Stable id chosen by the worker, e.g. `${hostname}-${pid}` or a UUID. */
  id: z.string().min(1).max(200),
  host: z.string().min(1),
  pid: z.number().int().positive(),
  devices: WorkerDevicesSchema,
  /** How many runs this worker trains at once. */
  slots: z.number().int().positive(),
  /** bytelab version / git commit of the worker. */
  version: z.string().min(1),
});
export type RegisterWorkerInput = z.infer<typeof RegisterWorkerInputSchema>;

/** A worker row with its devices parsed and its liveness judged by the database clock. */
export interface WorkerInfo extends Omit<Worker, "devices"> {
  devices: WorkerDevices;
  /** Status is not STOPPED and the last heartbeat is within `aliveWithinMs`. */
  alive: boolean;
  /** Milliseconds since the last heartbeat, by the database clock. */
  heartbeatAgeMs: number;
}

export class WorkerNotFoundError extends Error {
  override readonly name = "WorkerNotFoundError";
  constructor(readonly workerId: string) {
    super(`worker ${workerId} is not registered; call registerWorker first`);
  }
}

function validate<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Error(`invalid ${what}: ${issue?.path.join(".") || "(root)"}: ${issue?.message}`);
}

/**
 * Registers (or re-registers after a restart) a worker: status ONLINE, startedAt and lastHeartbeatAt = now.
 * Timestamps come from the database clock (`now()`), so liveness never depends on worker clocks.
 */
export async function registerWorker(prisma: PrismaClient, input: RegisterWorkerInput): Promise<Worker> {
  const w = validate(RegisterWorkerInputSchema, input, "worker registration");
  await prisma.$executeRaw`
    INSERT INTO workers (id, host, pid, devices, slots, status, version, started_at, last_heartbeat_at, stopped_at)
    VALUES (${w.id}, ${w.host}, ${w.pid}, ${JSON.stringify(w.devices)}::jsonb, ${w.slots}, 'ONLINE', ${w.version},
            now(), now(), NULL)
    ON CONFLICT (id) DO UPDATE SET
      host = EXCLUDED.host, pid = EXCLUDED.pid, devices = EXCLUDED.devices, slots = EXCLUDED.slots,
      status = 'ONLINE', version = EXCLUDED.version, started_at = now(), last_heartbeat_at = now(),
      stopped_at = NULL`;
  return prisma.worker.findUniqueOrThrow({ where: { id: w.id } });
}

/** Records a heartbeat (database clock). Throws WorkerNotFoundError when the worker must register again. */
export async function heartbeatWorker(prisma: PrismaClient, id: string): Promise<void> {
  const count = await prisma.$executeRaw`UPDATE workers SET last_heartbeat_at = now() WHERE id = ${id}`;
  if (count === 0) throw new WorkerNotFoundError(id);
}

/** Marks a worker STOPPED (graceful shutdown). Its row stays for history. */
export async function markWorkerStopped(prisma: PrismaClient, id: string): Promise<void> {
  const count = await prisma.$executeRaw`
    UPDATE workers SET status = 'STOPPED', stopped_at = now() WHERE id = ${id}`;
  if (count === 0) throw new WorkerNotFoundError(id);
}

/** Sets ONLINE or DRAINING (finishing current runs, taking no new ones). */
export async function setWorkerStatus(
  prisma: PrismaClient,
  id: string,
  status: Exclude<WorkerStatus, "STOPPED">,
): Promise<void> {
  const count = await prisma.$executeRaw`
    UPDATE workers SET status = ${status}::worker_status WHERE id = ${id}`;
  if (count === 0) throw new WorkerNotFoundError(id);
}

export interface ListWorkersOptions {
  /** A worker is alive when its last heartbeat is at most this old (default 30 s). */
  aliveWithinMs?: number;
  /** Also return dead and stopped workers (with alive: false). Default false. */
  includeDead?: boolean;
}

/** Workers, newest heartbeat first: only the alive ones unless `includeDead`. */
export async function listWorkers(
  prisma: PrismaClient,
  opts: ListWorkersOptions = {},
): Promise<WorkerInfo[]> {
  const aliveWithinMs = opts.aliveWithinMs ?? 30_000;
  const [{ now } = { now: new Date() }] = await prisma.$queryRaw<Array<{ now: Date }>>`SELECT now() AS now`;
  const cutoff = new Date(now.getTime() - aliveWithinMs);
  const rows = await prisma.worker.findMany({
    where: opts.includeDead
      ? {}
      : { status: { not: WorkerStatus.STOPPED }, lastHeartbeatAt: { gte: cutoff } },
    orderBy: { lastHeartbeatAt: "desc" },
  });
  return rows.map((row) => ({
    ...row,
    devices: parseWorkerDevices(row.devices),
    alive: row.status !== WorkerStatus.STOPPED && row.lastHeartbeatAt.getTime() >= cutoff.getTime(),
    heartbeatAgeMs: Math.max(0, now.getTime() - row.lastHeartbeatAt.getTime()),
  }));
}
