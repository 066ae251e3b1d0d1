import type { PathSegment } from "@bytelab/experiments/spec";

/**
 * Spec issue paths as the service and the zod schemas write them (`architectures[1].model.dim`,
 * `parameters.grid["optimizer.lr"]`, "" for the spec as a whole) back into segments, so that each issue
 * can be shown next to the field that edits that part of the spec.
 */
export function parseIssuePath(path: string): PathSegment[] {
  const out: PathSegment[] = [];
  let i = 0;
  const n = path.length;
  while (i < n) {
    const c = path[i]!;
    if (c === ".") {
      i++;
      continue;
    }
    if (c === "[") {
      const close = path.indexOf("]", i);
      if (path[i + 1] === '"') {
        // ["key with dots"]: a JSON string up to the matching quote
        let j = i + 2;
        while (j < n && path[j] !== '"') j += path[j] === "\\" ? 2 : 1;
        try {
          out.push(JSON.parse(path.slice(i + 1, j + 1)) as string);
        } catch {
          out.push(path.slice(i + 2, j));
        }
        i = path.indexOf("]", j) + 1 || n;
        continue;
      }
      const inner = path.slice(i + 1, close === -1 ? n : close);
      out.push(/^\d+$/.test(inner) ? Number(inner) : inner);
      i = close === -1 ? n : close + 1;
      continue;
    }
    let j = i;
    while (j < n && path[j] !== "." && path[j] !== "[") j++;
    const word = path.slice(i, j);
    // The REST wrapper's own paths are dotted with bare indexes: `body.architectures.1.model`.
    out.push(/^\d+$/.test(word) ? Number(word) : word);
    i = j;
  }
  return out;
}

/** True when `prefix` is `path` or one of its ancestors. */
export function isPrefix(prefix: readonly PathSegment[], path: readonly PathSegment[]): boolean {
  return prefix.length <= path.length && prefix.every((s, k) => path[k] === s);
}

/** A stable key of a path (for maps of local errors). */
export function pathKey(path: readonly PathSegment[]): string {
  return JSON.stringify(path);
}
