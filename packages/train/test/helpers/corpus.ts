import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Writes a small deterministic English-like corpus (~40 KB) to a temp file and returns
 * `{ dir, dataset: "file:<path>" }`. Word choice is seeded so the text has learnable structure.
 */
export function tinyCorpus(bytes = 40_000): { dir: string; dataset: string } {
  const dir = mkdtempSync(join(tmpdir(), "bytelab-train-"));
  const words = [
    "the",
    "cat",
    "sat",
    "on",
    "a",
    "mat",
    "and",
    "dog",
    "ran",
    "to",
    "big",
    "red",
    "house",
    "of",
    "in",
  ];
  let s = 12345;
  const next = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s >>> 16;
  };
  const parts: string[] = [];
  let len = 0;
  while (len < bytes) {
    const n = 4 + (next() % 8);
    const sentence = Array.from({ length: n }, () => words[next() % words.length]).join(" ");
    const line = `${sentence[0]!.toUpperCase()}${sentence.slice(1)}.\n`;
    parts.push(line);
    len += line.length;
  }
  const path = join(dir, "corpus.txt");
  writeFileSync(path, parts.join("").slice(0, bytes));
  return { dir, dataset: `file:${path}` };
}
