import { type ChildProcess, fork } from "node:child_process";
import { setPriority } from "node:os";
import { fileURLToPath } from "node:url";
import type { MetricRecord } from "@bytelab/train/metrics";
import type { ChildPlacement } from "../devices";
import type { Logger } from "../logger";
import { LineTail } from "./line-tail";
import {
  type ChildMessage,
  childMessageSchema,
  type DoneMessage,
  type FailedMessage,
  type ParentMessage,
  type StartedMessage,
  type StopReason,
  type TrainRequest,
} from "./protocol";

const ENTRY = fileURLToPath(new URL("./entry.mjs", import.meta.url));

/** How a run in a child ended: its result, a reported exception, or the process died. */
export type ChildOutcome =
  | { kind: "done"; done: DoneMessage }
  | { kind: "failed"; failed: FailedMessage }
  | { kind: "exited"; code: number | null; signal: NodeJS.Signals | null };

export interface RunHandlers {
  onStarted(message: StartedMessage): void;
  onRecord(record: MetricRecord): void;
  onCheckpoint(step: number, dir: string): void;
}

/**
 * One training child process (child.ts run through entry.mjs, i.e. plain node + tsx's loader), owned by
 * the worker. It trains one run at a time and is reused for the next run, so the TF.js stack loads once
 * per slot rather than once per run.
 */
export class TrainingChild {
  private readonly tail: LineTail;
  private current: { runId: string; handlers: RunHandlers; finish: (o: ChildOutcome) => void } | null = null;
  private exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private readonly exited: Promise<void>;
  /** Runs trained by this process so far. */
  runs = 0;

  private constructor(
    private readonly proc: ChildProcess,
    private readonly log: Logger,
    /** Where it runs (pinned GPU or the CPU); its device name goes on the runs it trains. */
    readonly placement: ChildPlacement,
  ) {
    this.tail = new LineTail(60, (line) => log.info(`[train ${proc.pid}] ${line}`));
    proc.stdout?.on("data", (c: Buffer) => this.tail.write(c));
    proc.stderr?.on("data", (c: Buffer) => this.tail.write(c));
    this.exited = new Promise((resolve) => {
      proc.once("exit", (code, signal) => {
        this.exit = { code, signal };
        this.current?.finish({ kind: "exited", code, signal });
        this.current = null;
        resolve();
      });
    });
    proc.on("message", (raw: unknown) => this.receive(raw));
    // A write to a channel the child closed (it died): the exit handler reports it.
    proc.on("error", (error) => log.warn(`training child ${proc.pid}: ${error.message}`));
  }

  /** Forks a child and waits until it has loaded the training stack. */
  static async spawn(
    log: Logger,
    placement: ChildPlacement = { env: {}, device: "cpu" },
    readyTimeoutMs = 120_000,
  ): Promise<TrainingChild> {
    const proc = fork(ENTRY, [], {
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      execArgv: [],
      serialization: "json",
      env: { ...process.env, ...placement.env },
    });
    // Training is CPU-bound and can wait a moment; the control plane cannot: lock renewal, heartbeats, IPC,
    // and on a shared host Postgres, Redis and a worker starting again to take over a lost run. So the child
    // runs at a lower CPU priority (nice 10): it still gets every idle cycle.
    if (proc.pid !== undefined)
      try {
        setPriority(proc.pid, 10);
      } catch {
        // not permitted here: it runs at the worker's priority
      }
    const child = new TrainingChild(proc, log, placement);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        proc.kill("SIGKILL");
        reject(new Error(`the training process did not start within ${readyTimeoutMs} ms`));
      }, readyTimeoutMs);
      const onMessage = (raw: unknown) => {
        if ((raw as { type?: unknown })?.type !== "ready") return;
        clearTimeout(timer);
        proc.off("message", onMessage);
        resolve();
      };
      proc.on("message", onMessage);
      void child.exited.then(() => {
        clearTimeout(timer);
        const { code, signal } = child.exit ?? { code: null, signal: null };
        reject(
          new Error(
            `the training process exited while starting (code ${code}, signal ${signal}):\n${child.tail.text().join("\n")}`,
          ),
        );
      });
    });
    return child;
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  get alive(): boolean {
    return this.exit === null && this.proc.connected;
  }

  get busy(): boolean {
    return this.current !== null;
  }

  /** The last lines the child printed during the current (or last) run. */
  outputTail(): string[] {
    return this.tail.text();
  }

  /** Trains `request` in the child; resolves when the run ends (or the process dies). Never rejects. */
  run(request: TrainRequest, handlers: RunHandlers): Promise<ChildOutcome> {
    if (this.current) throw new Error(`training child ${this.pid} is busy with run ${this.current.runId}`);
    if (!this.alive)
      return Promise.resolve({
        kind: "exited",
        code: this.exit?.code ?? null,
        signal: this.exit?.signal ?? null,
      });
    this.tail.clear();
    this.runs += 1;
    return new Promise((resolve) => {
      this.current = {
        runId: request.runId,
        handlers,
        finish: (outcome) => {
          this.current = null;
          resolve(outcome);
        },
      };
      this.send(request);
    });
  }

  /** Asks the run to checkpoint and return at the next step boundary. */
  stop(reason: StopReason): void {
    if (this.current && this.alive) this.send({ type: "stop", reason });
  }

  /** Kills the process at once (a run in it ends as `exited`). */
  kill(): void {
    if (this.exit === null) this.proc.kill("SIGKILL");
  }

  /** Closes the channel (the child exits by itself), then SIGKILL after `graceMs`. */
  async dispose(graceMs = 5_000): Promise<void> {
    if (this.exit !== null) return;
    if (this.proc.connected) this.proc.disconnect();
    const timer = setTimeout(() => this.kill(), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  private send(message: ParentMessage): void {
    this.proc.send(message, (error) => {
      if (error)
        this.log.warn(`training child ${this.pid}: could not send ${message.type}: ${error.message}`);
    });
  }

  private receive(raw: unknown): void {
    const parsed = childMessageSchema.safeParse(raw);
    if (!parsed.success) {
      this.log.warn(`training child ${this.pid}: invalid message (${parsed.error.issues[0]?.message})`);
      return;
    }
    const message: ChildMessage = parsed.data;
    const current = this.current;
    if (message.type === "ready" || !current) return;
    if (message.runId !== current.runId) return;
    try {
      switch (message.type) {
        case "started":
          current.handlers.onStarted(message);
          break;
        case "record":
          current.handlers.onRecord(message.record);
          break;
        case "checkpoint":
          current.handlers.onCheckpoint(message.step, message.dir);
          break;
        case "done":
          current.finish({ kind: "done", done: message });
          break;
        case "failed":
          current.finish({ kind: "failed", failed: message });
          break;
      }
    } catch (error) {
      this.log.error(`handling ${message.type} of run ${current.runId}: ${(error as Error).message}`);
    }
  }
}
