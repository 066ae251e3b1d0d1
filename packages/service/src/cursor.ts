import { z } from "zod";
import { InvalidInputError } from "./errors";

/**
 * Opaque pagination cursors: base64url of a small JSON object. A client passes `nextCursor` back as
 * `cursor`; anything else is refused with an error that names the field.
 */
export function encodeCursor(value: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
}

/** The error for a cursor this server did not issue (or a forged one), naming the field. */
export function invalidCursor(): InvalidInputError {
  return new InvalidInputError("the cursor is not one this server issued", [
    {
      path: "cursor",
      issue: "not a cursor from a previous page",
      fix: "pass the nextCursor of the previous answer unchanged, or leave cursor out for the first page",
    },
  ]);
}

export function decodeCursor<T extends z.ZodType>(cursor: string, schema: T): z.output<T> {
  let raw: unknown;
  try {
    const text = Buffer.from(cursor, "base64url").toString("utf8");
    // A NUL (raw or escaped) can only come from a forged cursor, and Postgres refuses it in a comparison.
    raw = text.includes("\u0000") || /\\u0000/i.test(text) ? undefined : JSON.parse(text);
  } catch {
    raw = undefined;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw invalidCursor();
  return parsed.data;
}

/** Keyset position of "newest first" lists: (createdAt, id) of the last item shown. */
export const createdAtCursorSchema = z.object({ t: z.iso.datetime(), id: z.string() });
