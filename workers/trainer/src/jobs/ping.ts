import { z } from "zod";
import { defineJob } from "./registry";

export const PingJobSchema = z.object({
  /** Echoed back, so a caller can match the reply to its request. */
  message: z.string().max(1_000).default("ping"),
});

/**
 * Proves the path queue -> worker -> result end to end without training anything (enqueue `ping`, wait for
 * the job's return value): for health checks and tests.
 */
export const pingJob = defineJob({
  name: "ping",
  schema: PingJobSchema,
  handler: async (data, ctx) => ({
    pong: data.message,
    workerId: ctx.workerId,
    at: new Date().toISOString(),
  }),
});
