import { crc32, inflateRawSync } from "node:zlib";

/**
 * A minimal zip reader: finds one named entry through the central directory and returns its
 * bytes (stored or deflated), checking the CRC-32 and size the archive records. No zip64, no
 * encryption: enough for the single-entry archives enwik8.zip and text8.zip.
 */
const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;

export class ZipFormatError extends Error {
  override readonly name = "ZipFormatError";
}

interface CentralEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

function findEndOfCentralDirectory(zip: Buffer): number {
  // The EOCD record is 22 bytes plus a comment of at most 65535 bytes, at the end of the file.
  const lowest = Math.max(0, zip.length - 22 - 0xffff);
  for (let at = zip.length - 22; at >= lowest; at--) {
    if (zip.readUInt32LE(at) === EOCD_SIGNATURE) return at;
  }
  throw new ZipFormatError("not a zip archive (no end-of-central-directory record)");
}

export function listZipEntries(zip: Buffer): CentralEntry[] {
  const eocd = findEndOfCentralDirectory(zip);
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  if (at === 0xffffffff || count === 0xffff) throw new ZipFormatError("zip64 archives are not supported");
  const entries: CentralEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== CENTRAL_SIGNATURE) {
      throw new ZipFormatError(`central directory entry ${i} is damaged`);
    }
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    entries.push({
      method: zip.readUInt16LE(at + 10),
      crc: zip.readUInt32LE(at + 16),
      compressedSize: zip.readUInt32LE(at + 20),
      size: zip.readUInt32LE(at + 24),
      localHeaderOffset: zip.readUInt32LE(at + 42),
      name: zip.toString("utf8", at + 46, at + 46 + nameLength),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The bytes of entry `name`, [size]. Throws ZipFormatError when absent or damaged. */
export function readZipEntry(zip: Buffer, name: string): Buffer {
  const entries = listZipEntries(zip);
  const entry = entries.find((e) => e.name === name);
  if (!entry) {
    throw new ZipFormatError(
      `no entry "${name}" (entries: ${entries.map((e) => e.name).join(", ") || "none"})`,
    );
  }
  const local = entry.localHeaderOffset;
  if (local + 30 > zip.length || zip.readUInt32LE(local) !== LOCAL_SIGNATURE) {
    throw new ZipFormatError(`local header of "${name}" is damaged`);
  }
  const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
  const end = start + entry.compressedSize;
  if (end > zip.length) throw new ZipFormatError(`"${name}" is truncated`);
  const raw = zip.subarray(start, end);
  let data: Buffer;
  if (entry.method === STORED) data = raw;
  else if (entry.method === DEFLATED) {
    try {
      data = inflateRawSync(raw);
    } catch (error) {
      throw new ZipFormatError(`"${name}" does not inflate: ${(error as Error).message}`);
    }
  } else
    throw new ZipFormatError(
      `"${name}" uses compression method ${entry.method}; only stored (0) and deflate (8) are supported`,
    );
  if (data.length !== entry.size) {
    throw new ZipFormatError(`"${name}" inflated to ${data.length} bytes, the archive says ${entry.size}`);
  }
  if (crc32(data) >>> 0 !== entry.crc) throw new ZipFormatError(`"${name}" fails its CRC-32 check`);
  return data;
}
