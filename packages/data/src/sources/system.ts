import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { type Corpus, makeCorpus } from "../corpus";
import { DatasetError } from "../errors";
import { concatFiles, listFiles } from "./files";
import { globToRegExp } from "./glob";

/**
 * Best-effort corpora made from documentation the operating system may have installed. They are
 * offline but machine-dependent: two machines with different package versions get different
 * bytes (Corpus.sha256 tells). Debian gzips documentation; ".gz" files are decompressed.
 */
export interface SystemCorpus {
  description: string;
  /** Directories to look in, first existing ones win; all of them are used. */
  roots: () => string[];
  /** Which files under a root to take. */
  pattern: string;
  /** How to install it, for the error message. */
  install: string;
}

function linuxDocRoots(): string[] {
  const base = "/usr/share/doc";
  if (!existsSync(base)) return [];
  return readdirSync(base)
    .filter((d) => d.startsWith("linux-doc"))
    .sort()
    .map((d) => join(base, d));
}

export const SYSTEM_CORPORA = {
  "linux-doc": {
    description: "Linux kernel documentation (reStructuredText and text) from the linux-doc package, GPL-2.0",
    roots: linuxDocRoots,
    pattern: "**/*.{rst,txt,rst.gz,txt.gz}",
    install: "Install it with `sudo apt-get install linux-doc`, or use another dataset",
  },
  licenses: {
    description: "the licence texts in /usr/share/common-licenses (GPL, Apache, MPL, ...), a few hundred KB",
    roots: () => ["/usr/share/common-licenses"].filter((d) => existsSync(/*turbopackIgnore: true*/ d)),
    pattern: "**",
    install: "It comes with Debian/Ubuntu's base-files package; on other systems use another dataset",
  },
} satisfies Record<string, SystemCorpus>;

export type SystemCorpusName = keyof typeof SYSTEM_CORPORA;

export function systemCorpusAvailable(name: SystemCorpusName): boolean {
  return SYSTEM_CORPORA[name].roots().length > 0;
}

export async function loadSystemCorpus(name: SystemCorpusName): Promise<Corpus> {
  const spec = SYSTEM_CORPORA[name];
  const roots = spec.roots();
  if (roots.length === 0)
    throw new DatasetError(name, "is not installed on this machine", `${spec.install}.`);
  const matcher = globToRegExp(spec.pattern);
  const paths: string[] = [];
  for (const root of roots) {
    for (const file of await listFiles(root)) if (matcher.test(file)) paths.push(join(root, file));
  }
  const { bytes, files } = await concatFiles(paths, { gunzip: true });
  return makeCorpus(name, `${spec.description}; ${files} files`, bytes, files, `${spec.install}.`);
}
