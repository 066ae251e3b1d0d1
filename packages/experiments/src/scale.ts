import type { Architecture } from "@bytelab/models";
import { clone, isPlainObject, type JsonObject } from "./paths";

/** Width and depth multipliers of a ladder size. */
export interface ModelScale {
  width: number;
  depth: number;
}

/** A layer count times the depth multiplier: rounded, at least 1 where there was a layer, 0 stays 0. */
export function scaleLayers(n: number, depth: number): number {
  return n === 0 ? 0 : Math.max(1, Math.round(n * depth));
}

/** Attention heads times the width multiplier (at least 1); the head width stays, so width follows heads. */
export function scaleHeads(heads: number, width: number): number {
  return Math.max(1, Math.round(heads * width));
}

/** A width without heads tied to it: times the multiplier, rounded to a multiple of 8 (at least 8). */
export function scaleWidth(d: number, width: number): number {
  return Math.max(8, Math.round((d * width) / 8) * 8);
}

function scaleNestedDepth(depth: unknown, m: number): unknown {
  if (typeof depth === "number") return scaleLayers(depth, m);
  if (Array.isArray(depth)) return depth.map((d) => scaleNestedDepth(d, m));
  return depth;
}

const asNumber = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);
const asNumbers = (v: unknown): number[] | undefined =>
  Array.isArray(v) && v.every((x) => typeof x === "number") ? (v as number[]) : undefined;

/**
 * A model config (defaults already filled in by its schema) with widths and depths multiplied, keeping every
 * attention head the same width (width grows by adding heads) so the architecture's divisibility rules
 * still hold. Returns the scaled config and notes on anything it could not scale.
 *
 *   transformer: n_head x width (n_embd = n_head x head width), n_layer x depth
 *   hourglass:   dim x width (multiple of 8), heads x width, every layer count of the nested depth x depth
 *   megabyte:    every stage's dim x width (multiple of 8), heads x width, every stage's depth x depth
 *   hnet:        per level: num_heads x width (d_model = heads x head width), d_intermediate x width,
 *                every block count in arch_layout ("T2" -> "T4") x depth
 */
export function scaleModel(
  architecture: Architecture,
  model: JsonObject,
  scale: ModelScale,
): { model: JsonObject; notes: string[] } {
  const out = clone(model);
  const notes: string[] = [];
  const { width, depth } = scale;
  switch (architecture) {
    case "transformer": {
      // nanoGPT names (n_embd, n_head, n_layer) as @bytelab/models' transformer schema uses them.
      const d = asNumber(out.n_embd);
      const heads = asNumber(out.n_head);
      if (d !== undefined && heads !== undefined && d % heads === 0) {
        const h = scaleHeads(heads, width);
        out.n_head = h;
        out.n_embd = h * (d / heads);
      } else if (d !== undefined) out.n_embd = scaleWidth(d, width);
      else notes.push("transformer config has no n_embd: width not scaled");
      const layers = asNumber(out.n_layer);
      if (layers !== undefined) out.n_layer = scaleLayers(layers, depth);
      else notes.push("transformer config has no n_layer: depth not scaled");
      break;
    }
    case "hourglass": {
      const d = asNumber(out.dim);
      if (d !== undefined) out.dim = scaleWidth(d, width);
      const heads = asNumber(out.heads);
      if (heads !== undefined) out.heads = scaleHeads(heads, width);
      out.depth = scaleNestedDepth(out.depth, depth);
      break;
    }
    case "megabyte": {
      const dims = asNumbers(out.dim);
      if (dims) out.dim = dims.map((d) => scaleWidth(d, width));
      const heads = asNumber(out.heads);
      if (heads !== undefined) out.heads = scaleHeads(heads, width);
      const depths = asNumbers(out.depth);
      if (depths) out.depth = depths.map((n) => scaleLayers(n, depth));
      break;
    }
    case "hnet": {
      const dims = asNumbers(out.d_model);
      const attn = isPlainObject(out.attn_cfg) ? { ...out.attn_cfg } : {};
      const headsRaw = attn.num_heads;
      if (dims) {
        const heads = dims.map((_, s) =>
          Array.isArray(headsRaw) ? asNumber(headsRaw[s]) : asNumber(headsRaw),
        );
        const newHeads = heads.map((h) => (h === undefined ? undefined : scaleHeads(h, width)));
        out.d_model = dims.map((d, s) => {
          const h = heads[s];
          const nh = newHeads[s];
          return h !== undefined && nh !== undefined && d % h === 0 ? nh * (d / h) : scaleWidth(d, width);
        });
        if (newHeads.every((h) => h !== undefined)) attn.num_heads = newHeads as number[];
        out.attn_cfg = attn;
      }
      const inter = asNumbers(out.d_intermediate);
      if (inter) out.d_intermediate = inter.map((n) => (n === 0 ? 0 : Math.max(1, Math.round(n * width))));
      out.arch_layout = scaleLayout(out.arch_layout, depth);
      break;
    }
  }
  return { model: out, notes };
}

function scaleLayout(layout: unknown, depth: number): unknown {
  if (typeof layout === "string")
    return layout.replace(
      /([mMtT])(\d+)/g,
      (_, kind: string, n: string) => `${kind}${scaleLayers(Number(n), depth)}`,
    );
  if (Array.isArray(layout)) return layout.map((l) => scaleLayout(l, depth));
  return layout;
}
