import { NotFoundError, querySeries } from "@bytelab/service";
import { route } from "../../../../../../lib/api/route";
import { API } from "../../../../../../lib/api/routes";
import { otherMethods } from "../../../../../../lib/api/other-methods";

export const dynamic = "force-dynamic";

export const GET = route(API.runSeries, async ({ ctx, params, query }) => {
  const answer = await querySeries(ctx.pool, { ...query, runs: [params.id] });
  if (answer.missingRuns.length > 0) throw new NotFoundError("run", params.id);
  return answer;
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
