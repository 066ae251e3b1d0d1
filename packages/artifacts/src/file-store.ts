import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, openSync, writeSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, rmdir, stat } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type ArtifactStore, assertKey, type StoredObject } from "./store";

/**
 * A folder as the artifact store: keys are paths below `root`. Puts write a temp file in the target folder,
 * fsync it, then rename it into place (atomic on POSIX, NFS included), so readers see whole files only.
 */
export class FileArtifactStore implements ArtifactStore {
  readonly kind = "file" as const;
  readonly root: string;
  readonly url: string;

  constructor(root: string) {
    this.root = resolve(root);
    this.url = pathToFileURL(this.root).href;
  }

  path(key: string): string {
    return join(this.root, ...assertKey(key).split("/"));
  }

  uri(key: string): string {
    return pathToFileURL(this.path(key)).href;
  }

  keyOf(uri: string): string | null {
    if (!uri.startsWith("file:")) return null;
    let path: string;
    try {
      path = fileURLToPath(uri);
    } catch {
      return null;
    }
    const rel = relative(this.root, path);
    if (rel === "" || rel.startsWith("..") || resolve(this.root, rel) !== resolve(path)) return null;
    return rel.split(sep).join("/");
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    const target = this.path(key);
    await mkdir(dirname(target), { recursive: true });
    const temp = `${target}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
    const fd = openSync(temp, "w");
    try {
      const buf = typeof body === "string" ? Buffer.from(body, "utf8") : body;
      let off = 0;
      while (off < buf.byteLength) off += writeSync(fd, buf, off, buf.byteLength - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async get(key: string): Promise<Uint8Array | null> {
    try {
      return await readFile(this.path(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
  }

  async list(prefix: string): Promise<StoredObject[]> {
    // The folder holding the prefix, then keys filtered by the prefix.
    const cut = prefix.lastIndexOf("/");
    const folderKey = cut < 0 ? "" : prefix.slice(0, cut);
    const start = folderKey ? this.path(folderKey) : this.root;
    const out: StoredObject[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries: import("node:fs").Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
        throw error;
      }
      for (const e of entries) {
        const full = join(dir, e.name);
        if (e.isDirectory()) await walk(full);
        else if (e.isFile()) {
          const key = relative(this.root, full).split(sep).join("/");
          if (!key.startsWith(prefix) || /\.tmp-\d+-[0-9a-f]{8}$/.test(key)) continue;
          try {
            out.push({ key, bytes: (await stat(full)).size });
          } catch {
            // deleted while we looked
          }
        }
      }
    };
    await walk(start);
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(keys: readonly string[]): Promise<void> {
    const folders = new Set<string>();
    for (const key of keys) {
      const path = this.path(key);
      await rm(path, { force: true });
      folders.add(dirname(path));
    }
    // Empty folders left behind (a pruned checkpoint) go too, up to the root.
    for (const folder of [...folders].sort((a, b) => b.length - a.length)) {
      let dir = folder;
      while (dir.startsWith(this.root + sep) && dir !== this.root) {
        try {
          await rmdir(dir);
        } catch {
          break; // not empty (or gone): stop climbing
        }
        dir = dirname(dir);
      }
    }
  }

  async close(): Promise<void> {}
}
