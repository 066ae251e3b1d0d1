import { getRun, waitForRun } from "@bytelab/service";
import { route } from "../../../../../../lib/api/route";
import { API } from "../../../../../../lib/api/routes";
import { sharedRead } from "../../../../../../lib/api/single-flight";
import { otherMethods } from "../../../../../../lib/api/other-methods";

export const dynamic = "force-dynamic";

export const GET = route(API.waitRun, async ({ ctx, params, query, request }) => {
  // Every waiting client and every GET /runs/{id} poller share one database read per 250 ms.
  const result = await waitForRun(ctx, params.id, {
    timeoutSeconds: query.timeout,
    signal: request.signal,
    read: () => sharedRead(`run:${params.id}`, 250, () => getRun(ctx, params.id)),
  });
  return {
    format: "bytelab.run-wait/1" as const,
    finished: result.finished,
    waitedSeconds: result.waitedSeconds,
    run: result.value,
  };
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
