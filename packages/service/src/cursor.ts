import { z } from "zod";
import { InvalidInputError } from "./errors";

/**
 * Opaque pagination cursors: base64url of a small JSON object. A client passes `nextCursor` back as
 * `cursor`; anything else is refused with an error that names the field.
 */
export function encodeCursor(value: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
}

export function decodeCursor<T extends z.ZodType>(cursor: string, schema: T): z.output<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    raw = undefined;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    throw new InvalidInputError("the cursor is not one this server issued", [
      {
        path: "cursor",
        issue: "not a cursor from a previous page",
        fix: "pass the nextCursor of the previous answer unchanged, or leave cursor out for the first page",
      },
    ]);
  return parsed.data;
}

/** Keyset position of "newest first" lists: (createdAt, id) of the last item shown. */
export const createdAtCursorSchema = z.object({ t: z.iso.datetime(), id: z.string() });
