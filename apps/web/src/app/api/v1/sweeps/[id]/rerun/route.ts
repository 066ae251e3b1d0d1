import { rerunSweep } from "@bytelab/service";
import { route } from "../../../../../../lib/api/route";
import { API } from "../../../../../../lib/api/routes";
import { otherMethods } from "../../../../../../lib/api/other-methods";

export const dynamic = "force-dynamic";

export const POST = route(API.rerunSweep, ({ ctx, params, body }) =>
  rerunSweep(ctx, params.id, {
    ...(body.reason ? { reason: body.reason } : {}),
    ...(body.includeCancelled ? { includeCancelled: true } : {}),
  }),
);

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
