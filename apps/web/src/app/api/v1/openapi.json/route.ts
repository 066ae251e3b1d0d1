import { toErrorResponse } from "../../../../lib/errors";
import { openApiDocument } from "../../../../lib/api/openapi";

/** GET /api/v1/openapi.json: the OpenAPI 3.1 document, generated from the route contracts. */
export function GET(): Response {
  try {
    return Response.json(openApiDocument(), { headers: { "cache-control": "no-store" } });
  } catch (error) {
    return toErrorResponse(error);
  }
}
