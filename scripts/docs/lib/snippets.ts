/** A fenced code block of a Markdown page. */
export interface Block {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  /** Words after the language on the fence line: ```yaml spec  ->  ["spec"]. */
  flags: string[];
  text: string;
}

/**
 * Fenced blocks (``` or ~~~, any length) of a Markdown text. Markers used by the docs:
 *   ```yaml spec / ```json spec     a spec: must pass `bytelab sweep submit --dry-run`'s validation
 *   ```yaml spec invalid            must be refused by that validation (an example of an error)
 *   ```sh runnable                  a shell example that must exit 0 when run from the repository root
 *   ```sh runnable exit=2           ... that must exit 2
 */
export function fencedBlocks(file: string, text: string): Block[] {
  const lines = text.split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = lines[i]!.match(/^(\s*)(`{3,}|~{3,})\s*([\w+-]*)\s*(.*)$/);
    if (!open) continue;
    const [, indent, fence, lang, rest] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const line = lines[j]!;
      if (line.trim().startsWith(fence!) && line.trim().replace(/[`~]/g, "") === "") break;
      body.push(indent ? line.replace(new RegExp(`^ {0,${indent.length}}`), "") : line);
    }
    blocks.push({
      file,
      line: i + 1,
      lang: lang ?? "",
      flags: (rest ?? "").split(/\s+/).filter(Boolean),
      text: body.join("\n"),
    });
    i = j;
  }
  return blocks;
}

/** The text with fenced blocks and inline code blanked out (same line numbers): where links are looked for. */
export function proseOnly(text: string): string {
  const lines = text.split("\n");
  let fence: string | null = null;
  return lines
    .map((line) => {
      const m = line.trim().match(/^(`{3,}|~{3,})/);
      if (fence) {
        if (m && line.trim().replace(/[`~]/g, "") === "" && line.trim().startsWith(fence)) fence = null;
        return "";
      }
      if (m) {
        fence = m[1]!;
        return "";
      }
      return line.replace(/(`+)[^`]*?\1/g, (s) => " ".repeat(s.length));
    })
    .join("\n");
}
