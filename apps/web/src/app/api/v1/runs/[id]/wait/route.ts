import { waitForRun } from "@bytelab/service";
import { route } from "../../../../../../lib/api/route";
import { API } from "../../../../../../lib/api/routes";

export const dynamic = "force-dynamic";

export const GET = route(API.waitRun, async ({ ctx, params, query, request }) => {
  const result = await waitForRun(ctx, params.id, { timeoutSeconds: query.timeout, signal: request.signal });
  return {
    format: "bytelab.run-wait/1" as const,
    finished: result.finished,
    waitedSeconds: result.waitedSeconds,
    run: result.value,
  };
});
