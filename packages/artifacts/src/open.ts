import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { FileArtifactStore } from "./file-store";
import { S3ArtifactStore } from "./s3-store";
import { type ArtifactStore, ArtifactStoreConfigError } from "./store";

/**
 * Opens the store BYTELAB_ARTIFACTS names:
 *
 *   (unset)                       file store at `home` (the local BYTELAB_HOME): one machine, or a shared home
 *   file:///mnt/shared/bytelab    a folder every worker mounts at the same path (NFS, a shared volume)
 *   /mnt/shared/bytelab           the same, as a plain absolute path
 *   s3://bucket/prefix            S3-compatible storage. Endpoint, region and path style from the URL query
 *                                 (?endpoint=http://minio:9000&region=us-east-1&forcePathStyle=true) or from
 *                                 BYTELAB_S3_ENDPOINT / AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL and AWS_REGION;
 *                                 credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or the SDK's
 *                                 usual chain: profile, instance role, ...).
 */
export function openArtifactStore(
  url: string | undefined,
  opts: { home: string; env?: NodeJS.ProcessEnv },
): ArtifactStore {
  const env = opts.env ?? process.env;
  const value = url?.trim();
  if (!value) return new FileArtifactStore(opts.home);
  if (value.startsWith("file:")) {
    let path: string;
    try {
      path = fileURLToPath(value);
    } catch (error) {
      throw new ArtifactStoreConfigError(
        `BYTELAB_ARTIFACTS=${value} is not a valid file URL (${(error as Error).message}); write file:///absolute/path`,
      );
    }
    return new FileArtifactStore(path);
  }
  if (isAbsolute(value)) return new FileArtifactStore(resolve(value));
  if (value.startsWith("s3://")) {
    const u = new URL(value);
    const bucket = u.hostname;
    const prefix = decodeURIComponent(u.pathname).replace(/^\/+|\/+$/g, "");
    const q = u.searchParams;
    const endpoint =
      q.get("endpoint") ??
      env.BYTELAB_S3_ENDPOINT ??
      env.AWS_ENDPOINT_URL_S3 ??
      env.AWS_ENDPOINT_URL ??
      undefined;
    const region = q.get("region") ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1";
    const pathStyle = q.get("forcePathStyle");
    const accessKeyId = env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
    return new S3ArtifactStore({
      bucket,
      prefix,
      region,
      ...(endpoint ? { endpoint } : {}),
      ...(pathStyle !== null ? { forcePathStyle: pathStyle !== "false" } : {}),
      ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey } } : {}),
    });
  }
  throw new ArtifactStoreConfigError(
    `BYTELAB_ARTIFACTS=${value} is not a store URL: use file:///shared/path (a folder every worker mounts) or s3://bucket/prefix`,
  );
}
