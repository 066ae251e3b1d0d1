import { stableJson } from "./flatten";
import { formatConfigValue } from "./format";

/**
 * One vertical axis of a parallel-coordinates plot (or the x of a hyperparameter plot): numeric keys on a
 * linear or log scale (log when all values are > 0 and span more than 20x: learning rates), anything else as
 * evenly spaced categories, sorted (so the same link draws the same picture).
 */
export interface ValueAxis {
  key: string;
  kind: "numeric" | "category";
  scale: "linear" | "log";
  min: number;
  max: number;
  /** Category axes: the values' JSON texts, in axis order. */
  categories: string[];
}

const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** The axis of `key` over these values (undefined values are left out). */
export function valueAxis(key: string, values: readonly unknown[], scale?: "linear" | "log"): ValueAxis {
  const present = values.filter((v) => v !== undefined && v !== null);
  if (present.length > 0 && present.every(isNum)) {
    const min = Math.min(...present);
    const max = Math.max(...present);
    const auto = min > 0 && max / min > 20 ? "log" : "linear";
    const s = scale === "log" && min <= 0 ? "linear" : (scale ?? auto);
    return { key, kind: "numeric", scale: s, min, max, categories: [] };
  }
  const categories = [...new Set(present.map(stableJson))].sort();
  return {
    key,
    kind: "category",
    scale: "linear",
    min: 0,
    max: Math.max(0, categories.length - 1),
    categories,
  };
}

/** The value as a number on the axis' own units (category index for categories); null when it has none. */
export function axisNumber(axis: ValueAxis, value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (axis.kind === "category") {
    const i = axis.categories.indexOf(stableJson(value));
    return i < 0 ? null : i;
  }
  return isNum(value) ? value : null;
}

/** The value's position on the axis, 0 (bottom) to 1 (top); a one-value axis puts everything at 0.5. */
export function normalize(axis: ValueAxis, value: unknown): number | null {
  const n = axisNumber(axis, value);
  if (n === null) return null;
  if (axis.max === axis.min) return 0.5;
  if (axis.kind === "numeric" && axis.scale === "log") {
    if (n <= 0) return null;
    return (Math.log(n) - Math.log(axis.min)) / (Math.log(axis.max) - Math.log(axis.min));
  }
  return (n - axis.min) / (axis.max - axis.min);
}

/** How an axis value is written: categories by their value, numbers compact. */
export function axisLabel(axis: ValueAxis, n: number): string {
  if (axis.kind === "category") {
    const text = axis.categories[Math.round(n)];
    return text === undefined ? "" : formatConfigValue(JSON.parse(text));
  }
  return formatConfigValue(n);
}
