import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { REPO_ROOT } from "./paths";

/**
 * The doc comment (`/** ... *\/`) right before a node, raw: line breaks and indentation kept, the leading
 * ` * ` of each line removed. (TypeScript's JSDoc parser would take "@bytelab/data" in a sentence for a tag.)
 */
export function rawDoc(node: ts.Node, text: string): string | undefined {
  const ranges = ts.getLeadingCommentRanges(text, node.getFullStart()) ?? [];
  const last = ranges.filter((r) => text.startsWith("/**", r.pos)).at(-1);
  if (!last) return undefined;
  const body = text
    .slice(last.pos + 3, last.end - 2)
    .split("\n")
    .map((l) => l.replace(/^\s*\* ?/, "").trimEnd());
  while (body.length && !body[0]!.trim()) body.shift();
  while (body.length && !body.at(-1)!.trim()) body.pop();
  return body.length ? body.join("\n") : undefined;
}

/** The doc comment of the top-level function (or const) `name` in `file` (relative to the repository). */
export function leadingDoc(file: string, name: string): string | undefined {
  const text = readFileSync(join(REPO_ROOT, file), "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  for (const statement of source.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name?.text === name) return rawDoc(statement, text);
    if (
      ts.isVariableStatement(statement) &&
      statement.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === name)
    )
      return rawDoc(statement, text);
  }
  return undefined;
}
