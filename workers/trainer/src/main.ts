// The trainer worker process: `node --import tsx workers/trainer/src/main.ts` (npm start runs one).
import { disconnectPrisma } from "@bytelab/db/runtime";
import { loadWorkerEnv, WorkerEnvError } from "./env";
import { createLogger } from "./logger";
import { startTrainerWorker } from "./worker";

const log = createLogger("trainer");

// If whoever reads our output goes away (a launcher killed with SIGKILL), a log line must not crash the
// worker before it has handed back its jobs and marked itself stopped.
for (const stream of [process.stdout, process.stderr]) stream.on("error", () => {});

async function main(): Promise<void> {
  let env: ReturnType<typeof loadWorkerEnv>;
  try {
    env = loadWorkerEnv();
  } catch (error) {
    if (error instanceof WorkerEnvError) {
      log.error(error.message);
      process.exit(2);
    }
    throw error;
  }

  // A signal during startup is honoured once startup is done.
  let stopRequested = false;
  let running: Awaited<ReturnType<typeof startTrainerWorker>> | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopRequested) return;
    stopRequested = true;
    log.info(`${signal} received`);
    if (running) void shutdown(running);
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);

  try {
    running = await startTrainerWorker(env);
  } catch (error) {
    if (error instanceof WorkerEnvError) {
      log.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  if (stopRequested) await shutdown(running);
}

async function shutdown(running: Awaited<ReturnType<typeof startTrainerWorker>>): Promise<void> {
  try {
    await running.stop();
    await disconnectPrisma();
    process.exit(0);
  } catch (error) {
    log.error(`shutdown failed: ${error instanceof Error ? (error.stack ?? error.message) : error}`);
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  log.error(`fatal: ${error instanceof Error ? (error.stack ?? error.message) : error}`);
  process.exit(1);
});
