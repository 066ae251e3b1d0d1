import { listSweeps, submitSweep } from "@bytelab/service";
import { route } from "../../../../lib/api/route";
import { API } from "../../../../lib/api/routes";
import { untrustedSpecPolicy } from "../../../../lib/api/spec-policy";
import { apiEnv } from "../../../../lib/env";
import { otherMethods } from "../../../../lib/api/other-methods";

export const dynamic = "force-dynamic";

export const GET = route(API.listSweeps, ({ ctx, query }) => listSweeps(ctx.prisma, query));

/** 201 with the new sweep; 200 when the same spec was submitted before (nothing new created). */
export const POST = route(API.createSweep, async ({ ctx, query, body }) => {
  const result = await submitSweep(ctx, body, {
    ...(query.repeat === "true" ? { repeat: true } : {}),
    untrusted: untrustedSpecPolicy(apiEnv()),
  });
  return { status: result.existing ? 200 : 201, body: result };
});

export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
