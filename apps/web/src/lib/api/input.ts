import { ApiError } from "../errors";

/**
 * The dotted path of the first string (value or object key) in `value` holding a NUL character, or null.
 * Iterative: a deeply nested body must not overflow the stack.
 */
export function findNul(value: unknown): string | null {
  const stack: Array<[unknown, string]> = [[value, ""]];
  const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
  while (stack.length > 0) {
    const [item, path] = stack.pop()!;
    if (typeof item === "string") {
      if (item.includes("\u0000")) return path;
    } else if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i--) stack.push([item[i], join(path, String(i))]);
    } else if (item !== null && typeof item === "object") {
      const entries = Object.entries(item);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, v] = entries[i]!;
        if (key.includes("\u0000")) return join(path, key);
        stack.push([v, join(path, key)]);
      }
    }
  }
  return null;
}

/**
 * Postgres stores no NUL character in text or JSON (it fails the query with a 500 otherwise): a request that
 * carries one in a path parameter, query parameter or body field is invalid input (422), refused before
 * anything runs.
 */
export function refuseNul(value: unknown, where: string): void {
  const at = findNul(value);
  if (at === null) return;
  throw new ApiError("VALIDATION_FAILED", `The request's ${where} contains a NUL character (\\u0000).`, [
    {
      path: at ? `${where}.${at}` : where,
      issue: "contains a NUL character (\\u0000)",
      fix: "remove it: no id, name or text may contain one",
    },
  ]);
}
