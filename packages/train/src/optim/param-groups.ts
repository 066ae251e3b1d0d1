import type * as tf from "@tensorflow/tfjs";

/** One trainable parameter with the optimizer settings that the name rules gave it. */
export interface ParamSpec {
  /** The model's parameter name (reference state_dict name, e.g. "backbone.layers.0.mixer.Wqkv.weight"). */
  name: string;
  variable: tf.Variable;
  /** Whether decoupled weight decay applies. */
  decay: boolean;
  /** Learning-rate multiplier (1 unless a prefix rule matched). */
  lrMultiplier: number;
}

export interface ParamGroupRules {
  noDecayPatterns: string[];
  lrMultipliers: Array<{ prefix: string; multiplier: number }>;
}

/**
 * ParamStore names TF variables `<name>_<n>` (n: a process-wide counter that keeps TF names unique).
 * Strip that suffix to get the model's own parameter name back.
 */
export function parameterName(variable: tf.Variable): string {
  return variable.name.replace(/_\d+$/, "");
}

/**
 * Weight decay rule: no decay for rank < 2 parameters (biases, norm gains, scalars) and for any name
 * matching one of `noDecayPatterns` (case-insensitive regular expressions: norms, biases, embeddings).
 */
export function shouldDecay(name: string, rank: number, noDecayPatterns: string[]): boolean {
  if (rank < 2) return false;
  return !noDecayPatterns.some((p) => new RegExp(p, "i").test(name));
}

/** lr multiplier of the longest matching prefix rule; 1 when none matches. */
export function lrMultiplierFor(name: string, rules: ParamGroupRules["lrMultipliers"]): number {
  let best: { prefix: string; multiplier: number } | undefined;
  for (const r of rules)
    if (name.startsWith(r.prefix) && (!best || r.prefix.length > best.prefix.length)) best = r;
  return best?.multiplier ?? 1;
}

/** Applies the name rules to the model's trainable variables (order preserved). */
export function buildParamSpecs(variables: tf.Variable[], rules: ParamGroupRules): ParamSpec[] {
  const seen = new Set<string>();
  return variables.map((variable) => {
    const name = parameterName(variable);
    if (seen.has(name)) throw new Error(`two trainable variables are both named ${name}`);
    seen.add(name);
    return {
      name,
      variable,
      decay: shouldDecay(name, variable.rank, rules.noDecayPatterns),
      lrMultiplier: lrMultiplierFor(name, rules.lrMultipliers),
    };
  });
}

/** Prefix rules that matched no parameter (almost always a typo in the config). */
export function unusedLrMultiplierPrefixes(specs: ParamSpec[], rules: ParamGroupRules): string[] {
  return rules.lrMultipliers
    .filter((r) => !specs.some((s) => s.name.startsWith(r.prefix)))
    .map((r) => r.prefix);
}
