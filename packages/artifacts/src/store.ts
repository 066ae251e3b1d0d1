/**
 * Where checkpoints and run artifacts live, behind one interface with two backends:
 *
 *   file:///shared/path      a folder (local disk, NFS, a mounted volume); default: the local BYTELAB_HOME
 *   s3://bucket/prefix       S3-compatible object storage (AWS S3, MinIO, ...)
 *
 * Keys are relative, slash-separated paths (`runs/<runId>/checkpoints/step-000000020-a2/meta.json`). Every put
 * is atomic per object (file: temp file + rename; S3: a PUT is visible whole or not at all), so a reader never
 * sees half an object; a set of objects (a checkpoint) becomes "committed" only when something names it (the
 * fenced artifacts row in Postgres, then the `latest` pointer object): see checkpoints.ts.
 */
export interface ArtifactStore {
  /** The store's URL as configured (file:///... or s3://bucket/prefix). */
  readonly url: string;
  /** "file" or "s3". */
  readonly kind: "file" | "s3";
  /** The URI of `key` (what artifacts rows record): file:///root/key or s3://bucket/prefix/key. */
  uri(key: string): string;
  /** The key of a URI of this store, or null when the URI is elsewhere. */
  keyOf(uri: string): string | null;
  /** Writes one object atomically (replacing an older one). */
  put(key: string, body: Uint8Array | string): Promise<void>;
  /** The object's bytes, or null when there is none. */
  get(key: string): Promise<Uint8Array | null>;
  /** Every object under `prefix` (a key prefix; end it with "/" for a folder), with its size. */
  list(prefix: string): Promise<StoredObject[]>;
  /** Deletes these objects (missing ones are fine). */
  delete(keys: readonly string[]): Promise<void>;
  /** Releases connections. */
  close(): Promise<void>;
}

export interface StoredObject {
  key: string;
  bytes: number;
}

/** A key is relative, slash-separated, without empty, "." or ".." segments (nothing escapes the store). */
export function assertKey(key: string): string {
  if (
    key.length === 0 ||
    key.length > 900 ||
    key.startsWith("/") ||
    key.includes("\\") ||
    key.includes("\0") ||
    key
      .split("/")
      .some((part, i, all) => part === "." || part === ".." || (part === "" && i < all.length - 1))
  )
    throw new Error(
      `invalid artifact key ${JSON.stringify(key)}: relative, slash-separated, no "." or ".." parts`,
    );
  return key;
}

/** The store could not be opened from its URL; the message says what to fix. */
export class ArtifactStoreConfigError extends Error {
  override readonly name = "ArtifactStoreConfigError";
}
