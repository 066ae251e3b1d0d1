import { withErrors } from "../../../../lib/errors";
import { checkHealth } from "../../../../lib/health";
import { liveHealthDeps } from "../../../../lib/health-deps";
import { otherMethods } from "../../../../lib/api/other-methods";

export const dynamic = "force-dynamic";

/** Liveness of the platform: 200 when Postgres and Redis answer, 503 (same body) when either does not. */
export const GET = withErrors(async () => {
  const health = await checkHealth(liveHealthDeps());
  return Response.json(health, {
    status: health.status === "ok" ? 200 : 503,
    headers: { "cache-control": "no-store" },
  });
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
