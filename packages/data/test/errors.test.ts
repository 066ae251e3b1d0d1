import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DatasetError, datasetNameSchema, listDatasets, loadCorpus, openDataset } from "../src/index";

let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "bytelab-data-errors-"));
  writeFileSync(join(root, "empty.txt"), "");
  writeFileSync(join(root, "short.txt"), "x".repeat(500));
  mkdirSync(join(root, "emptydir"));
  mkdirSync(join(root, "onlyempty"));
  writeFileSync(join(root, "onlyempty", "a.txt"), "");
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

async function failure(promise: Promise<unknown>): Promise<DatasetError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DatasetError);
  return error as DatasetError;
}

describe("bad input gives errors that name the dataset and the fix", () => {
  it("unknown name: lists the known datasets and the file:/dir: syntax", async () => {
    const error = await failure(loadCorpus("wikitext"));
    expect(error.dataset).toBe("wikitext");
    expect(error.message).toMatch(
      /^dataset "wikitext": is not a known dataset\. Known datasets: brown, code, enwik8, text8/,
    );
    expect(error.message).toContain('"file:<path>"');
    expect(error.message).toContain("dir:src/**/*.ts");
    for (const d of listDatasets()) expect(error.message).toContain(d.name);
  });

  it("datasetNameSchema validates names inside other zod schemas", () => {
    expect(datasetNameSchema.safeParse("brown").success).toBe(true);
    expect(datasetNameSchema.safeParse("file:x.txt").success).toBe(true);
    const bad = datasetNameSchema.safeParse("nope");
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toContain("Known datasets");
    expect(datasetNameSchema.safeParse("").success).toBe(false);
    expect(datasetNameSchema.safeParse("file:").success).toBe(false);
  });

  it("missing file or directory", async () => {
    const missing = join(root, "nope.txt");
    const fileError = await failure(loadCorpus(`file:${missing}`));
    expect(fileError.message).toContain(`dataset "file:${missing}"`);
    expect(fileError.message).toContain("does not exist");
    const dirError = await failure(loadCorpus(`dir:${join(root, "nodir")}/**/*.ts`));
    expect(dirError.message).toMatch(/directory .*nodir does not exist/);
  });

  it("file: on a directory and dir: on a file point at the other syntax", async () => {
    expect((await failure(loadCorpus(`file:${root}`))).message).toContain(`Use "dir:${root}"`);
    expect((await failure(loadCorpus(`dir:${join(root, "short.txt")}`))).message).toContain("file:");
  });

  it("empty corpus: empty file, empty directory, only empty files, glob matching nothing", async () => {
    expect((await failure(loadCorpus(`file:${join(root, "empty.txt")}`))).message).toContain(
      "the corpus is empty",
    );
    expect((await failure(loadCorpus(`dir:${join(root, "emptydir")}`))).message).toContain("no files under");
    expect((await failure(loadCorpus(`dir:${join(root, "onlyempty")}`))).message).toContain(
      "the corpus is empty",
    );
    expect((await failure(loadCorpus(`dir:${root}/*.rs`))).message).toContain('match "*.rs"');
    expect((await failure(loadCorpus(`dir:${root}/*.{ts`))).message).toContain('has an unclosed "{"');
  });

  it("corpus too short for one sequence in a split: names the split and the largest seqLen that fits", async () => {
    const name = `file:${join(root, "short.txt")}`; // 500 bytes: validation and test get 25 each
    const error = await failure(openDataset(name, { seqLen: 64 }));
    expect(error.message).toContain(`dataset "${name}": the validation split`);
    expect(error.message).toContain("seqLen + 1 = 65");
    expect(error.message).toContain("at most 24");
    const ok = await openDataset(name, { seqLen: 24 });
    expect(ok.splits.test.bytes.length).toBe(25);
  });

  it("invalid options are reported by field", async () => {
    expect((await failure(openDataset("brown", { seqLen: 0 }))).message).toContain(
      "seqLen must be a positive integer",
    );
    expect((await failure(loadCorpus("enwik8", { remote: { url: "not a url" } }))).message).toMatch(
      /invalid load options \(remote\.url/,
    );
    const fractions = { train: 0.5, validation: 0.1, test: 0.1 };
    expect((await failure(openDataset("brown", { seqLen: 8, fractions }))).message).toContain("add up to 1");
  });

  const linuxDocInstalled = listDatasets().find((d) => d.name === "linux-doc")?.available === true;
  it.skipIf(linuxDocInstalled)("a system corpus that is not installed says how to install it", async () => {
    const error = await failure(loadCorpus("linux-doc"));
    expect(error.message).toContain("apt-get install linux-doc");
  });
});
