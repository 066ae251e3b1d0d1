import { openApiDocument } from "../../../apps/web/src/lib/api/openapi";
import type { JsonSchema } from "./json-schema";
import { cell, code, generatedHeader, jsonCode, slug, table, typeText } from "./markdown";

export const API_REF_PATH = "docs/reference/api.md";
export const OPENAPI_PATH = "docs/reference/openapi.json";

interface Parameter {
  in: string;
  name: string;
  required?: boolean;
  description?: string;
  schema?: JsonSchema;
}

interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags?: string[];
  security?: unknown[];
  "x-required-scope"?: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; description?: string; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: JsonSchema }> }>;
}

interface Document {
  info: { title: string; version: string; description?: string };
  tags?: Array<{ name: string; description?: string }>;
  paths: Record<string, Record<string, Operation>>;
}

/** The OpenAPI document as served at /api/v1/openapi.json (generated from the route contracts). */
export function openApi(): Document {
  return structuredClone(openApiDocument()) as unknown as Document;
}

function scopeOf(op: Operation): string {
  if (op["x-required-scope"]) return op["x-required-scope"];
  return Array.isArray(op.security) && op.security.length === 0 ? "public" : "read";
}

const opts = (root: JsonSchema) => ({ root });

/** Top-level fields of an object schema: key, type, meaning. */
function fields(schema: JsonSchema): string[][] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([key, prop]) => [
    code(key),
    typeText(prop, opts(schema)),
    required.has(key) ? "yes" : "",
    cell(prop.description ?? ""),
  ]);
}

/**
 * docs/reference/api.md: every route of /api/v1 with its scope, parameters, body and answers, from the
 * OpenAPI document (apps/web/src/lib/api/openapi.ts, built from the zod route contracts).
 */
export function renderApiReference(): string {
  const doc = openApi();
  const ops: Array<{ method: string; path: string; op: Operation }> = [];
  for (const [path, methods] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(methods)) ops.push({ method: method.toUpperCase(), path, op });
  const title = (o: (typeof ops)[number]) => `${o.method} ${o.path}`;
  const out: string[] = [
    generatedHeader(
      "the OpenAPI document of apps/web (`openApiDocument()`, apps/web/src/lib/api/openapi.ts)",
    ),
    "",
    "# REST API reference (`/api/v1`)",
    "",
    `${cell(doc.info.description ?? "")} The machine-readable document is [openapi.json](openapi.json) (OpenAPI 3.1, also served at \`GET /api/v1/openapi.json\`).`,
    "",
    "## Conventions",
    "",
    "- **Authentication.** Send an API key as `Authorization: Bearer blk_...` (`npx bytelab keys create`, or the dashboard's Settings → API keys). Scopes nest: `write` includes `read`, `admin` includes both; the table below gives each route's scope. With `BYTELAB_AUTH=auto` (default) a server listening on loopback only (`127.0.0.1`, the `npm start` default) serves requests without a key to clients that address it as localhost; any other address requires keys. See [running on several hosts](../guides/gpus-and-hosts.md#api-keys-and-bytelab_auth).",
    '- **Errors** always have the shape `{"error": {"code", "message", "details": [{"path", "issue", "fix"?}]}}`; 422 lists one detail per invalid field. 429 answers carry `Retry-After`; a method a path does not serve answers 405 (`METHOD_NOT_ALLOWED`) with `Allow` naming the ones it does.',
    "- **Idempotency.** Routes marked idempotent accept an `Idempotency-Key` header: a retry with the same key and request gets the first answer and creates nothing twice (CI: the commit SHA).",
    "- **Pagination.** List routes answer `nextCursor`; pass it back as `cursor` for the next page.",
    "",
    "## Routes",
    "",
    table(
      ["route", "scope", "what it does"],
      ops.map((o) => [`[\`${title(o)}\`](#${slug(title(o))})`, code(scopeOf(o.op)), cell(o.op.summary)]),
    ),
    "",
  ];
  const tags = new Map((doc.tags ?? []).map((t) => [t.name, t.description ?? ""]));
  const byTag = new Map<string, typeof ops>();
  for (const o of ops) {
    const tag = o.op.tags?.[0] ?? "other";
    byTag.set(tag, [...(byTag.get(tag) ?? []), o]);
  }
  for (const [tag, list] of byTag) {
    out.push(`## ${tag}`, "", cell(tags.get(tag) ?? ""), "");
    for (const o of list) {
      const op = o.op;
      out.push(`### ${title(o)}`, "", cell(op.summary), "");
      if (op.description) out.push(cell(op.description), "");
      out.push(`Scope: ${code(scopeOf(op))}. Operation id: ${code(op.operationId)}.`, "");
      const params = op.parameters ?? [];
      if (params.length)
        out.push(
          table(
            ["parameter", "in", "type", "default", "meaning"],
            params.map((p) => [
              code(p.name),
              p.in,
              p.schema ? typeText(p.schema, opts(p.schema)) : "",
              p.schema?.default !== undefined
                ? jsonCode(p.schema.default)
                : p.required
                  ? "**required**"
                  : "—",
              cell(p.description ?? p.schema?.description ?? ""),
            ]),
          ),
          "",
        );
      const body = op.requestBody;
      if (body) {
        const json = body.content["application/json"]?.schema;
        const types = Object.keys(body.content).map(code).join(" or ");
        if (json && !json.properties && json.type === "object" && body.content["application/yaml"])
          out.push(
            `Body (${types}${body.required ? ", required" : ""}): a spec, as in a spec file: see the [spec reference](spec.md).`,
            "",
          );
        else if (json?.properties)
          out.push(
            `Body (${types}${body.required ? ", required" : ", optional"}):`,
            "",
            table(["field", "type", "required", "meaning"], fields(json)),
            "",
          );
        else out.push(`Body: ${types}.`, "");
      }
      const answers = Object.entries(op.responses).sort(([a], [b]) => a.localeCompare(b));
      const [okStatus, ok] = answers.find(([s]) => s.startsWith("2")) ?? [];
      const okSchema = ok?.content?.["application/json"]?.schema;
      if (okStatus && okSchema?.properties)
        out.push(
          `Answer ${okStatus}:`,
          "",
          table(["field", "type", "required", "meaning"], fields(okSchema)),
          "",
        );
      else if (okStatus) out.push(`Answer ${okStatus}: ${cell(ok?.description ?? "")}`, "");
      out.push(
        `Other answers: ${answers
          .filter(([s]) => s !== okStatus)
          .map(([s]) => s)
          .join(", ")} (error envelope: see [conventions](#conventions)).`,
        "",
      );
    }
  }
  return `${out
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim()}\n`;
}
