import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalS3, startLocalS3 } from "../../../tests/helpers/s3-server";
import {
  type ArtifactStore,
  ArtifactStoreConfigError,
  CheckpointUnavailableError,
  checkpointFolder,
  downloadCheckpoint,
  FileArtifactStore,
  openArtifactStore,
  pruneRunObjects,
  S3ArtifactStore,
  uploadCheckpoint,
  writeLatestPointer,
} from "../src";

// The same contract for both backends: a folder (file://) and S3-compatible storage (a local s3rver).

let s3: LocalS3;
const dir = mkdtempSync(join(tmpdir(), "bytelab-artifacts-"));
beforeAll(async () => {
  s3 = await startLocalS3();
});
afterAll(async () => {
  await s3?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A fake local checkpoint folder (what saveCheckpoint writes). */
function localCheckpoint(step: number, seed: number): string {
  const d = join(dir, `local-${step}-${seed}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(d);
  writeFileSync(join(d, "weights.bin"), Buffer.alloc(1000, seed));
  writeFileSync(join(d, "optimizer.bin"), Buffer.alloc(2000, seed + 1));
  writeFileSync(join(d, "meta.json"), JSON.stringify({ step, seed }));
  return d;
}

const backends: [string, () => ArtifactStore][] = [
  [
    "file",
    () =>
      openArtifactStore(`file://${join(dir, `store-${Math.random().toString(36).slice(2)}`)}`, { home: dir }),
  ],
  [
    "s3",
    () =>
      openArtifactStore(s3.storeUrl(`p${Math.random().toString(36).slice(2)}/nested`), {
        home: dir,
        env: s3.env,
      }),
  ],
];

describe.each(backends)("%s store", (kind, open) => {
  it("puts, gets, lists under a prefix, deletes; missing objects are null", async () => {
    const store = open();
    expect(store.kind).toBe(kind);
    await store.put("runs/r1/a.txt", "hello");
    await store.put("runs/r1/sub/b.bin", new Uint8Array([1, 2, 3]));
    await store.put("runs/r10/c.txt", "other run");
    await store.put("runs/r1/a.txt", "hello again"); // replaces
    expect(Buffer.from((await store.get("runs/r1/a.txt"))!).toString()).toBe("hello again");
    expect(await store.get("runs/r1/missing")).toBeNull();
    expect(await store.list("runs/r1/")).toEqual([
      { key: "runs/r1/a.txt", bytes: 11 },
      { key: "runs/r1/sub/b.bin", bytes: 3 },
    ]);
    await store.delete(["runs/r1/sub/b.bin", "runs/r1/never-was"]);
    expect((await store.list("runs/r1/")).map((o) => o.key)).toEqual(["runs/r1/a.txt"]);
    expect((await store.list("runs/")).map((o) => o.key)).toEqual(["runs/r1/a.txt", "runs/r10/c.txt"]);
    expect(store.keyOf(store.uri("runs/r1/a.txt"))).toBe("runs/r1/a.txt");
    expect(store.keyOf(kind === "file" ? "file:///elsewhere/x" : "s3://other-bucket/x")).toBeNull();
    await store.close();
  });

  it("refuses keys that could escape the store", async () => {
    const store = open();
    for (const bad of ["../x", "/abs", "a/../../b", "a//b", ""])
      await expect(store.put(bad, "x"), bad).rejects.toThrow(/invalid artifact key/);
    await store.close();
  });

  it("checkpoints: upload (meta.json last), download into a run folder, prune what no row keeps", async () => {
    const store = open();
    const up20 = await uploadCheckpoint(store, {
      runId: "run1",
      attempt: 1,
      step: 20,
      localDir: localCheckpoint(20, 1),
      extra: { "metrics.jsonl": '{"step":20}\n' },
    });
    expect(up20.prefix).toBe(`runs/run1/checkpoints/${checkpointFolder(20, 1)}/`);
    expect(up20.bytes).toBe(3000 + JSON.stringify({ step: 20, seed: 1 }).length);
    expect(up20.sha256).toBe(
      createHash("sha256")
        .update(JSON.stringify({ step: 20, seed: 1 }))
        .digest("hex"),
    );
    await writeLatestPointer(store, "run1", checkpointFolder(20, 1));
    // A second attempt's checkpoint at the same step lives in its own folder.
    const up20b = await uploadCheckpoint(store, {
      runId: "run1",
      attempt: 2,
      step: 20,
      localDir: localCheckpoint(20, 7),
    });
    expect(up20b.uri).not.toBe(up20.uri);

    const runDir = join(dir, `run-${kind}`);
    const got = await downloadCheckpoint(store, up20.uri, runDir, { sha256: up20.sha256, step: 20 });
    expect(got.step).toBe(20);
    expect(got.metrics).toBe('{"step":20}\n');
    expect(readFileSync(join(runDir, "checkpoints", "latest"), "utf8")).toBe("step-000000020\n");
    expect(readdirSync(got.dir).sort()).toEqual(["meta.json", "optimizer.bin", "weights.bin"]);
    expect(readFileSync(join(got.dir, "weights.bin"))).toEqual(Buffer.alloc(1000, 1));
    await expect(
      downloadCheckpoint(store, up20.uri, runDir, { sha256: up20b.sha256 }),
    ).rejects.toBeInstanceOf(CheckpointUnavailableError);

    // Keep attempt 2's folder only: attempt 1's goes, the pointer stays.
    const gone = await pruneRunObjects(store, "run1", [up20b.prefix]);
    expect(gone.sort()).toEqual(
      ["meta.json", "metrics.jsonl", "optimizer.bin", "weights.bin"].map((f) => `${up20.prefix}${f}`),
    );
    expect((await store.list("runs/run1/")).map((o) => o.key)).toEqual([
      "runs/run1/checkpoints/latest",
      ...["meta.json", "optimizer.bin", "weights.bin"].map((f) => `${up20b.prefix}${f}`),
    ]);
    await expect(downloadCheckpoint(store, up20.uri, runDir)).rejects.toThrow(/no meta.json/);
    await store.close();
  });
});

describe("openArtifactStore", () => {
  it("defaults to a file store at BYTELAB_HOME; accepts file URLs, absolute paths and s3 URLs", () => {
    const home = openArtifactStore(undefined, { home: "/srv/bytelab" });
    expect(home).toBeInstanceOf(FileArtifactStore);
    expect(home.url).toBe("file:///srv/bytelab");
    expect(home.uri("runs/a/b")).toBe("file:///srv/bytelab/runs/a/b");
    expect(openArtifactStore("file:///mnt/shared", { home: "/x" }).url).toBe("file:///mnt/shared");
    expect(openArtifactStore("/mnt/shared", { home: "/x" }).url).toBe("file:///mnt/shared");
    const s = openArtifactStore("s3://my-bucket/some/prefix/?region=eu-west-1", { home: "/x", env: {} });
    expect(s).toBeInstanceOf(S3ArtifactStore);
    expect(s.url).toBe("s3://my-bucket/some/prefix");
    expect(s.uri("runs/a")).toBe("s3://my-bucket/some/prefix/runs/a");
    expect(s.keyOf("s3://my-bucket/some/prefix/runs/a")).toBe("runs/a");
    expect(s.keyOf("s3://my-bucket/other/runs/a")).toBeNull();
  });

  it("says what to write for a URL it cannot use", () => {
    expect(() => openArtifactStore("ftp://x/y", { home: "/x" })).toThrow(ArtifactStoreConfigError);
    expect(() => openArtifactStore("relative/path", { home: "/x" })).toThrow(
      /file:\/\/\/shared\/path .* s3:\/\/bucket\/prefix/,
    );
    expect(() => openArtifactStore("s3://Bad_Bucket/x", { home: "/x", env: {} })).toThrow(
      /not a valid S3 bucket name/,
    );
  });
});
