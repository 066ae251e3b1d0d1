import { runLog } from "@bytelab/service";
import { route } from "../../../../../../lib/api/route";
import { API } from "../../../../../../lib/api/routes";
import { otherMethods } from "../../../../../../lib/api/other-methods";

export const dynamic = "force-dynamic";

export const GET = route(API.runLogs, ({ ctx, params, query }) =>
  runLog(ctx, params.id, { limit: query.limit }),
);

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
