import { toErrorResponse } from "../../../../lib/errors";
import { openApiDocument } from "../../../../lib/api/openapi";
import { otherMethods } from "../../../../lib/api/other-methods";

/** GET /api/v1/openapi.json: the OpenAPI 3.1 document, generated from the route contracts. */
export function GET(): Response {
  try {
    return Response.json(openApiDocument(), { headers: { "cache-control": "no-store" } });
  } catch (error) {
    return toErrorResponse(error);
  }
}

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
