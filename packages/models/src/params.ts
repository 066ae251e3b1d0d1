import * as tf from "@tensorflow/tfjs";
import type { ReferenceTensor } from "./golden/fixture";

export type Initializer =
  | { kind: "normal"; std: number }
  | { kind: "uniform"; limit: number }
  | { kind: "zeros" }
  | { kind: "ones" }
  | { kind: "constant"; value: number };

/**
 * Named trainable variables of one model. Names follow the reference implementation's
 * state_dict names where one exists, so importing reference weights is a checked 1:1 copy.
 * Initialisation is deterministic: each variable's seed derives from the model seed and its creation index.
 */
export class ParamStore {
  private readonly vars = new Map<string, tf.Variable>();
  private counter = 0;

  constructor(private readonly seed: number) {}

  create(name: string, shape: number[], init: Initializer): tf.Variable {
    if (this.vars.has(name)) throw new Error(`parameter ${name} is defined twice`);
    // In [1, 2^31 - 2]: TF.js treats seed 0 as "no seed" (Math.random), which made seed-0 models differ per process.
    const seed =
      1 +
      ((((this.seed * 1_000_003 + this.counter++ * 7919) % 2_147_483_646) + 2_147_483_646) % 2_147_483_646);
    const value = tf.tidy(() => {
      switch (init.kind) {
        case "normal":
          return tf.randomNormal(shape, 0, init.std, "float32", seed);
        case "uniform":
          return tf.randomUniform(shape, -init.limit, init.limit, "float32", seed);
        case "zeros":
          return tf.zeros(shape);
        case "ones":
          return tf.ones(shape);
        case "constant":
          return tf.fill(shape, init.value);
      }
    });
    const variable = tf.variable(value, true, `${name}_${uniqueSuffix()}`);
    value.dispose();
    this.vars.set(name, variable);
    return variable;
  }

  get(name: string): tf.Variable {
    const v = this.vars.get(name);
    if (!v) throw new Error(`unknown parameter ${name}`);
    return v;
  }

  has(name: string): boolean {
    return this.vars.has(name);
  }

  names(): string[] {
    return [...this.vars.keys()];
  }

  variables(): tf.Variable[] {
    return [...this.vars.values()];
  }

  paramCount(): number {
    let n = 0;
    for (const v of this.vars.values()) n += v.size;
    return n;
  }

  /**
   * Copies reference weights into the variables. Strict: every variable must receive a tensor of the
   * same shape, and every reference tensor must be used, so a renamed or missing weight cannot pass silently.
   * `rename` maps a reference name to ours (identity by default).
   */
  loadReference(weights: Map<string, ReferenceTensor>, rename: (refName: string) => string = (n) => n): void {
    const assigned = new Set<string>();
    const problems: string[] = [];
    for (const [refName, tensor] of weights) {
      const ours = rename(refName);
      const v = this.vars.get(ours);
      if (!v) {
        problems.push(`reference tensor ${refName} has no counterpart (${ours})`);
        continue;
      }
      if (v.shape.join(",") !== tensor.shape.join(",")) {
        problems.push(`${refName}: reference shape [${tensor.shape}] but ours is [${v.shape}]`);
        continue;
      }
      const value = tf.tensor(tensor.data, tensor.shape, "float32");
      v.assign(value);
      value.dispose();
      assigned.add(ours);
    }
    for (const name of this.vars.keys())
      if (!assigned.has(name)) problems.push(`parameter ${name} got no reference weight`);
    if (problems.length)
      throw new Error(`reference weights do not fit the model:\n  ${problems.join("\n  ")}`);
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }
}

let suffix = 0;
function uniqueSuffix(): number {
  return suffix++;
}
