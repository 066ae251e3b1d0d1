import { planSweep } from "@bytelab/service";
import { route } from "../../../../../lib/api/route";
import { API } from "../../../../../lib/api/routes";

export const dynamic = "force-dynamic";

export const POST = route(API.planSweep, ({ ctx, query, body }) =>
  planSweep(ctx.prisma, body, query.repeat === undefined ? {} : { repeat: query.repeat === "true" }),
);
