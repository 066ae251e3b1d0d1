import * as tf from "@tensorflow/tfjs";
import { describeBackend, initBackend } from "../../src";
import { runProperties } from "./properties";

// One backend's property checks in their own process (argv[2]; backends.test.ts): prints one JSON line.
const info = await initBackend(process.argv[2]);
const results = await runProperties((arch) => process.stderr.write(`properties: ${arch}\n`));
// What a synchronous read does here (webgpu in Node: a clear error, where H-Net routing and training need one).
let syncRead = "ok";
const t = tf.tensor1d([1, 2]).add(1);
try {
  t.dataSync();
} catch (error) {
  syncRead = (error as Error).message;
}
t.dispose();
const line = {
  backend: info.name,
  kind: info.kind,
  device: info.device,
  description: describeBackend(info),
  syncRead,
};
// exit only once the line is written: a pipe takes 64 KiB at a time.
process.stdout.write(`${JSON.stringify({ ...line, results })}\n`, () => process.exit(0));
