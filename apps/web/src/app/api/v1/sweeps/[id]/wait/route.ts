import { getSweepStatus, waitForSweep } from "@bytelab/service";
import { route } from "../../../../../../lib/api/route";
import { API } from "../../../../../../lib/api/routes";
import { sharedRead } from "../../../../../../lib/api/single-flight";
import { otherMethods } from "../../../../../../lib/api/other-methods";

export const dynamic = "force-dynamic";

export const GET = route(API.waitSweep, async ({ ctx, params, query, request }) => {
  // Every waiting client and every GET /sweeps/{id} poller share one database read per 250 ms.
  const result = await waitForSweep(ctx, params.id, {
    timeoutSeconds: query.timeout,
    signal: request.signal,
    read: () => sharedRead(`sweep:${params.id}`, 250, () => getSweepStatus(ctx.prisma, params.id)),
  });
  return {
    format: "bytelab.sweep-wait/1" as const,
    finished: result.finished,
    waitedSeconds: result.waitedSeconds,
    status: result.value,
  };
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
