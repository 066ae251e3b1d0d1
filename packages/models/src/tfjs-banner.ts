import * as tf from "@tensorflow/tfjs";

/**
 * TF.js's CPU backend prints "Hi, looks like you are running TensorFlow.js in Node.js. To speed things up
 * dramatically, install our node backend..." on its first tensor write in Node (MathBackendCPU.write, when
 * its `firstUse` flag is still set). bytelab picks the backend itself and says which and why (backend.ts,
 * `bytelab doctor`), so in CLI output and benchmark tables the banner is only noise.
 *
 * This marks every CPU backend instance as already used: the instance that exists now, and (through the
 * registered factory, which `Engine.registryFactory` exposes) every one TF.js makes later, e.g. when it
 * picks its default backend lazily. Nothing else is silenced, and console is not touched. Idempotent. If a
 * TF.js release renames the flag, this does nothing and the banner is back (harmless).
 */
export function quietTfjsNodeBanner(): void {
  const entry = tf.engine().registryFactory.cpu;
  if (!entry) return;
  if (!quieted.has(entry.factory)) {
    const make = entry.factory;
    const wrapped = () => {
      const made = make();
      if (made instanceof Promise) return made.then(markUsed);
      return markUsed(made);
    };
    quieted.add(wrapped);
    entry.factory = wrapped;
  }
  markUsed(tf.findBackend("cpu"));
}

const quieted = new WeakSet<object>();

function markUsed<T>(backend: T): T {
  const b = backend as { firstUse?: unknown } | null;
  if (b && typeof b.firstUse === "boolean") b.firstUse = false;
  return backend;
}
