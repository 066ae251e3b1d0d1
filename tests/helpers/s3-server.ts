import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";

export interface LocalS3 {
  /** BYTELAB_ARTIFACTS for a store under `prefix` in the test bucket (endpoint in the URL). */
  storeUrl(prefix: string): string;
  /** The variables a worker process needs besides BYTELAB_ARTIFACTS (credentials). */
  env: Record<string, string>;
  endpoint: string;
  bucket: string;
  stop(): Promise<void>;
}

/**
 * A local S3-compatible server (npm s3rver: the S3 REST API over a temp folder, no network needed) with one
 * bucket, for tests of the S3 artifact store. Any credentials are accepted.
 */
export async function startLocalS3(bucket = "bytelab-test"): Promise<LocalS3> {
  const dir = mkdtempSync(join(tmpdir(), "bytelab-s3-"));
  const server = new S3rver({
    port: 0,
    address: "127.0.0.1",
    directory: dir,
    silent: true,
    configureBuckets: [{ name: bucket }],
  });
  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  return {
    endpoint,
    bucket,
    storeUrl: (prefix) =>
      `s3://${bucket}/${prefix}?endpoint=${encodeURIComponent(endpoint)}&forcePathStyle=true`,
    env: { AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER", AWS_REGION: "us-east-1" },
    stop: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
