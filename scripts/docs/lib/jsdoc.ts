import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { REPO_ROOT } from "./paths";
import { rawDoc } from "./source";

/**
 * Doc comments of zod schema fields, read from the TypeScript sources (the schemas of @bytelab/train, the
 * models and the env schemas document their fields with `/** ... *\/` comments rather than `.meta()`).
 *
 * Every object literal in the given files is indexed with its keys and each key's doc comment. A zod object
 * at run time is matched to the literal that holds the key and shares the most keys with it (object
 * literals spread into others, `...commonSpecFields`, count with their own keys). A key without a comment
 * whose value is an identifier (`seeds: seedsSchema`) takes the doc comment of that identifier's
 * declaration.
 */
export interface DocIndex {
  /** The doc comment of `key` in the object literal that best matches `keys` (a zod object's shape). */
  describe(keys: readonly string[], key: string): string | undefined;
}

interface Literal {
  file: string;
  keys: Set<string>;
  docs: Map<string, string>;
}

/** A node's doc comment as one line per paragraph. */
function docText(node: ts.Node, text: string): string | undefined {
  const raw = rawDoc(node, text);
  return raw ? normaliseDoc(raw) || undefined : undefined;
}

/** Joins wrapped lines; keeps blank-line paragraph breaks and lines that start a list ("- ", "cosine: "). */
export function normaliseDoc(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((p) =>
      p
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean)
        .join(" ")
        .replace(/\s{2,}/g, " "),
    )
    .filter(Boolean)
    .join("\n\n");
}

function propertyName(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return undefined;
}

/** Builds the index over `files` (paths relative to the repository root). */
export function buildDocIndex(files: readonly string[]): DocIndex {
  const literals: Literal[] = [];
  const declarationDocs = new Map<string, string>();
  const spreads: Array<{ target: Literal; name: string }> = [];
  const namedLiterals = new Map<string, Literal>();

  for (const file of files) {
    const text = readFileSync(join(REPO_ROOT, file), "utf8");
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
    const visit = (node: ts.Node) => {
      if (ts.isVariableStatement(node)) {
        const doc = docText(node, text);
        for (const d of node.declarationList.declarations)
          if (ts.isIdentifier(d.name) && doc) declarationDocs.set(d.name.text, doc);
      }
      if (ts.isObjectLiteralExpression(node)) {
        const literal: Literal = { file, keys: new Set(), docs: new Map() };
        for (const p of node.properties) {
          if (ts.isSpreadAssignment(p) && ts.isIdentifier(p.expression)) {
            spreads.push({ target: literal, name: p.expression.text });
            continue;
          }
          if (!(ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p))) continue;
          const key = propertyName(p.name);
          if (key === undefined) continue;
          literal.keys.add(key);
          const doc = docText(p, text);
          if (doc) literal.docs.set(key, doc);
          else if (ts.isPropertyAssignment(p)) {
            // `seeds: seedsSchema` or `budget: budgetSchema.optional()`: the schema constant's own comment.
            let value: ts.Expression = p.initializer;
            while (ts.isCallExpression(value) && ts.isPropertyAccessExpression(value.expression))
              value = value.expression.expression;
            if (ts.isIdentifier(value)) literal.docs.set(key, `@ref:${value.text}`);
          }
        }
        if (literal.keys.size) literals.push(literal);
        const parent = node.parent;
        if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name))
          namedLiterals.set(parent.name.text, literal);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  for (const { target, name } of spreads) {
    const from = namedLiterals.get(name);
    if (!from) continue;
    for (const k of from.keys) target.keys.add(k);
    for (const [k, d] of from.docs) if (!target.docs.has(k)) target.docs.set(k, d);
  }
  const resolve = (doc: string | undefined): string | undefined => {
    if (doc?.startsWith("@ref:")) return declarationDocs.get(doc.slice(5));
    // "See DEFAULT_NO_DECAY_PATTERNS.": the comment of that constant.
    const see = doc?.match(/^See ([A-Za-z_]\w*)\.?$/)?.[1];
    return see && declarationDocs.has(see) ? declarationDocs.get(see) : doc;
  };

  return {
    describe(keys, key) {
      let best: Literal | undefined;
      let bestOverlap = -1;
      for (const l of literals) {
        if (!l.keys.has(key)) continue;
        let overlap = 0;
        for (const k of keys) if (l.keys.has(k)) overlap++;
        // Prefer the literal that matches the shape best, then the one that documents the key.
        const better =
          overlap > bestOverlap ||
          (overlap === bestOverlap && !resolve(best?.docs.get(key)) && !!resolve(l.docs.get(key)));
        if (better) {
          best = l;
          bestOverlap = overlap;
        }
      }
      return resolve(best?.docs.get(key));
    },
  };
}
