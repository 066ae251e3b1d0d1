import { ApiError } from "../errors";

/** Reads the request body as text, refusing more than `limit` bytes (413) without reading the rest. */
export async function readBodyText(request: Request, limit: number): Promise<string> {
  const declared = Number(request.headers.get("content-length"));
  const tooLarge = () =>
    new ApiError("PAYLOAD_TOO_LARGE", `The request body is larger than ${limit} bytes.`, [
      {
        path: "body",
        issue: `more than ${limit} bytes`,
        fix: "send a smaller body (a sweep spec is a few KB)",
      },
    ]);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return new TextDecoder("utf-8", { fatal: false }).decode(Buffer.concat(chunks));
}

export type BodyFormat = "json" | "yaml";

/** The body's format from its Content-Type: YAML for application/yaml, text/yaml, application/x-yaml; else JSON. */
export function bodyFormat(request: Request): BodyFormat {
  const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  return /^(application|text)\/(x-)?yaml$/.test(type) ? "yaml" : "json";
}

/** Parses a JSON body; 400 with the parser's reason when it is not JSON. An empty body is `{}`. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError("BAD_REQUEST", "The request body is not valid JSON.", [
      {
        path: "body",
        issue: (error as Error).message,
        fix: "send JSON (Content-Type: application/json), or YAML with Content-Type: application/yaml",
      },
    ]);
  }
}
