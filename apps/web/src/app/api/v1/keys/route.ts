import { createApiKey, listApiKeys } from "@bytelab/service";
import { route } from "../../../../lib/api/route";
import { API } from "../../../../lib/api/routes";
import { otherMethods } from "../../../../lib/api/other-methods";

export const dynamic = "force-dynamic";

export const GET = route(API.listKeys, ({ ctx }) => listApiKeys(ctx.prisma));

export const POST = route(API.createKey, ({ ctx, body }) => createApiKey(ctx.prisma, body));

export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
