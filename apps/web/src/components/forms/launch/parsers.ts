import { numberFromText, type Parsed, parseFragment, parseList } from "./spec-values";

/** Text as is; empty removes the key. */
export const parseText = (t: string): Parsed<unknown> => ({ ok: true, value: t === "" ? undefined : t });
export const formatText = (v: unknown): string => (v === undefined || v === null ? "" : String(v));

/** A number ("3e12"), kept as text when it is not one (the schema then says so at the field). */
export const parseNumber = (t: string): Parsed<unknown> => ({ ok: true, value: numberFromText(t) });

export { parseList };

/** A model config / `set` mapping typed as YAML or JSON; empty is {}. */
export const parseObject = (t: string): Parsed<unknown> => parseFragment(t, {});
