// Entry of a backend probe process (workers/trainer/src/devices.ts): registers tsx's loader so that plain
// `node` runs the TypeScript sources, then starts the probe.
import { register } from "tsx/esm/api";

register();
await import("./probe.ts");
