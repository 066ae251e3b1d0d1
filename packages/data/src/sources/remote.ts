import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "../atomic";
import { DatasetError } from "../errors";
import { readZipEntry, ZipFormatError } from "./zip";

/** A corpus published as a single-entry zip file on the web. */
export interface RemoteSource {
  /** Where the zip is downloaded from. */
  url: string;
  /** Name of the entry inside the zip; also the cached file's name. */
  entry: string;
  /** Size of the zip in bytes as published, checked before unzipping. */
  zipBytes?: number;
  /**
   * SHA-256 (hex) of the zip. Undefined means "trust on first use": the hash of the first download
   * that passes the size checks is recorded in source.json next to the cache, and later downloads
   * must match it.
   */
  zipSha256?: string;
  /** Size of the unzipped entry in bytes. */
  bytes: number;
}

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, "a SHA-256 is 64 lowercase hex digits");
const byteCount = z.number().int().positive();

/** Fields of a RemoteSource a caller may override (tests, mirrors with their own archives). */
export const remoteOverrideSchema = z
  .object({ url: z.url(), zipSha256: sha256Hex, zipBytes: byteCount, bytes: byteCount })
  .partial()
  .strict();
export type RemoteOverride = z.infer<typeof remoteOverrideSchema>;

/** What is written to `<cache>/<dataset>/source.json` after a verified download. */
const sourceRecordSchema = z.object({
  url: z.string(),
  entry: z.string(),
  zipBytes: byteCount,
  zipSha256: sha256Hex,
  /** true when zipSha256 was checked against a published value, false when it was recorded here first. */
  pinned: z.boolean(),
  bytes: byteCount,
  sha256: sha256Hex,
  downloadedAt: z.string(),
});
type SourceRecord = z.infer<typeof sourceRecordSchema>;

export interface RemoteLoadContext {
  /** Dataset name, used in messages and as the cache sub-directory. */
  name: string;
  /** The datasets cache directory (…/datasets). */
  cacheDir: string;
  /** Where progress and checksum notices go. */
  log: (message: string) => void;
  /** Name of the environment variable that overrides the URL, for the error message. */
  urlEnvVar: string;
}

export function remotePaths(cacheDir: string, name: string, entry: string) {
  const dir = join(cacheDir, name);
  return {
    dir,
    data: join(dir, entry),
    record: join(dir, "source.json"),
    /** Where a user may put a zip they downloaded by hand; it is used instead of the network. */
    manualZip: join(dir, `${name}.zip`),
  };
}

function hashHex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

async function fileSize(path: string): Promise<number | undefined> {
  return (await stat(path).catch(() => undefined))?.size;
}

async function readRecord(path: string): Promise<SourceRecord | undefined> {
  const text = await readFile(path, "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  const parsed = sourceRecordSchema.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : undefined;
}

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${cause.code}${cause.message ? `: ${cause.message}` : ""}`;
  return (error as Error).message;
}

async function download(ctx: RemoteLoadContext, source: RemoteSource, manualZip: string): Promise<Buffer> {
  const fix =
    `Download ${source.url} yourself and save it as ${manualZip}, then run again ` +
    `(it is verified and unzipped from there); or set ${ctx.urlEnvVar} to a mirror; ` +
    `or use the offline dataset "brown"`;
  ctx.log(`downloading dataset ${ctx.name} from ${source.url} ...`);
  let response: Response;
  try {
    response = await fetch(source.url);
  } catch (error) {
    throw new DatasetError(
      ctx.name,
      `could not download ${source.url} (${describeFetchError(error)})`,
      `${fix}.`,
      {
        cause: error,
      },
    );
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new DatasetError(
      ctx.name,
      `downloading ${source.url} failed with HTTP ${response.status} ${response.statusText}`,
      `${fix}.`,
    );
  }
  try {
    return Buffer.from(await response.arrayBuffer());
  } catch (error) {
    throw new DatasetError(
      ctx.name,
      `the download of ${source.url} broke off (${describeFetchError(error)})`,
      `${fix}.`,
      {
        cause: error,
      },
    );
  }
}

/**
 * The bytes of a remote corpus: from the cache when present and the right size; otherwise from a
 * hand-downloaded zip in the cache directory or from the network, verified (size, SHA-256, the
 * zip's CRC-32, unzipped size) before anything is written. Nothing is cached on any failure.
 */
export async function loadRemoteBytes(ctx: RemoteLoadContext, source: RemoteSource): Promise<Uint8Array> {
  const paths = remotePaths(ctx.cacheDir, ctx.name, source.entry);
  const cachedSize = await fileSize(paths.data);
  if (cachedSize === source.bytes) return readFile(paths.data);
  if (cachedSize !== undefined) {
    ctx.log(`cached ${paths.data} has ${cachedSize} bytes, expected ${source.bytes}; fetching it again`);
  }

  const record = await readRecord(paths.record);
  const expectedSha = source.zipSha256 ?? record?.zipSha256;
  const fromManual = (await fileSize(paths.manualZip)) !== undefined;
  const origin = fromManual ? paths.manualZip : source.url;
  if (fromManual) ctx.log(`using ${paths.manualZip} for dataset ${ctx.name}`);
  const zip = fromManual
    ? await readFile(/*turbopackIgnore: true*/ paths.manualZip)
    : await download(ctx, source, paths.manualZip);

  const zipSha256 = hashHex(zip);
  const sizeOk = source.zipBytes === undefined || zip.length === source.zipBytes;
  const shaOk = expectedSha === undefined || zipSha256 === expectedSha;
  if (!sizeOk || !shaOk) {
    const expected = [
      source.zipBytes !== undefined ? `${source.zipBytes} bytes` : undefined,
      expectedSha !== undefined ? `SHA-256 ${expectedSha}` : undefined,
    ].filter(Boolean);
    throw new DatasetError(
      ctx.name,
      `checksum mismatch for ${origin}: got ${zip.length} bytes with SHA-256 ${zipSha256}, expected ${expected.join(" with ")}; nothing was cached`,
      fromManual
        ? `Delete ${paths.manualZip} and download ${source.url} again.`
        : `Try again later (the download may be damaged or the server may serve another file), or download ${source.url} yourself to ${paths.manualZip}.`,
    );
  }

  let data: Buffer;
  try {
    data = readZipEntry(zip, source.entry);
  } catch (error) {
    if (!(error instanceof ZipFormatError)) throw error;
    throw new DatasetError(
      ctx.name,
      `${origin} is not a usable zip: ${error.message}; nothing was cached`,
      `Download ${source.url} again.`,
      {
        cause: error,
      },
    );
  }
  if (data.length !== source.bytes) {
    throw new DatasetError(
      ctx.name,
      `${source.entry} in ${origin} has ${data.length} bytes, expected ${source.bytes}; nothing was cached`,
      `Download ${source.url} again.`,
    );
  }

  const pinned = source.zipSha256 !== undefined;
  const newRecord: SourceRecord = {
    url: source.url,
    entry: source.entry,
    zipBytes: zip.length,
    zipSha256,
    pinned,
    bytes: data.length,
    sha256: hashHex(data),
    downloadedAt: new Date().toISOString(),
  };
  await writeFileAtomic(paths.record, `${JSON.stringify(newRecord, null, 2)}\n`);
  await writeFileAtomic(paths.data, data);
  if (pinned) ctx.log(`verified ${ctx.name} (zip SHA-256 ${zipSha256}); cached at ${paths.data}`);
  else if (expectedSha)
    ctx.log(
      `verified ${ctx.name} against the SHA-256 recorded at its first download; cached at ${paths.data}`,
    );
  else {
    ctx.log(
      `no published SHA-256 is pinned for ${source.url}: recorded this download's SHA-256 ${zipSha256} ` +
        `in ${paths.record}; later downloads must match it (compare it with a trusted copy if you need certainty). ` +
        `Cached at ${paths.data}`,
    );
  }
  return data;
}
