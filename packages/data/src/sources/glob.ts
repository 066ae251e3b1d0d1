/**
 * A small glob matcher for `dir:` datasets (node 20 has no fs.glob). Paths use "/".
 *   *       any characters except "/"
 *   ?       one character except "/"
 *   **      any number of whole path segments (including none) when it is a whole segment
 *   {a,b}   either alternative (no nesting)
 *   [abc]   one character from the class; [!abc] negates
 */
export const GLOB_CHARS = /[*?[{]/;

export function globToRegExp(pattern: string): RegExp {
  let out = "";
  let i = 0;
  let inBraces = false;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === "*" && pattern[i + 1] === "*") {
      const atSegmentStart = i === 0 || pattern[i - 1] === "/";
      const atSegmentEnd = i + 2 === pattern.length || pattern[i + 2] === "/";
      if (atSegmentStart && atSegmentEnd) {
        if (i + 2 === pattern.length) {
          out += ".*";
          i += 2;
        } else {
          out += "(?:[^/]*/)*"; // "**/" : zero or more whole segments
          i += 3;
        }
        continue;
      }
      out += "[^/]*";
      i += 2;
      continue;
    }
    if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else if (c === "{" && !inBraces) {
      inBraces = true;
      out += "(?:";
    } else if (c === "}" && inBraces) {
      inBraces = false;
      out += ")";
    } else if (c === "," && inBraces) out += "|";
    else if (c === "[") {
      const close = pattern.indexOf("]", i + 2);
      if (close === -1) out += "\\[";
      else {
        let body = pattern.slice(i + 1, close);
        if (body.startsWith("!")) body = `^${body.slice(1)}`;
        out += `[${body.replace(/\\/g, "\\\\")}]`;
        i = close;
      }
    } else out += c.replace(/[.+^$()|\\\]]/g, "\\$&");
    i += 1;
  }
  if (inBraces) throw new Error(`glob "${pattern}" has an unclosed "{"`);
  return new RegExp(`^${out}$`);
}

/**
 * Splits "src/**\/*.ts" into the directory to walk ("src") and the pattern relative to it
 * ("**\/*.ts"): the root is every leading path segment without glob characters.
 */
export function splitGlobRoot(spec: string): { root: string; pattern?: string } {
  const segments = spec.split("/");
  const firstGlob = segments.findIndex((s) => GLOB_CHARS.test(s));
  if (firstGlob === -1) return { root: spec };
  const root = segments.slice(0, firstGlob).join("/");
  return {
    root: root === "" ? (spec.startsWith("/") ? "/" : ".") : root,
    pattern: segments.slice(firstGlob).join("/"),
  };
}
