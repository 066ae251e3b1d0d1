import { getRun } from "@bytelab/service";
import { route } from "../../../../../lib/api/route";
import { API } from "../../../../../lib/api/routes";
import { sharedRead } from "../../../../../lib/api/single-flight";
import { otherMethods } from "../../../../../lib/api/other-methods";

export const dynamic = "force-dynamic";

/** Polled by CI jobs and the run page: reads within 250 ms of each other share one database read. */
export const GET = route(API.getRun, ({ ctx, params }) =>
  sharedRead(`run:${params.id}`, 250, () => getRun(ctx, params.id)),
);

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
