import { color, log, seconds } from "./log";
import type { ExitInfo, Service } from "./service";

/** A service exited while nobody asked it to. */
export class ServiceDiedError extends Error {
  constructor(
    readonly service: Service,
    readonly exit: ExitInfo,
  ) {
    super(`${service.name} exited unexpectedly (${describeExit(exit)})`);
    this.name = "ServiceDiedError";
  }
}

export function describeExit(exit: ExitInfo): string {
  return exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
}

/**
 * Keeps the started services in start order and stops them in reverse (worker, web, redis, postgres),
 * so each one can still reach what it depends on while it shuts down. `died` rejects as soon as any
 * service exits on its own.
 */
export class Supervisor {
  private readonly services: Service[] = [];
  private stopping = false;
  private rejectDied: (error: ServiceDiedError) => void = () => {};
  /** The first unexpected exit, once it happened. */
  death: ServiceDiedError | null = null;
  /** Rejects with the first unexpected exit; never resolves. Race startup steps against it. */
  readonly died: Promise<never>;

  constructor() {
    this.died = new Promise<never>((_, reject) => {
      this.rejectDied = reject;
    });
    this.died.catch(() => {}); // observed by whoever races it; not an unhandled rejection
  }

  add(service: Service): Service {
    this.services.push(service);
    void service.exited.then((exit) => {
      if (this.stopping || this.death) return;
      this.death = new ServiceDiedError(service, exit);
      this.rejectDied(this.death);
    });
    return service;
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  pids(): Record<string, number> {
    return Object.fromEntries(this.services.map((s) => [s.name, s.pid]));
  }

  /** Stops every service, last started first. Safe to call more than once (later calls wait for the first). */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= this.stopAll();
    return this.shutdownPromise;
  }
  private shutdownPromise: Promise<void> | undefined;

  private async stopAll(): Promise<void> {
    this.stopping = true;
    for (const service of [...this.services].reverse()) {
      const started = performance.now();
      try {
        await service.stop();
        log.done(`stopped ${service.name}`, started);
      } catch (error) {
        log.warn(`could not stop ${service.name} cleanly: ${error instanceof Error ? error.message : error}`);
      }
    }
    this.services.length = 0;
  }

  /** Stops everything now with SIGKILL (a second Ctrl-C during a slow shutdown). */
  killAll(): void {
    for (const service of this.services) {
      try {
        process.kill(-service.pid, "SIGKILL");
      } catch {
        try {
          process.kill(service.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
  }
}

/** The crash report: which service, how it ended, the end of its output and where the full log is. */
export function reportDeath(error: ServiceDiedError): void {
  log.error(error.message);
  const tail = error.service.output.text();
  if (tail) {
    console.error(color.dim(`----- last lines of ${error.service.name} -----`));
    console.error(tail);
    console.error(color.dim("-----"));
  }
  log.info(`full log: ${error.service.output.file}`);
}

export { seconds };
