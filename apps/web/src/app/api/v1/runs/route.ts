import { listRuns } from "@bytelab/service";
import { route } from "../../../../lib/api/route";
import { API } from "../../../../lib/api/routes";

export const dynamic = "force-dynamic";

export const GET = route(API.listRuns, ({ ctx, query }) => listRuns(ctx.pool, query));
