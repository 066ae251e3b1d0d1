import { sweepReport } from "@bytelab/service";
import { route } from "../../../../../../lib/api/route";
import { API } from "../../../../../../lib/api/routes";
import { sharedRead } from "../../../../../../lib/api/single-flight";
import { otherMethods } from "../../../../../../lib/api/other-methods";

export const dynamic = "force-dynamic";

export const GET = route(API.sweepReport, ({ ctx, params, query }) => {
  const budgets = query.budgets?.split(",").map((b) => Number(b.trim()));
  const opts = {
    resamples: query.resamples,
    seed: query.seed,
    ...(query.metric ? { metric: query.metric } : {}),
    ...(budgets ? { budgets } : {}),
  };
  return sharedRead(`report:${params.id}:${JSON.stringify(opts)}`, 2_000, async () => ({
    ...(await sweepReport(ctx, params.id, opts)),
  }));
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
