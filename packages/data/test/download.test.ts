import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DatasetError, listDatasets, loadCorpus, Prng } from "../src/index";
import { writeZip } from "./zip-writer";

/** A local stand-in for mattmahoney.net: serves whatever `routes` holds, counts requests. */
const routes = new Map<string, Buffer>();
let requests: string[] = [];
let server: Server;
let base: string;
const homes: string[] = [];

function freshHome(): string {
  const home = mkdtempSync(join(tmpdir(), "bytelab-data-home-"));
  homes.push(home);
  return home;
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function sampleText(bytes: number, seed: number): Buffer {
  const words = ["the", "byte", "level", "model", "reads", "wikipedia", "and", "compresses", "it"];
  const prng = Prng.fromSeed(seed);
  const parts: string[] = [];
  let length = 0;
  while (length < bytes) {
    const w = words[prng.nextInt(words.length)]!;
    parts.push(w);
    length += w.length + 1;
  }
  return Buffer.from(parts.join(" ").slice(0, bytes));
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => d.name);
}

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? "");
    const body = routes.get(req.url ?? "");
    if (!body) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": "application/zip", "content-length": body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
  routes.clear();
  requests = [];
  delete process.env.BYTELAB_ENWIK8_URL;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

describe("downloaded datasets (enwik8, text8) against a local HTTP server", () => {
  const enwik8 = sampleText(200_000, 1);
  const enwik8Zip = writeZip([{ name: "enwik8", data: enwik8, method: 8 }]);
  const goodRemote = {
    zipSha256: sha256(enwik8Zip),
    zipBytes: enwik8Zip.length,
    bytes: enwik8.length,
  };

  it("verifies, unzips and caches on first use; the second load uses the cache without HTTP", async () => {
    const home = freshHome();
    routes.set("/dc/enwik8.zip", enwik8Zip);
    const log: string[] = [];
    const remote = { ...goodRemote, url: `${base}/dc/enwik8.zip` };
    const first = await loadCorpus("enwik8", { home, remote, log: (m) => log.push(m) });
    expect(Buffer.from(first.bytes).equals(enwik8)).toBe(true);
    expect(requests).toEqual(["/dc/enwik8.zip"]);
    const cached = join(home, "datasets", "enwik8", "enwik8");
    expect(readFileSync(cached).equals(enwik8)).toBe(true);
    const record = JSON.parse(readFileSync(join(home, "datasets", "enwik8", "source.json"), "utf8"));
    expect(record).toMatchObject({
      zipSha256: remote.zipSha256,
      pinned: true,
      bytes: enwik8.length,
      sha256: sha256(enwik8),
    });
    expect(log.join("\n")).toContain(`verified enwik8 (zip SHA-256 ${remote.zipSha256})`);
    expect(filesUnder(join(home, "datasets")).sort()).toEqual(["enwik8", "source.json"]); // no temp files left

    routes.clear(); // the server no longer has it: a second load must not need it
    const second = await loadCorpus("enwik8", { home, remote, log: (m) => log.push(m) });
    expect(second.sha256).toBe(first.sha256);
    expect(requests).toEqual(["/dc/enwik8.zip"]);
  });

  it("takes the URL from BYTELAB_ENWIK8_URL (a mirror) and a stored entry works too", async () => {
    const home = freshHome();
    const storedZip = writeZip([{ name: "enwik8", data: enwik8, method: 0 }]);
    routes.set("/mirror/enwik8.zip", storedZip);
    process.env.BYTELAB_ENWIK8_URL = `${base}/mirror/enwik8.zip`;
    const corpus = await loadCorpus("enwik8", {
      home,
      remote: { zipSha256: sha256(storedZip), zipBytes: storedZip.length, bytes: enwik8.length },
      log: () => {},
    });
    expect(Buffer.from(corpus.bytes).equals(enwik8)).toBe(true);
    expect(requests).toEqual(["/mirror/enwik8.zip"]);
  });

  it("checksum mismatch against the pinned enwik8 SHA-256: error naming dataset and URL, nothing cached", async () => {
    const home = freshHome();
    routes.set("/dc/enwik8.zip", enwik8Zip);
    const url = `${base}/dc/enwik8.zip`;
    const error = await loadCorpus("enwik8", { home, remote: { url }, log: () => {} }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DatasetError);
    const message = (error as Error).message;
    expect(message).toMatch(
      /^dataset "enwik8": checksum mismatch for http:\/\/127\.0\.0\.1:\d+\/dc\/enwik8\.zip/,
    );
    expect(message).toContain(
      "expected 36445475 bytes with SHA-256 547994d9980ebed1288380d652999f38a14fe291a6247c157c3d33d4932534bc",
    );
    expect(message).toContain("nothing was cached");
    expect(filesUnder(join(home, "datasets"))).toEqual([]);
  });

  it("a zip whose content fails its CRC is refused even when the checksum matches, nothing cached", async () => {
    const home = freshHome();
    const damaged = Buffer.from(enwik8Zip);
    damaged[40] = damaged[40]! ^ 0xff; // inside the deflated data
    routes.set("/dc/enwik8.zip", damaged);
    const remote = { ...goodRemote, url: `${base}/dc/enwik8.zip`, zipSha256: sha256(damaged) };
    const error = await loadCorpus("enwik8", { home, remote, log: () => {} }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /dataset "enwik8": .* is not a usable zip: .*nothing was cached/,
    );
    expect(filesUnder(join(home, "datasets"))).toEqual([]);
  });

  it("server down: a clear error naming the dataset, the URL, where to put a manual download, and brown", async () => {
    const home = freshHome();
    const down = createServer();
    await new Promise<void>((resolve) => down.listen(0, "127.0.0.1", resolve));
    const port = (down.address() as AddressInfo).port;
    await new Promise<void>((resolve) => down.close(() => resolve()));
    const url = `http://127.0.0.1:${port}/dc/enwik8.zip`;
    const error = await loadCorpus("enwik8", { home, remote: { url }, log: () => {} }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DatasetError);
    const message = (error as Error).message;
    expect(message).toContain(`dataset "enwik8": could not download ${url} (ECONNREFUSED`);
    expect(message).toContain(`save it as ${join(home, "datasets", "enwik8", "enwik8.zip")}`);
    expect(message).toContain("BYTELAB_ENWIK8_URL");
    expect(message).toContain('"brown"');
    expect(filesUnder(join(home, "datasets"))).toEqual([]);
  });

  it("HTTP errors are reported with their status", async () => {
    const home = freshHome();
    const url = `${base}/dc/missing.zip`;
    const error = await loadCorpus("text8", { home, remote: { url }, log: () => {} }).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toContain(`dataset "text8": downloading ${url} failed with HTTP 404`);
  });

  it("text8 (no pinned SHA-256): records the hash of the first download, tells the user, and enforces it later", async () => {
    const home = freshHome();
    const text8 = Buffer.from(
      sampleText(120_000, 2)
        .toString()
        .toLowerCase()
        .replace(/[^a-z ]/g, " "),
    );
    const zip = writeZip([{ name: "text8", data: text8, method: 8 }]);
    routes.set("/dc/text8.zip", zip);
    const remote = { url: `${base}/dc/text8.zip`, zipBytes: zip.length, bytes: text8.length };
    const log: string[] = [];
    const corpus = await loadCorpus("text8", { home, remote, log: (m) => log.push(m) });
    expect(Buffer.from(corpus.bytes).equals(text8)).toBe(true);
    const recordPath = join(home, "datasets", "text8", "source.json");
    expect(JSON.parse(readFileSync(recordPath, "utf8"))).toMatchObject({
      zipSha256: sha256(zip),
      pinned: false,
    });
    expect(log.join("\n")).toContain(`recorded this download's SHA-256 ${sha256(zip)} in ${recordPath}`);

    // The cache is lost and the server now serves a different archive of the same size.
    unlinkSync(join(home, "datasets", "text8", "text8"));
    const tampered = Buffer.from(zip);
    tampered[zip.length - 30] = tampered[zip.length - 30]! ^ 1; // inside the central directory
    routes.set("/dc/text8.zip", tampered);
    const error = await loadCorpus("text8", { home, remote, log: () => {} }).catch((e: unknown) => e);
    expect((error as Error).message).toContain(`dataset "text8": checksum mismatch`);
    expect(existsSync(join(home, "datasets", "text8", "text8"))).toBe(false);
  });

  it("listDatasets reports a download dataset as available once its cache holds the published size", () => {
    const home = freshHome();
    const available = () => listDatasets({ home }).find((d) => d.name === "text8")?.available;
    expect(available()).toBe(false);
    mkdirSync(join(home, "datasets", "text8"), { recursive: true });
    const cached = join(home, "datasets", "text8", "text8");
    writeFileSync(cached, "");
    truncateSync(cached, 100_000_000); // sparse: no 100 MB written
    expect(available()).toBe(true);
  });

  it("uses a zip the user downloaded by hand into the cache directory, without HTTP", async () => {
    const home = freshHome();
    const text8 = Buffer.from("anarchism originated as a term of abuse ".repeat(100));
    const zip = writeZip([{ name: "text8", data: text8, method: 8 }]);
    mkdirSync(join(home, "datasets", "text8"), { recursive: true });
    writeFileSync(join(home, "datasets", "text8", "text8.zip"), zip);
    const remote = { url: `${base}/nowhere.zip`, zipBytes: zip.length, bytes: text8.length };
    const corpus = await loadCorpus("text8", { home, remote, log: () => {} });
    expect(Buffer.from(corpus.bytes).equals(text8)).toBe(true);
    expect(requests).toEqual([]);
  });
});
