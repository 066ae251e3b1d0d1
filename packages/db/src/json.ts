import { z } from "zod";

/**
 * zod schemas for the JSON columns. Postgres stores them as JSONB; Prisma types them as `JsonValue`, so read
 * them back through these parsers to get real types (`parseWorkerDevices(worker.devices)`).
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export const JsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(JsonValueSchema),
    z.record(z.string(), JsonValueSchema),
  ]),
);

/**
 * `runs.config`: the full model + training config of a run. Its exact shape belongs to packages/experiments;
 * the database only requires a JSON object (so `config_hash` can be computed over it).
 */
export const RunConfigSchema = z.record(z.string(), JsonValueSchema);
export type RunConfig = z.infer<typeof RunConfigSchema>;

/** One device a worker trains on. */
export const WorkerDeviceSchema = z.object({
  /** TF.js backend serving this device, e.g. "tensorflow" (tfjs-node), "cpu", "wasm", "webgpu". */
  backend: z.string().min(1),
  /** Human-readable name, e.g. "cpu: Intel Xeon (2 cores)" or "NVIDIA H200". */
  name: z.string().min(1),
  kind: z.enum(["cpu", "gpu", "other"]),
  memoryBytes: z.number().int().nonnegative().optional(),
});
export type WorkerDevice = z.infer<typeof WorkerDeviceSchema>;

/** `workers.devices`. */
export const WorkerDevicesSchema = z.array(WorkerDeviceSchema);
export type WorkerDevices = z.infer<typeof WorkerDevicesSchema>;

/** `run_events.data` for STATUS events, written by transitionRun. */
export const StatusEventDataSchema = z.object({
  from: z.string(),
  to: z.string(),
  workerId: z.string().nullable().optional(),
  error: z.string().nullable().optional(),
});
export type StatusEventData = z.infer<typeof StatusEventDataSchema>;

/** `run_events.data` in general: any JSON object (STATUS events follow StatusEventDataSchema). */
export const RunEventDataSchema = z.record(z.string(), JsonValueSchema);
export type RunEventData = z.infer<typeof RunEventDataSchema>;

function parseWith<T>(schema: z.ZodType<T>, column: string, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = [column, ...(issue?.path ?? []).map(String)].join(".");
  throw new Error(`invalid JSON in ${path}: ${issue?.message ?? "does not match its schema"}`);
}

export const parseRunConfig = (value: unknown): RunConfig => parseWith(RunConfigSchema, "runs.config", value);
export const parseWorkerDevices = (value: unknown): WorkerDevices =>
  parseWith(WorkerDevicesSchema, "workers.devices", value);
export const parseRunEventData = (value: unknown): RunEventData =>
  parseWith(RunEventDataSchema, "run_events.data", value);
