import { z } from "zod";
import type { DocIndex } from "./jsdoc";

/** A JSON Schema node (draft 2020-12), loosely typed: the generators only read and copy it. */
export type JsonSchema = {
  [key: string]: unknown;
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema | JsonSchema[] | false;
  additionalItems?: JsonSchema | boolean;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  additionalProperties?: JsonSchema | boolean;
  propertyNames?: JsonSchema;
  $ref?: string;
  definitions?: Record<string, JsonSchema>;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  deprecated?: boolean;
};

const SAFE = Number.MAX_SAFE_INTEGER;

/** Walks every schema node (depth first, parents first). */
export function walkSchema(node: unknown, fn: (node: JsonSchema) => void): void {
  if (Array.isArray(node)) {
    for (const n of node) walkSchema(n, fn);
    return;
  }
  if (node === null || typeof node !== "object") return;
  fn(node as JsonSchema);
  for (const [key, value] of Object.entries(node)) {
    // `default`, `const`, `enum` and `examples` hold values, not schemas.
    if (key === "default" || key === "const" || key === "enum" || key === "examples") continue;
    walkSchema(value, fn);
  }
}

/**
 * The input-side JSON Schema of a zod schema (what a user writes: defaults optional, transforms seen from
 * their input), without zod's safe-integer noise, with every property described: its zod description
 * (`.meta` / `.describe`) when it has one, else its doc comment in the source (`docs`).
 */
export function zodToJsonSchema(schema: z.ZodType, docs?: DocIndex): JsonSchema {
  const json = z.toJSONSchema(schema, {
    // Draft 7: what editors' YAML / JSON language servers validate completely (2020-12's prefixItems and
    // `items: false` would be read as draft-7 `items: false`, "no items at all", by some of them).
    target: "draft-07",
    io: "input",
    unrepresentable: "any",
    reused: "inline",
    cycles: "ref",
  }) as JsonSchema;
  delete json.$schema;
  walkSchema(json, (node) => {
    if (node.maximum === SAFE) delete node.maximum;
    if (node.minimum === -SAFE) delete node.minimum;
    if (!docs || !node.properties) return;
    const keys = Object.keys(node.properties);
    for (const key of keys) {
      const prop = node.properties[key]!;
      if (prop.description) continue;
      const doc = docs.describe(keys, key);
      // A copy: zod may share one JSON object between places that use the same zod schema.
      if (doc) node.properties[key] = { ...prop, description: doc };
    }
  });
  return json;
}

/** Resolves a local `#/definitions/...` reference against `root`. */
export function deref(node: JsonSchema, root: JsonSchema): JsonSchema {
  let n = node;
  for (let i = 0; i < 10 && n.$ref?.startsWith("#/"); i++) {
    const target = n.$ref
      .slice(2)
      .split("/")
      .reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], root);
    if (!target) break;
    const { $ref: _ref, ...rest } = n;
    n = { ...(target as JsonSchema), ...rest };
  }
  return n;
}
