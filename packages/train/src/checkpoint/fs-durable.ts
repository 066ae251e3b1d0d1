import { closeSync, fsyncSync, openSync, renameSync, writeSync } from "node:fs";

/** Writes a whole file and fsyncs it, so its bytes are on disk before anything points at it. */
export function writeFileDurable(path: string, data: Uint8Array | string): void {
  const fd = openSync(path, "w");
  try {
    const buf = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    let off = 0;
    while (off < buf.byteLength) off += writeSync(fd, buf, off, buf.byteLength - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** fsyncs a directory so that renames / creations inside it survive a power loss. */
export function fsyncDir(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    fsyncSync(fd);
  } catch {
    // Some filesystems refuse fsync on directories (EISDIR/EINVAL); the rename is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Replaces `path` with `content` atomically: write `path.tmp`, fsync, rename, fsync the directory. */
export function replaceFileAtomic(path: string, content: string, dir: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileDurable(tmp, content);
  renameSync(tmp, path);
  fsyncDir(dir);
}
