import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { type Corpus, makeCorpus } from "../corpus";
import { findProjectRoot } from "../env";
import { DatasetError } from "../errors";
import { concatFiles, listFiles } from "./files";
import { globToRegExp } from "./glob";

/**
 * `code`: TypeScript source, available offline wherever bytelab is installed:
 *   - the standard library declarations of the installed TypeScript compiler
 *     (node_modules/typescript/lib/*.d.ts, Apache-2.0, about 4 MB; fixed by package-lock.json),
 *   - this repository's own sources (packages/<name>/src and workers/<name>/src, *.ts), which change as the
 *     project does: record Corpus.sha256 with a run to know exactly which bytes it used.
 * Files are ordered by their path relative to the project root and joined by FILE_SEPARATOR.
 */
const REPO_SOURCES = globToRegExp("{packages,workers}/*/src/**/*.ts");

export async function loadCodeCorpus(name: string): Promise<Corpus> {
  const here = dirname(fileURLToPath(import.meta.url));
  const root = findProjectRoot(here) ?? join(here, "..", "..", "..", "..");
  const paths: string[] = [];

  try {
    const tsLib = join(dirname(createRequire(import.meta.url).resolve("typescript/package.json")), "lib");
    for (const file of await listFiles(tsLib)) {
      if (/^[^/]+\.d\.ts$/.test(file)) paths.push(join(tsLib, file));
    }
  } catch {
    // typescript not installed: the corpus is the repository sources alone
  }
  for (const top of ["packages", "workers"]) {
    const dir = join(/*turbopackIgnore: true*/ root, top);
    if (!existsSync(/*turbopackIgnore: true*/ dir)) continue;
    for (const file of await listFiles(dir)) {
      if (REPO_SOURCES.test(`${top}/${file}`)) paths.push(join(/*turbopackIgnore: true*/ dir, file));
    }
  }
  if (paths.length === 0) {
    throw new DatasetError(
      name,
      `no TypeScript sources found under ${root}`,
      "Run from a bytelab checkout with `npm install` done.",
    );
  }
  const ordered = paths.sort((a, b) => (relative(root, a) < relative(root, b) ? -1 : 1));
  const { bytes, files } = await concatFiles(ordered);
  return makeCorpus(
    name,
    `${files} TypeScript files (typescript/lib/*.d.ts and bytelab's own sources), sorted by path`,
    bytes,
    files,
    "The source files are all empty.",
  );
}
