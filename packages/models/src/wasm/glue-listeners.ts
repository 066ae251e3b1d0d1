/** The process events tfjs-backend-wasm's Emscripten glue listens to once its module starts. */
const GLUE_EVENTS = ["uncaughtException", "unhandledRejection"] as const;

type Listener = (...args: unknown[]) => void;
export type ProcessListeners = Record<(typeof GLUE_EVENTS)[number], Listener[]>;

/** `process` as a plain emitter, so the two events can be handled by name in one loop. */
const emitter = process as NodeJS.EventEmitter;

/** The process's current uncaughtException / unhandledRejection listeners. */
export function processListeners(): ProcessListeners {
  return {
    uncaughtException: emitter.listeners("uncaughtException") as Listener[],
    unhandledRejection: emitter.listeners("unhandledRejection") as Listener[],
  };
}

/**
 * Removes the uncaughtException / unhandledRejection listeners added since `before` and returns how many.
 * The Emscripten glue of the wasm module adds listeners for both when the module starts; they rethrow, so a
 * later uncaught error was reported at the glue's `throw` line, which Node prints with the whole one-line
 * minified module source, instead of the error itself. Without them Node's default reporting applies again.
 */
export function removeListenersAddedSince(before: ProcessListeners): number {
  let removed = 0;
  for (const event of GLUE_EVENTS) {
    const known = new Set(before[event]);
    for (const listener of emitter.listeners(event) as Listener[]) {
      if (known.has(listener)) continue;
      emitter.removeListener(event, listener);
      removed++;
    }
  }
  return removed;
}
