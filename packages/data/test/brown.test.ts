import { describe, expect, it } from "vitest";
import { byteStats, loadCorpus } from "../src/index";
import { byteCounts } from "../src/stats";

describe("brown", () => {
  it("loads the Brown Corpus as ~6 MB of plain English text", async () => {
    const corpus = await loadCorpus("brown");
    expect(corpus.name).toBe("brown");
    expect(corpus.files).toBe(500);
    expect(corpus.bytes.length).toBeGreaterThan(5_500_000);
    expect(corpus.bytes.length).toBeLessThan(6_500_000);
    const text = new TextDecoder("utf-8", { fatal: true }).decode(corpus.bytes);
    expect(text.startsWith("The Fulton County Grand Jury said Friday an investigation of Atlanta's")).toBe(
      true,
    );
    // the POS tags are gone (booleans: a failing match on 6 MB would print all of it)
    for (const tagged of ["The/at", "the/at", "/nn ", "/vbd ", "/in ", "``"]) {
      expect([tagged, text.includes(tagged)]).toEqual([tagged, false]);
    }
    // English: space is the most common byte, then 'e'; 'the' is the most common word
    const counts = Array.from(byteCounts(corpus.bytes));
    const ranked = counts.map((c, b) => [b, c] as const).sort((x, y) => y[1] - x[1]);
    expect(ranked.slice(0, 2).map(([b]) => String.fromCharCode(b))).toEqual([" ", "e"]);
    const words = text.toLowerCase().match(/[a-z]+/g) ?? [];
    const wordCounts = new Map<string, number>();
    for (const w of words) wordCounts.set(w, (wordCounts.get(w) ?? 0) + 1);
    expect([...wordCounts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0]).toBe("the");
    expect(words.length).toBeGreaterThan(900_000); // the Brown Corpus has about a million words
  });

  it("is the same bytes on every load, with an unigram entropy typical of English", async () => {
    const a = await loadCorpus("brown");
    const b = await loadCorpus("brown");
    expect(b.sha256).toBe(a.sha256);
    expect(b.bytes === a.bytes).toBe(false); // callers get their own copy (not .toBe: it deep-diffs 6 MB)
    const bits = byteStats(a.bytes).unigramBitsPerByte;
    expect(bits).toBeGreaterThan(4.0);
    expect(bits).toBeLessThan(4.8);
  });
});
