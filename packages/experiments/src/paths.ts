import type { PathSegment } from "./issues";

/** A JSON object (the shape configs and spec fragments have). */
export type JsonObject = { [key: string]: unknown };

export function isPlainObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** "optimizer.lr" -> ["optimizer", "lr"]; all-digit segments index lists: "model.d_model.1" -> [..., 1]. */
export function parseDottedPath(path: string): PathSegment[] {
  return path.split(".").map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

export function getPath(value: unknown, path: readonly PathSegment[]): unknown {
  let cur = value;
  for (const s of path) {
    if (typeof s === "number" ? !Array.isArray(cur) : !isPlainObject(cur)) return undefined;
    cur = (cur as Record<string | number, unknown>)[s];
  }
  return cur;
}

/** A copy of `target` with `value` at `path`; missing objects on the way are created. */
export function setPath<T>(target: T, path: readonly PathSegment[], value: unknown): T {
  if (path.length === 0) return clone(value) as T;
  const [head, ...rest] = path as [PathSegment, ...PathSegment[]];
  if (typeof head === "number") {
    const list = Array.isArray(target) ? [...target] : [];
    list[head] = setPath(list[head], rest, value);
    return list as T;
  }
  const obj: JsonObject = isPlainObject(target) ? { ...target } : {};
  obj[head] = setPath(obj[head], rest, value);
  return obj as T;
}

/** `override` merged into `base`: objects merge key by key, anything else (lists included) replaces. */
export function deepMerge(base: unknown, override: unknown): unknown {
  if (override === undefined) return clone(base);
  if (!isPlainObject(base) || !isPlainObject(override)) return clone(override);
  const out: JsonObject = { ...(clone(base) as JsonObject) };
  for (const [k, v] of Object.entries(override)) out[k] = deepMerge(out[k], v);
  return out;
}

/** Paths of the leaves of a plain-object tree (lists and scalars are leaves). */
export function leafPaths(value: unknown, prefix: PathSegment[] = []): PathSegment[][] {
  if (!isPlainObject(value)) return [prefix];
  const entries = Object.entries(value);
  if (entries.length === 0) return [prefix];
  return entries.flatMap(([k, v]) => leafPaths(v, [...prefix, k]));
}

export function clone<T>(value: T): T {
  return value === undefined ? value : (structuredClone(value) as T);
}

function startsWith(path: readonly PathSegment[], prefix: readonly PathSegment[]): boolean {
  return prefix.length <= path.length && prefix.every((s, i) => path[i] === s);
}

/**
 * Builds a config from layers (base, per-architecture overrides, parameter assignments...) and remembers
 * where each value came from, so that a problem found in the merged config is reported at the place in
 * the spec the user has to edit.
 */
export class OriginTrackingBuilder {
  private value: JsonObject = {};
  /** aligned: the spec path mirrors the config path below `config` (merged fragments), not for assignments. */
  private readonly origins: Array<{ config: PathSegment[]; spec: PathSegment[]; aligned: boolean }> = [];

  /**
   * Deep-merges `fragment` at `at` (default: the root); its leaves come from `spec` + their own path
   * (`spec` null: defaults nobody wrote, no origin recorded).
   */
  merge(fragment: unknown, spec: readonly PathSegment[] | null, at: readonly PathSegment[] = []): this {
    if (fragment === undefined) return this;
    const merged = deepMerge(getPath(this.value, at), fragment);
    this.value = at.length === 0 ? (merged as JsonObject) : setPath(this.value, at, merged);
    if (spec)
      for (const leaf of leafPaths(fragment))
        if (at.length + leaf.length > 0)
          // an empty fragment at the root sets nothing
          this.origins.push({ config: [...at, ...leaf], spec: [...spec, ...leaf], aligned: true });
    return this;
  }

  /** Sets one value (a parameter assignment) at `path`, coming from `spec`. */
  set(path: readonly PathSegment[], value: unknown, spec: readonly PathSegment[]): this {
    this.value = setPath(this.value, path, value);
    this.origins.push({ config: [...path], spec: [...spec], aligned: false });
    return this;
  }

  /** Removes the value at the top-level key `key` (no origin is recorded). */
  delete(key: string): this {
    const { [key]: _dropped, ...rest } = this.value;
    this.value = rest;
    return this;
  }

  get(): JsonObject {
    return clone(this.value);
  }

  /**
   * Where in the spec the value at config path `path` came from (the latest layer that set it or one of
   * its parents / children), or undefined when it is a default nobody wrote.
   */
  originOf(path: readonly PathSegment[]): PathSegment[] | undefined {
    for (let i = this.origins.length - 1; i >= 0; i--) {
      const o = this.origins[i]!;
      if (startsWith(path, o.config)) return o.aligned ? [...o.spec, ...path.slice(o.config.length)] : o.spec;
    }
    for (let i = this.origins.length - 1; i >= 0; i--) {
      const o = this.origins[i]!;
      if (startsWith(o.config, path))
        return o.aligned ? o.spec.slice(0, o.spec.length - (o.config.length - path.length)) : o.spec;
    }
    return undefined;
  }
}
