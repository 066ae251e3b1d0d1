import { z } from "zod";
import { isoDateTime } from "./common";

export const workerViewSchema = z.object({
  id: z.string(),
  host: z.string(),
  pid: z.int(),
  slots: z.int(),
  status: z.enum(["ONLINE", "DRAINING", "STOPPED"]),
  version: z.string(),
  /** What the worker trains on (backend, name, kind per device). */
  devices: z.array(z.object({ backend: z.string(), name: z.string(), kind: z.string() }).passthrough()),
  startedAt: isoDateTime,
  lastHeartbeatAt: isoDateTime,
  heartbeatAgeSeconds: z.number(),
  /** ONLINE or DRAINING with a heartbeat younger than the alive window. */
  alive: z.boolean(),
  /** Not stopped, but silent for longer than the alive window: crashed, frozen or cut off. */
  stale: z.boolean(),
  runs: z.array(
    z.object({ id: z.string(), name: z.string(), step: z.int().nullable(), totalSteps: z.int().nullable() }),
  ),
});
export type WorkerView = z.infer<typeof workerViewSchema>;

export const queueDepthSchema = z.object({
  name: z.string(),
  waiting: z.int(),
  active: z.int(),
  delayed: z.int(),
  prioritized: z.int(),
  failed: z.int(),
  completed: z.int(),
  paused: z.boolean(),
});
export type QueueDepth = z.infer<typeof queueDepthSchema>;

export const workersOverviewSchema = z.object({
  format: z.literal("bytelab.workers/1"),
  workers: z.array(workerViewSchema),
  /** Alive-window used to call a worker alive (ms). */
  aliveWithinMs: z.int(),
  queues: z.array(queueDepthSchema),
  /** Why the queue depths are missing (Redis unreachable); null when they are there. */
  queueError: z.string().nullable(),
  at: isoDateTime,
});
export type WorkersOverview = z.infer<typeof workersOverviewSchema>;
