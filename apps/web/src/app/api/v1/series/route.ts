import { querySeries } from "@bytelab/service";
import { route } from "../../../../lib/api/route";
import { API } from "../../../../lib/api/routes";
import { otherMethods } from "../../../../lib/api/other-methods";

export const dynamic = "force-dynamic";

export const GET = route(API.compareSeries, ({ ctx, query }) => querySeries(ctx.pool, query));

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
