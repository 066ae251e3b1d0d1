import { ApiError, errorResponse } from "../../../../lib/errors";

export const dynamic = "force-dynamic";

/**
 * Any path under /api/v1 that is no route: 404 with the error envelope (Next would answer its HTML 404 page,
 * which a CI client cannot parse). Not an operation of the API: the OpenAPI document does not list it.
 */
function notFound(request: Request): Response {
  const { pathname } = new URL(request.url);
  return errorResponse(
    new ApiError("NOT_FOUND", `There is no API route ${request.method} ${pathname}.`, [
      { path: "", issue: "unknown route", fix: "every route is listed in GET /api/v1/openapi.json" },
    ]),
  );
}

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
