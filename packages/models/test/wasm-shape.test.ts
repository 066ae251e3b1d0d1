import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { assertWasmBackendShape, WASM_BACKEND_VERSION_CHECKED } from "../src/wasm/heap";
import { registerWasmBackend } from "../src/wasm/register";

describe("tfjs-backend-wasm private members", () => {
  it("are where the kernel fixes expect them in the pinned release", async () => {
    const status = await registerWasmBackend();
    expect(status.error).toBeUndefined();
    expect(status.ok).toBe(true);
    expect(() => assertWasmBackendShape(tf.findBackend("wasm"))).not.toThrow();
  });

  it("fails once, naming the installed version, the missing members and the fix, when they moved", () => {
    const moved = { wasm: { HEAPU8: new Uint8Array(1) }, dataIdMap: new Map() };
    expect(() => assertWasmBackendShape(moved)).toThrow(
      new RegExp(
        `tfjs-backend-wasm \\d+\\.\\d+\\.\\d+ .*wasm\\._malloc\\(\\).*${WASM_BACKEND_VERSION_CHECKED.replaceAll(".", "\\.")}.*Fix: install`,
      ),
    );
  });
});
