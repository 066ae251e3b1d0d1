/**
 * Byte-array equality for tests. vitest's toEqual walks large typed arrays element by element
 * (seconds for 100 kB+), so compare through Buffer and assert on the boolean.
 */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}
