import { getPrisma, listWorkers } from "@bytelab/db/runtime";
import { workerJson } from "@bytelab/service";
import packageJson from "../../package.json";
import { serverEnv } from "./env";
import type { HealthDeps } from "./health";
import type { HealthWorker } from "./schemas/health";
import { pingRedis } from "./redis";

/** The real dependencies of the health check: Prisma for Postgres, ioredis for Redis. */
export function liveHealthDeps(): HealthDeps {
  return {
    version: packageJson.version,
    pingDb: async () => {
      await getPrisma(serverEnv().DATABASE_URL).$queryRaw`select 1`;
    },
    pingRedis: () => pingRedis(),
    listAliveWorkers: async () => {
      const env = serverEnv();
      const workers = await listWorkers(getPrisma(env.DATABASE_URL), {
        aliveWithinMs: env.BYTELAB_WORKER_ALIVE_MS,
      });
      return workers.map((w): HealthWorker => workerJson(w));
    },
  };
}
