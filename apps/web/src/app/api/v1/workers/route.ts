import { workersOverview } from "@bytelab/service";
import { route } from "../../../../lib/api/route";
import { API } from "../../../../lib/api/routes";
import { serverEnv } from "../../../../lib/env";
import { otherMethods } from "../../../../lib/api/other-methods";

export const dynamic = "force-dynamic";

export const GET = route(API.workers, ({ ctx }) =>
  workersOverview(ctx, { aliveWithinMs: serverEnv().BYTELAB_WORKER_ALIVE_MS }),
);

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
