import { ApiError, errorResponse } from "../errors";

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
type Method = (typeof METHODS)[number];
type Handler = (request: Request) => Response;

/**
 * Handlers for the methods a route does not serve: 405 with the error envelope and an Allow header naming
 * the ones it does. Without them Next answers 405 with an empty body, which a CI client cannot explain. A
 * route exports the methods it lacks: `export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");`
 */
export function otherMethods(...served: Method[]): Record<Method, Handler> {
  const allow = [...served, ...(served.includes("GET") ? ["HEAD"] : []), "OPTIONS"].join(", ");
  const notAllowed: Handler = (request) => {
    const { pathname } = new URL(request.url);
    return errorResponse(
      new ApiError(
        "METHOD_NOT_ALLOWED",
        `${request.method} is not a method of ${pathname}; it answers ${served.join(", ")}.`,
        [{ path: "method", issue: `not ${served.join(" or ")}`, fix: `send ${served.join(" or ")}` }],
        { allow },
      ),
    );
  };
  return Object.fromEntries(METHODS.map((m) => [m, notAllowed])) as Record<Method, Handler>;
}
