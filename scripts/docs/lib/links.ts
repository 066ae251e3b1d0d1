import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { slug } from "./markdown";
import { REPO_ROOT } from "./paths";
import { proseOnly } from "./snippets";

export interface LinkProblem {
  file: string;
  line: number;
  message: string;
}

const anchorCache = new Map<string, Set<string>>();

/** The anchors a Markdown file offers: GitHub's heading slugs (repeats get -1, -2, ...) and explicit ids. */
export function anchorsOf(path: string): Set<string> {
  const cached = anchorCache.get(path);
  if (cached) return cached;
  const text = headingText(path);
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of text.split("\n")) {
    const heading = line.match(/^#{1,6}\s+(.*?)\s*#*\s*$/);
    if (heading) {
      const base = slug(heading[1]!);
      const n = seen.get(base) ?? 0;
      anchors.add(n ? `${base}-${n}` : base);
      seen.set(base, n + 1);
    }
    for (const m of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(m[1]!);
  }
  anchorCache.set(path, anchors);
  return anchors;
}

/** Heading lines of a file with their inline code kept (slugs include code text). */
function headingText(path: string): string {
  const raw = readFileSync(join(REPO_ROOT, path), "utf8").split("\n");
  const prose = proseOnly(raw.join("\n")).split("\n");
  return raw.map((line, i) => (/^#{1,6}\s/.test(prose[i] ?? "") ? line : prose[i])).join("\n");
}

/**
 * Relative links and #anchors of a Markdown file that do not resolve: the target file or folder must
 * exist in the repository, and an anchor must be a heading (or an explicit id) of the target page.
 */
export function checkLinks(file: string): LinkProblem[] {
  anchorCache.delete(file);
  const problems: LinkProblem[] = [];
  const text = proseOnly(readFileSync(join(REPO_ROOT, file), "utf8"));
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    for (const m of line.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      const target = m[1]!;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
      const [pathPart, anchor] = target.split("#", 2) as [string, string | undefined];
      const resolved = pathPart ? normalize(join(dirname(file), decodeURIComponent(pathPart))) : file;
      if (resolved.startsWith("..")) {
        problems.push({ file, line: i + 1, message: `link ${target} leaves the repository` });
        continue;
      }
      if (!existsSync(join(REPO_ROOT, resolved))) {
        problems.push({ file, line: i + 1, message: `link ${target}: ${resolved} does not exist` });
        continue;
      }
      if (anchor === undefined || anchor === "") continue;
      if (!resolved.endsWith(".md") || statSync(join(REPO_ROOT, resolved)).isDirectory()) {
        problems.push({ file, line: i + 1, message: `link ${target}: an #anchor needs a Markdown page` });
        continue;
      }
      if (!anchorsOf(resolved).has(anchor))
        problems.push({
          file,
          line: i + 1,
          message: `link ${target}: ${relative(".", resolved)} has no heading with the anchor #${anchor}`,
        });
    }
  });
  return problems;
}
