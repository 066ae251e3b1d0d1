// Entry of a training child process (forked by workers/trainer/src/child/training-child.ts): registers
// tsx's loader so that plain `node` runs the TypeScript sources, then starts the child's main module.
import { register } from "tsx/esm/api";

register();
await import("./child.ts");
