import { getSweepStatus } from "@bytelab/service";
import { route } from "../../../../../lib/api/route";
import { API } from "../../../../../lib/api/routes";
import { sharedRead } from "../../../../../lib/api/single-flight";
import { otherMethods } from "../../../../../lib/api/other-methods";

export const dynamic = "force-dynamic";

/** Polled by CI jobs and dashboards: reads within 250 ms of each other share one database read. */
export const GET = route(API.getSweep, ({ ctx, params }) =>
  sharedRead(`sweep:${params.id}`, 250, () => getSweepStatus(ctx.prisma, params.id)),
);

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
