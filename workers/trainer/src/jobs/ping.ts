import { JOB_KINDS } from "@bytelab/queue";
import { defineJob } from "./registry";

/**
 * Proves the path queue -> worker -> result end to end without training anything (enqueue `ping`, wait for
 * the job's return value): for health checks and tests.
 */
export const pingJob = defineJob(JOB_KINDS.ping, async (data, ctx) => ({
  pong: data.message,
  workerId: ctx.workerId,
  at: new Date().toISOString(),
}));
