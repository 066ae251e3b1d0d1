import { isPlainObject, type PathSegment } from "@bytelab/experiments/spec";

/**
 * A copy of `target` with `value` at `path` (missing objects created on the way); `undefined` removes the
 * key instead (a strict schema treats a present-but-undefined key as given), and an object left empty by
 * the removal stays (an empty `base` is still a base).
 */
export function setIn<T>(target: T, path: readonly PathSegment[], value: unknown): T {
  if (path.length === 0) return value as T;
  const [head, ...rest] = path as [PathSegment, ...PathSegment[]];
  if (typeof head === "number") {
    const list = Array.isArray(target) ? [...target] : [];
    if (rest.length === 0 && value === undefined) list.splice(head, 1);
    else list[head] = setIn(list[head], rest, value);
    return list as T;
  }
  const obj: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  if (rest.length === 0 && value === undefined) delete obj[head];
  else obj[head] = setIn(obj[head], rest, value);
  return obj as T;
}
