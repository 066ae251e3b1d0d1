import { createServiceContext, type OwnedServiceContext, type ServiceContext } from "@bytelab/service";
import { requestOrigin } from "./api/origin";
import { serverEnv } from "./env";

// One service context per server process (and database / Redis URL), kept on globalThis so `next dev`
// reloads and the separately bundled routes and pages share it (and its Redis connection).
const globalForService = globalThis as unknown as { bytelabService?: Map<string, OwnedServiceContext> };
globalForService.bytelabService ??= new Map();
const contexts = globalForService.bytelabService;

/** The service context on DATABASE_URL and REDIS_URL (503 naming the variable when one is missing). */
export function serviceContext(): ServiceContext {
  const env = serverEnv();
  const key = `${env.DATABASE_URL}\u0000${env.REDIS_URL}\u0000${env.BYTELAB_QUEUE ?? ""}`;
  let ctx = contexts.get(key);
  if (!ctx) {
    ctx = createServiceContext({
      databaseUrl: env.DATABASE_URL,
      redisUrl: env.REDIS_URL,
      redisTimeoutMs: 3_000,
      ...(env.BYTELAB_QUEUE ? { queueName: env.BYTELAB_QUEUE } : {}),
    });
    contexts.set(key, ctx);
  }
  return ctx;
}

/** The service context with links pointing at the origin this request came to (verdict -> compare page). */
export function requestServiceContext(request: Request): ServiceContext {
  const base = serviceContext();
  const origin = requestOrigin(request);
  return {
    prisma: base.prisma,
    pool: base.pool,
    trainQueue: () => base.trainQueue(),
    dashboardUrl: origin,
  };
}
