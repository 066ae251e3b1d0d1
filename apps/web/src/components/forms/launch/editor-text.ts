import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, YAMLParseError } from "yaml";
import { jsonErrorOffset } from "./json-error";
import { parseIssuePath } from "./spec-paths";

export type TextFormat = "yaml" | "json";

export interface TextPosition {
  line: number;
  col: number;
}

export type EditorRead =
  | { ok: true; value: unknown; locate: (path: string) => TextPosition | null }
  | { ok: false; error: { issue: string; fix: string; at: TextPosition | null } };

/** 1-based line and column of character `offset` in `text`. */
function positionOf(text: string, offset: number): TextPosition {
  const before = text.slice(0, Math.max(0, offset));
  const line = before.split("\n").length;
  return { line, col: offset - before.lastIndexOf("\n") };
}

/** Where JSON.parse stopped: V8 says "at position N" (and newer ones "line L column C"). */
function jsonErrorPosition(text: string, message: string): TextPosition | null {
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) return { line: Number(lc[1]), col: Number(lc[2]) };
  const pos = /position (\d+)/.exec(message);
  if (pos) return positionOf(text, Number(pos[1]));
  const offset = jsonErrorOffset(text);
  return offset === null ? null : positionOf(text, offset);
}

/**
 * Reads the editor's text as `bytelab sweep submit` does (YAML with unique keys, or strict JSON) and, when
 * it parses, gives the line and column of any spec path (`architectures[1].model.dim`), so every problem
 * can be listed with its place in the text. A path that does not exist in the text (a missing field)
 * points at its closest existing parent.
 */
export function readEditorText(text: string, format: TextFormat): EditorRead {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: true, lineCounter, prettyErrors: true });
  let value: unknown;
  if (format === "json") {
    try {
      value = JSON.parse(text);
    } catch (error) {
      const message = (error as Error).message;
      return {
        ok: false,
        error: {
          issue: `not valid JSON: ${message}`,
          fix: "fix the JSON syntax (or switch the editor to YAML)",
          at: jsonErrorPosition(text, message),
        },
      };
    }
  } else {
    const first = doc.errors[0];
    if (first) {
      const at =
        first instanceof YAMLParseError && first.linePos?.[0]
          ? { line: first.linePos[0].line, col: first.linePos[0].col }
          : null;
      return {
        ok: false,
        error: {
          issue: `not valid YAML: ${first.message.split("\n")[0]}`,
          fix: "fix the YAML syntax at the position shown",
          at,
        },
      };
    }
    value = doc.toJS();
  }
  const locate = (path: string): TextPosition | null => {
    const segments = parseIssuePath(path);
    let node: unknown = doc.contents;
    let found: Node | null = (doc.contents as Node | null) ?? null;
    for (const segment of segments) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) break;
        found = (pair.key as Node | null) ?? found;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === "number") {
        const item = node.items[segment];
        if (!item) break;
        found = item as Node;
        node = item;
      } else break;
    }
    const start = found?.range?.[0];
    if (start === undefined) return null;
    const pos = lineCounter.linePos(start);
    return { line: pos.line, col: pos.col };
  };
  return { ok: true, value, locate };
}
