import { z } from "zod";

export const probeSchema = z.object({
  ok: z.boolean(),
  /** Round trip of the probe in milliseconds (also set when it failed: time until the failure). */
  latencyMs: z.number().nonnegative(),
  error: z.string().optional(),
});
export type Probe = z.infer<typeof probeSchema>;

export const healthWorkerSchema = z.object({
  id: z.string(),
  host: z.string(),
  pid: z.number().int(),
  slots: z.number().int(),
  status: z.string(),
  version: z.string(),
  devices: z.unknown(),
  startedAt: z.string(),
  lastHeartbeatAt: z.string(),
});
export type HealthWorker = z.infer<typeof healthWorkerSchema>;

/** GET /api/v1/health: 200 when db and redis answer, 503 otherwise (workers do not gate it). */
export const healthSchema = z.object({
  status: z.enum(["ok", "degraded"]),
  db: probeSchema,
  redis: probeSchema,
  workers: z.object({
    alive: z.number().int().nonnegative(),
    list: z.array(healthWorkerSchema),
    error: z.string().optional(),
  }),
  version: z.string(),
});
export type Health = z.infer<typeof healthSchema>;
