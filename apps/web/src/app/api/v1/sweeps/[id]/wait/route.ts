import { waitForSweep } from "@bytelab/service";
import { route } from "../../../../../../lib/api/route";
import { API } from "../../../../../../lib/api/routes";

export const dynamic = "force-dynamic";

export const GET = route(API.waitSweep, async ({ ctx, params, query, request }) => {
  const result = await waitForSweep(ctx, params.id, {
    timeoutSeconds: query.timeout,
    signal: request.signal,
  });
  return {
    format: "bytelab.sweep-wait/1" as const,
    finished: result.finished,
    waitedSeconds: result.waitedSeconds,
    status: result.value,
  };
});
