import { revokeApiKey } from "@bytelab/service";
import { route } from "../../../../../lib/api/route";
import { API } from "../../../../../lib/api/routes";

export const dynamic = "force-dynamic";

export const DELETE = route(API.revokeKey, ({ ctx, params }) => revokeApiKey(ctx.prisma, params.id));
