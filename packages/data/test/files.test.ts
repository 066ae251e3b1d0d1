import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FILE_SEPARATOR, loadCorpus } from "../src/index";
import { globToRegExp, splitGlobRoot } from "../src/sources/glob";

const sep = Buffer.from(FILE_SEPARATOR).toString("latin1");
let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "bytelab-data-files-"));
  const files: Record<string, string> = {
    "b.ts": "B",
    "a.ts": "A",
    "sub/c.ts": "C",
    "sub/d.md": "D",
    "sub/deeper/e.ts": "E",
    "empty.ts": "",
    "node_modules/x.ts": "X",
    ".hidden/y.ts": "Y",
    ".dotfile": "Z",
  };
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  writeFileSync(join(root, "bin.dat"), Buffer.from([0, 255, 128, 10]));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString("latin1");

describe("glob", () => {
  it("matches *, ?, **, {a,b} and [..] the usual way", () => {
    const cases: Array<[string, string, boolean]> = [
      ["*.ts", "a.ts", true],
      ["*.ts", "sub/c.ts", false],
      ["**/*.ts", "a.ts", true],
      ["**/*.ts", "sub/deeper/e.ts", true],
      ["sub/**", "sub/deeper/e.ts", true],
      ["sub/**/e.ts", "sub/e.ts", true],
      ["?.ts", "ab.ts", false],
      ["*.{ts,md}", "d.md", true],
      ["[ab].ts", "b.ts", true],
      ["[!ab].ts", "b.ts", false],
      ["a.ts", "aXts", false],
    ];
    for (const [pattern, path, expected] of cases)
      expect([pattern, path, globToRegExp(pattern).test(path)]).toEqual([pattern, path, expected]);
  });

  it("splits a dir: spec into the directory to walk and the pattern", () => {
    expect(splitGlobRoot("src/**/*.ts")).toEqual({ root: "src", pattern: "**/*.ts" });
    expect(splitGlobRoot("src")).toEqual({ root: "src" });
    expect(splitGlobRoot("*.md")).toEqual({ root: ".", pattern: "*.md" });
  });
});

describe("file: and dir:", () => {
  it("file: gives a file's exact bytes", async () => {
    const corpus = await loadCorpus(`file:${join(root, "bin.dat")}`);
    expect(Array.from(corpus.bytes)).toEqual([0, 255, 128, 10]);
    expect(corpus.files).toBe(1);
  });

  it("dir: joins all files in sorted path order with the separator, skipping empty, dot and node_modules", async () => {
    const corpus = await loadCorpus(`dir:${root}`);
    expect(text(corpus.bytes)).toBe(["A", "B", `\u0000\u00ff\u0080\n`, "C", "D", "E"].join(sep));
    expect(corpus.files).toBe(6);
  });

  it("dir: with a glob takes only the matching files", async () => {
    expect(text((await loadCorpus(`dir:${root}/**/*.ts`)).bytes)).toBe(["A", "B", "C", "E"].join(sep));
    expect(text((await loadCorpus(`dir:${root}/*.ts`)).bytes)).toBe(["A", "B"].join(sep));
    expect(text((await loadCorpus(`dir:${root}/sub/*.{md,ts}`)).bytes)).toBe(["C", "D"].join(sep));
  });

  it("the code corpus is TypeScript from the compiler's lib and this repo, the same on every load", async () => {
    const a = await loadCorpus("code");
    const b = await loadCorpus("code");
    expect(b.sha256).toBe(a.sha256);
    expect(a.files).toBeGreaterThan(50);
    const source = text(a.bytes);
    expect(source).toContain("interface Array<T>"); // lib.es5.d.ts
    expect(source).toContain("export class BatchSampler"); // this package
    expect(source.split(sep).length).toBe(a.files);
  });
});
