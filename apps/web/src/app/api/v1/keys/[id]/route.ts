import { revokeApiKey } from "@bytelab/service";
import { route } from "../../../../../lib/api/route";
import { API } from "../../../../../lib/api/routes";
import { otherMethods } from "../../../../../lib/api/other-methods";

export const dynamic = "force-dynamic";

export const DELETE = route(API.revokeKey, ({ ctx, params }) => revokeApiKey(ctx.prisma, params.id));

export const { GET, POST, PUT, PATCH } = otherMethods("DELETE");
