import type { ArtifactStore } from "@bytelab/artifacts";
import type { ingestMetrics } from "@bytelab/db";
import type { PrismaClient } from "@bytelab/db/runtime";
import type { CancelWatcher } from "../cancel-watch";
import type { ChildPool } from "../child/pool";
import type { WorkerEnv } from "../env";
import type { Logger } from "../logger";
import type { TrainingSession } from "./train-session";

/** What the train job needs from its worker: connections, the training children, and the live sessions. */
export interface TrainServices {
  workerId: string;
  prisma: PrismaClient;
  /** Where metric points go (the worker's pg pool). */
  metricsTarget: Parameters<typeof ingestMetrics>[0];
  /** Resolved BYTELAB_HOME: local work folders of attempts (BYTELAB_HOME/work/<runId>-a<attempt>). */
  home: string;
  /** Where checkpoints and run artifacts go (BYTELAB_ARTIFACTS; default a file store at BYTELAB_HOME). */
  store: ArtifactStore;
  children: ChildPool;
  cancels: CancelWatcher;
  /** Sessions training now, by run id (= job id): shutdown and lost locks stop them. */
  sessions: Map<string, TrainingSession>;
  /** Set when the worker shuts down: a run claimed from now on is handed back at once. */
  draining: boolean;
  env: Pick<WorkerEnv, "WORKER_METRICS_FLUSH_MS" | "WORKER_METRICS_BATCH" | "WORKER_DB_WAIT_MS">;
  log: Logger;
}
