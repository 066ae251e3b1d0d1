/**
 * bytelab's side of `npm run bench -- vs-torch`: trains one config for a number of steps in its own
 * process (so each variant starts clean, with its own BYTELAB_NATIVE / BYTELAB_THREADS, as the PyTorch
 * reference runs in its own process) and prints one JSON line, the same fields as torch_transformer.py.
 *
 *   node --import tsx bench/anchors/bytelab_train.ts '{"arch":"transformer","seqLen":128,"steps":30}'
 *
 * Step: forward + backward, global-norm clip, AdamW (bench/training.ts, the trainer's recipe), on windows
 * of the corpus file when given (bytes at pseudo-random offsets), `warmup` steps untimed.
 */
import { readFileSync } from "node:fs";
import type { Architecture } from "../../packages/models/src";
import { describeBackend, initBackend } from "../../packages/models/src";
import { benchConfig, trainingHarness } from "../training";

interface Args {
  arch: Architecture;
  seqLen: number;
  batch?: number;
  model?: Record<string, unknown>;
  steps: number;
  warmup?: number;
  corpus?: string;
}

async function main() {
  const args = JSON.parse(process.argv[2] ?? "{}") as Args;
  const backend = await initBackend();
  const config = benchConfig(args.arch, args.seqLen, args.model, args.batch ?? 8);
  const corpus = args.corpus ? new Uint8Array(readFileSync(args.corpus)) : undefined;
  const harness = trainingHarness(config, corpus);
  for (let i = 0; i < (args.warmup ?? 3); i++) harness.step();
  const stepSeconds: number[] = [];
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < args.steps; i++) {
    const s = harness.step();
    stepSeconds.push((s.gradMs + s.optimMs) / 1000);
  }
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const bytesPerStep = config.batchSize * config.seqLen;
  console.log(
    JSON.stringify({
      backend: describeBackend(backend),
      native: backend.wasm?.native ?? null,
      params: harness.model.paramCount(),
      flopsPerByte: harness.model.flopsPerByte(config.seqLen).training,
      steps: args.steps,
      stepSeconds,
      bytesPerSecond: (bytesPerStep * args.steps) / wall,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
    }),
  );
  harness.dispose();
}

main().catch((error) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exitCode = 1;
});
