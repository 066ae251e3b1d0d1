import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { ArtifactStoreConfigError, type ArtifactStore, assertKey, type StoredObject } from "./store";

// The SDK warns once per process that releases after January 2027 need Node 22; bytelab supports 20.19+ and
// pins the SDK in package-lock.json, so the warning is noise in every worker log.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

export interface S3StoreOptions {
  bucket: string;
  /** Key prefix inside the bucket ("" or "a/b", no leading or trailing slash). */
  prefix: string;
  /** Endpoint of an S3-compatible server (MinIO: http://minio:9000); default AWS. */
  endpoint?: string;
  region?: string;
  /** Path-style addressing (http://host/bucket/key): MinIO and most S3-compatible servers need it. */
  forcePathStyle?: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/**
 * S3-compatible object storage as the artifact store. Each PUT is atomic (an object is visible whole or not
 * at all); keys live under `prefix` in `bucket`. Configuration: s3://bucket/prefix plus the endpoint, region
 * and credentials (see open.ts: URL query or the usual AWS_* variables).
 */
export class S3ArtifactStore implements ArtifactStore {
  readonly kind = "s3" as const;
  readonly url: string;
  private readonly client: S3Client;

  constructor(private readonly o: S3StoreOptions) {
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(o.bucket))
      throw new ArtifactStoreConfigError(
        `"${o.bucket}" is not a valid S3 bucket name (3-63 lowercase letters, digits, dots and hyphens)`,
      );
    this.url = `s3://${o.bucket}${o.prefix ? `/${o.prefix}` : ""}`;
    const config: S3ClientConfig = {
      region: o.region ?? "us-east-1",
      forcePathStyle: o.forcePathStyle ?? Boolean(o.endpoint),
      // Our own retries decide (the worker retries commits); keep the SDK's few quick ones.
      maxAttempts: 3,
      ...(o.endpoint ? { endpoint: o.endpoint } : {}),
      ...(o.credentials ? { credentials: o.credentials } : {}),
    };
    this.client = new S3Client(config);
  }

  private objectKey(key: string): string {
    assertKey(key);
    return this.o.prefix ? `${this.o.prefix}/${key}` : key;
  }

  uri(key: string): string {
    return `s3://${this.o.bucket}/${this.objectKey(key)}`;
  }

  keyOf(uri: string): string | null {
    const head = `s3://${this.o.bucket}/${this.o.prefix ? `${this.o.prefix}/` : ""}`;
    if (!uri.startsWith(head)) return null;
    const key = uri.slice(head.length);
    try {
      return assertKey(key.endsWith("/") ? key.slice(0, -1) : key);
    } catch {
      return null;
    }
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.o.bucket,
        Key: this.objectKey(key),
        Body: typeof body === "string" ? Buffer.from(body, "utf8") : body,
      }),
    );
  }

  async get(key: string): Promise<Uint8Array | null> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.o.bucket, Key: this.objectKey(key) }),
      );
      return out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
    } catch (error) {
      const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (e.name === "NoSuchKey" || e.$metadata?.httpStatusCode === 404) return null;
      throw error;
    }
  }

  async list(prefix: string): Promise<StoredObject[]> {
    const full = this.o.prefix ? `${this.o.prefix}/${prefix}` : prefix;
    const strip = this.o.prefix ? this.o.prefix.length + 1 : 0;
    const out: StoredObject[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.o.bucket, Prefix: full, ContinuationToken: token }),
      );
      for (const c of page.Contents ?? [])
        if (c.Key) out.push({ key: c.Key.slice(strip), bytes: Number(c.Size ?? 0) });
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      const out = await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.o.bucket,
          Delete: { Objects: batch.map((k) => ({ Key: this.objectKey(k) })), Quiet: true },
        }),
      );
      const failed = (out.Errors ?? []).filter((e) => e.Code !== "NoSuchKey");
      if (failed.length)
        throw new Error(
          `could not delete ${failed.length} object(s) from ${this.url}: ${failed[0]?.Code} ${failed[0]?.Message}`,
        );
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
