import { planSweep } from "@bytelab/service";
import { route } from "../../../../../lib/api/route";
import { API } from "../../../../../lib/api/routes";
import { untrustedSpecPolicy } from "../../../../../lib/api/spec-policy";
import { apiEnv } from "../../../../../lib/env";
import { otherMethods } from "../../../../../lib/api/other-methods";

export const dynamic = "force-dynamic";

export const POST = route(API.planSweep, ({ ctx, query, body }) =>
  planSweep(ctx.prisma, body, {
    ...(query.repeat === undefined ? {} : { repeat: query.repeat === "true" }),
    untrusted: untrustedSpecPolicy(apiEnv()),
  }),
);

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
