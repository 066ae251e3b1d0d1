import { z } from "zod";

/**
 * Model config keys are a public contract (specs, the REST API, config hashes), spelled snake_case like the
 * reference implementations. Keys that were once spelled otherwise stay accepted under their old spelling:
 * a table per architecture maps each deprecated key to the key to write instead, the schema renames them
 * before validating (so the parsed, stored and hashed config only has the current spelling), and callers
 * that read user input tell the user with `deprecatedConfigKeys` (zoo.ts).
 */
export type DeprecatedKeys = Readonly<Record<string, string>>;

/** One deprecated key found in a raw config: `key` as written, `use` the key to write instead. */
export interface DeprecatedKey {
  key: string;
  use: string;
}

/** The input type of a config that also accepts the deprecated spellings (each typed like its new key). */
export type WithDeprecatedKeys<I, R extends Readonly<Record<string, keyof I>>> = I & {
  [K in keyof R]?: I[R[K]];
};

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** Top-level keys of `raw` that are deprecated spellings in `renames`, in the order they were written. */
export function findDeprecatedKeys(renames: DeprecatedKeys, raw: unknown): DeprecatedKey[] {
  if (!isPlainObject(raw)) return [];
  return Object.keys(raw)
    .filter((key) => Object.hasOwn(renames, key))
    .map((key) => ({ key, use: renames[key]! }));
}

/** The message when both spellings of one key are given: names both and says which one to keep. */
export function bothSpellingsMessage({ key, use }: DeprecatedKey): string {
  return `${key} and ${use} are two spellings of the same key: keep ${use} and remove ${key} (the deprecated spelling)`;
}

/**
 * `schema`, but a plain-object input first has each deprecated key renamed to its current key. Giving both
 * spellings of one key is an issue at the deprecated key (bothSpellingsMessage). `I` is the accepted input
 * type (the schema's input plus the deprecated keys, see WithDeprecatedKeys).
 */
export function acceptDeprecatedKeys<I, S extends z.ZodType>(renames: DeprecatedKeys, schema: S) {
  return z.preprocess((raw: I, ctx) => {
    const found = findDeprecatedKeys(renames, raw);
    if (!found.length) return raw;
    const out: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
    for (const d of found) {
      if (out[d.use] !== undefined && out[d.key] !== undefined) {
        ctx.addIssue({ code: "custom", path: [d.key], message: bothSpellingsMessage(d), input: raw });
        continue;
      }
      if (out[d.key] !== undefined) out[d.use] = out[d.key];
      delete out[d.key];
    }
    return out;
  }, schema);
}
