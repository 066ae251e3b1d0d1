import { rerunRun } from "@bytelab/service";
import { route } from "../../../../../../lib/api/route";
import { API } from "../../../../../../lib/api/routes";
import { otherMethods } from "../../../../../../lib/api/other-methods";

export const dynamic = "force-dynamic";

export const POST = route(API.rerunRun, ({ ctx, params, body }) =>
  rerunRun(ctx, params.id, body.reason ? { reason: body.reason } : {}),
);

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
