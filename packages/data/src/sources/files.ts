import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import { gunzipSync } from "node:zlib";
import { type Corpus, makeCorpus } from "../corpus";
import { DatasetError } from "../errors";
import { globToRegExp, splitGlobRoot } from "./glob";

/**
 * Bytes put between two files when a corpus concatenates several: "\n", ASCII FS (0x1C, the
 * "file separator" control character, absent from ordinary text), "\n". Never added after the
 * last file.
 */
export const FILE_SEPARATOR = Uint8Array.of(0x0a, 0x1c, 0x0a);

/** Directory names never descended into while walking (point the root at them to include them). */
function skipDirectory(name: string): boolean {
  return name === "node_modules" || name.startsWith(".");
}

/** Every regular file under `root` (recursive), as "/"-separated paths relative to root, sorted. */
export async function listFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  async function walk(dir: string): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      const full = join(dir, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const target = await stat(full).catch(() => undefined);
        isFile = target?.isFile() ?? false;
        isDir = false; // never follow directory links: no cycles
      }
      if (isDir && !skipDirectory(entry.name)) await walk(full);
      else if (isFile && !entry.name.startsWith(".")) found.push(relative(root, full).split(sep).join("/"));
    }
  }
  await walk(root);
  return found.sort();
}

/**
 * Concatenates files in the given order with FILE_SEPARATOR between them, skipping empty files.
 * With `gunzip`, files ending in ".gz" are decompressed first (Debian gzips its documentation).
 */
export async function concatFiles(
  paths: string[],
  options: { gunzip?: boolean } = {},
): Promise<{ bytes: Uint8Array; files: number }> {
  const parts: Uint8Array[] = [];
  let files = 0;
  for (const path of paths) {
    const raw = await readFile(path);
    const data = options.gunzip && path.endsWith(".gz") ? gunzipSync(raw) : raw;
    if (data.length === 0) continue;
    if (files > 0) parts.push(FILE_SEPARATOR);
    parts.push(data);
    files += 1;
  }
  return { bytes: Buffer.concat(parts), files };
}

/** `file:<path>`: the file's bytes, whatever they are. */
export async function loadFileCorpus(name: string, path: string): Promise<Corpus> {
  const full = resolve(path);
  const info = await stat(full).catch(() => undefined);
  if (!info) {
    throw new DatasetError(
      name,
      `file ${full} does not exist`,
      "Check the path (relative paths start at the current directory).",
    );
  }
  if (!info.isFile()) {
    throw new DatasetError(name, `${full} is not a regular file`, `Use "dir:${path}" to read a directory.`);
  }
  const bytes = await readFile(full);
  return makeCorpus(name, `the bytes of ${full}`, bytes, 1, "Point file: at a non-empty file.");
}

/**
 * `dir:<path>[/<glob>]`: every file under the directory (or those matching the glob, relative to
 * the directory), in sorted path order, joined by FILE_SEPARATOR. Below the root, directories named
 * node_modules and dot-files/dot-directories are skipped.
 */
export async function loadDirCorpus(name: string, spec: string): Promise<Corpus> {
  const { root, pattern } = splitGlobRoot(spec);
  const full = resolve(root);
  const info = await stat(full).catch(() => undefined);
  if (!info) {
    throw new DatasetError(
      name,
      `directory ${full} does not exist`,
      "Check the path (relative paths start at the current directory).",
    );
  }
  if (!info.isDirectory()) {
    throw new DatasetError(name, `${full} is not a directory`, `Use "file:${root}" to read a single file.`);
  }
  let matcher: RegExp | undefined;
  try {
    matcher = pattern === undefined ? undefined : globToRegExp(pattern);
  } catch (error) {
    throw new DatasetError(
      name,
      (error as Error).message,
      "Close every { in the glob, e.g. dir:src/**/*.{ts,tsx}.",
    );
  }
  const selected = (await listFiles(full)).filter((p) => matcher?.test(p) ?? true);
  if (selected.length === 0) {
    throw new DatasetError(
      name,
      `no files under ${full}${pattern ? ` match "${pattern}"` : ""}`,
      "Check the directory and glob (e.g. dir:src/**/*.ts); dot-files and node_modules are skipped.",
    );
  }
  const { bytes, files } = await concatFiles(selected.map((p) => join(full, p)));
  return makeCorpus(
    name,
    `${files} files under ${full}${pattern ? ` matching ${pattern}` : ""}, sorted by path, joined by "\\n\\x1c\\n"`,
    bytes,
    files,
    "All matching files are empty; point dir: at files with content.",
  );
}
