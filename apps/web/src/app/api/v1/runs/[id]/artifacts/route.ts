import { listRunArtifacts } from "@bytelab/service";
import { route } from "../../../../../../lib/api/route";
import { API } from "../../../../../../lib/api/routes";
import { otherMethods } from "../../../../../../lib/api/other-methods";

export const dynamic = "force-dynamic";

export const GET = route(API.runArtifacts, ({ ctx, params }) => listRunArtifacts(ctx, params.id));

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
