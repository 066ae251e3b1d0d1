// Child process of tfjs-banner.test.ts: a fresh TF.js, the CPU backend picked lazily by the first tensor (as
// spec expansion does) or explicitly (as initBackend does), with or without quietTfjsNodeBanner first.
import * as tf from "@tensorflow/tfjs";
import { quietTfjsNodeBanner } from "../src/tfjs-banner";

const [mode, pick] = process.argv.slice(2);
if (mode === "quiet") quietTfjsNodeBanner();
if (pick === "explicit") await tf.setBackend("cpu");
tf.tensor([1, 2, 3]).dataSync();
console.log(`backend ${tf.getBackend()}`);
