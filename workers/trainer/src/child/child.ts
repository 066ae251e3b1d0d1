// The training child: trains one run at a time for its worker process, which talks to it over IPC
// (protocol.ts). CPU-bound training here never delays the worker's BullMQ lock renewal or heartbeats.
import { createRequire } from "node:module";
import { parseTrainConfig, readRunMeta, resumeTraining, type TrainEvent, train } from "@bytelab/train";
import type { MetricRecord, MetricSink } from "@bytelab/train/metrics";
import {
  type ChildMessage,
  type FailedMessage,
  parentMessageSchema,
  type StopReason,
  type TrainRequest,
} from "./protocol";

function send(message: ChildMessage): void {
  if (!process.connected) process.exit(0); // the worker is gone: never train for nobody
  process.send?.(message);
}

/** Every metric record goes to the worker (which batches it into Postgres); metrics.jsonl is written too. */
class IpcSink implements MetricSink {
  constructor(private readonly runId: string) {}
  write(record: MetricRecord): void {
    send({ type: "record", runId: this.runId, record });
  }
  close(): void {}
}

function versions(): Record<string, string> {
  const out: Record<string, string> = { node: process.version };
  try {
    const require = createRequire(import.meta.url);
    out.tfjs = (require("@tensorflow/tfjs-core/package.json") as { version: string }).version;
  } catch {
    // not resolvable from here (unusual install layout): leave it out
  }
  return out;
}

let current: { runId: string; controller: AbortController; finish: AbortController } | null = null;

async function run(request: TrainRequest): Promise<void> {
  const controller = new AbortController();
  // An early stop ends the run as finished (final val/test evaluation at that step), not as cancelled.
  const finish = new AbortController();
  current = { runId: request.runId, controller, finish };
  const { runId, runDir } = request;
  const fail = (kind: FailedMessage["kind"], error: unknown) =>
    send({
      type: "failed",
      runId,
      kind,
      message: error instanceof Error ? error.message : String(error),
      ...(error instanceof Error && error.stack ? { stack: error.stack } : {}),
    });
  try {
    if (!request.resume) {
      try {
        parseTrainConfig(request.config, `config of run ${runId}`);
      } catch (error) {
        fail("config", error);
        return;
      }
    }
    const onEvent = (event: TrainEvent) => {
      if (event.type === "start") {
        const meta = readRunMeta(runDir);
        if (!meta) return;
        send({
          type: "started",
          runId,
          startStep: event.startStep,
          totalSteps: event.totalSteps,
          meta,
          backendReason: event.backend.reason,
          warnings: event.warnings,
          versions: versions(),
        });
      } else if (event.type === "checkpoint") {
        send({ type: "checkpoint", runId, step: event.step, dir: event.dir });
      }
    };
    const common = {
      sinks: [new IpcSink(runId)],
      onEvent,
      signal: controller.signal,
      finish: finish.signal,
      // Let IPC messages (stop) in between steps; the loop is synchronous otherwise.
      afterStep: () => new Promise<void>((resolve) => setImmediate(resolve)),
    };
    const result = request.resume
      ? await resumeTraining({ from: runDir, ...common })
      : await train({ config: request.config, outDir: runDir, ...common });
    send({
      type: "done",
      runId,
      status: result.status,
      ...(result.message ? { message: result.message } : {}),
      step: result.step,
      summary: result.summary,
    });
  } catch (error) {
    fail("training", error);
  } finally {
    current = null;
  }
}

process.on("message", (raw: unknown) => {
  const parsed = parentMessageSchema.safeParse(raw);
  if (!parsed.success) {
    console.error(`training child: ignoring an invalid message: ${parsed.error.issues[0]?.message}`);
    return;
  }
  const message = parsed.data;
  if (message.type === "stop") {
    const reason: StopReason = message.reason;
    if (reason === "early-stop") current?.finish.abort(reason);
    else current?.controller.abort(reason);
    return;
  }
  if (current) {
    send({
      type: "failed",
      runId: message.runId,
      kind: "training",
      message: `this training process is busy with run ${current.runId}`,
    });
    return;
  }
  void run(message);
});
// The worker is gone (crashed or SIGKILLed): stop at once; the last checkpoint is what a new worker resumes.
process.on("disconnect", () => process.exit(0));
// Signals are for the worker, which stops its children through the protocol (a terminal's Ctrl-C reaches
// the whole process group).
process.on("SIGINT", () => {});
process.on("SIGTERM", () => {});

send({ type: "ready", pid: process.pid });
