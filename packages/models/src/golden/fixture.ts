import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describeIssues } from "../parse";
import { type GoldenManifest, goldenManifestSchema } from "./manifest";

/** One reference tensor from weights.bin: row-major (C order) float32 data with its PyTorch shape. */
export interface ReferenceTensor {
  shape: number[];
  data: Float32Array;
}

export interface GoldenFixture {
  dir: string;
  manifest: GoldenManifest;
  /** PyTorch state_dict name -> tensor, in file order. */
  weights: Map<string, ReferenceTensor>;
  /** Reference logits, row-major [batch, seq, vocab]. */
  logits: Float32Array;
}

export class GoldenFixtureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GoldenFixtureError";
  }
}

/** Reads `count` little-endian float32 values starting at float index `offset` (copies: Buffers may be unaligned). */
function readFloats(buffer: Buffer, offset: number, count: number, what: string): Float32Array {
  const start = offset * 4;
  const end = start + count * 4;
  if (end > buffer.length) {
    throw new GoldenFixtureError(
      `${what}: needs bytes ${start}..${end} but the file has only ${buffer.length} bytes; the fixture is truncated or its manifest is wrong`,
    );
  }
  const copy = new ArrayBuffer(count * 4);
  const view = new DataView(copy);
  for (let i = 0; i < count; i++) view.setFloat32(i * 4, buffer.readFloatLE(start + i * 4), true);
  return new Float32Array(copy);
}

function readFile(dir: string, name: string): Buffer {
  try {
    return readFileSync(join(dir, name));
  } catch (error) {
    throw new GoldenFixtureError(`cannot read ${join(dir, name)}: ${(error as Error).message}`);
  }
}

/** Loads and validates a fixture folder (manifest.json, weights.bin, logits.bin). */
export function loadGoldenFixture(dir: string): GoldenFixture {
  let raw: unknown;
  try {
    raw = JSON.parse(readFile(dir, "manifest.json").toString("utf8"));
  } catch (error) {
    if (error instanceof GoldenFixtureError) throw error;
    throw new GoldenFixtureError(
      `${join(dir, "manifest.json")} is not valid JSON: ${(error as Error).message}`,
    );
  }
  const parsed = goldenManifestSchema.safeParse(raw);
  if (!parsed.success) {
    throw new GoldenFixtureError(
      `${join(dir, "manifest.json")} does not match the golden fixture format:\n${describeIssues(parsed.error)}`,
    );
  }
  const manifest = parsed.data;
  if (manifest.input.length !== manifest.batch * manifest.seq_len) {
    throw new GoldenFixtureError(
      `manifest.input has ${manifest.input.length} bytes but batch*seq_len = ${manifest.batch * manifest.seq_len}`,
    );
  }
  const weightsBuffer = readFile(dir, manifest.weights_file);
  const weights = new Map<string, ReferenceTensor>();
  for (const [name, p] of Object.entries(manifest.params)) {
    const expected = p.shape.reduce((a, b) => a * b, 1);
    if (expected !== p.numel) {
      throw new GoldenFixtureError(
        `params["${name}"]: shape ${JSON.stringify(p.shape)} has ${expected} elements, numel says ${p.numel}`,
      );
    }
    weights.set(name, {
      shape: p.shape,
      data: readFloats(weightsBuffer, p.offset, p.numel, `weights ${name}`),
    });
  }
  const [b, t, v] = manifest.logits_shape;
  const logits = readFloats(readFile(dir, manifest.logits_file), 0, b * t * v, "logits");
  return { dir, manifest, weights, logits };
}
