import type { z } from "zod";

/** An answer of /api/v1 that was not what the page expected: the error envelope's message, or why not. */
export class ApiRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * GET (or POST with a JSON body) a same-origin /api/v1 URL and check the answer with `schema` (zod at the
 * boundary: a page never renders a shape it did not expect). Errors carry the API's own message.
 */
export async function fetchJson<S extends z.ZodType>(
  url: string,
  schema: S,
  init: { method?: "GET" | "POST"; body?: unknown; signal?: AbortSignal; cache?: RequestCache } = {},
): Promise<z.output<S>> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method ?? "GET",
      credentials: "same-origin",
      // The API answers with cache-control: no-store; "default" lets a GET use a response the page preloaded.
      cache: init.cache ?? (init.method === "POST" ? "no-store" : "default"),
      ...(init.signal ? { signal: init.signal } : {}),
      ...(init.body !== undefined
        ? { body: JSON.stringify(init.body), headers: { "content-type": "application/json" } }
        : {}),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiRequestError("the server did not answer (is it running?)", 0);
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    throw new ApiRequestError(`HTTP ${response.status}: the answer is not JSON`, response.status);
  }
  if (!response.ok) {
    const message =
      (body as { error?: { message?: string } } | null)?.error?.message ?? `HTTP ${response.status}`;
    throw new ApiRequestError(message, response.status);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    throw new ApiRequestError(
      `unexpected answer from ${url.split("?")[0]}: ${parsed.error.issues[0]?.message ?? "invalid"}`,
      response.status,
    );
  return parsed.data;
}
