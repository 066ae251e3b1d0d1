import { initBackend } from "@bytelab/models";

// Starts the TF.js backend the way a training child does (BYTELAB_BACKEND, CUDA_VISIBLE_DEVICES inherited) and
// prints what really runs as one JSON line: the worker advertises slots from this, not from what is installed.
try {
  const info = await initBackend();
  const { name, kind, device, notes, probe, driver, cuda } = info;
  process.stdout.write(`${JSON.stringify({ ok: true, name, kind, device, notes, probe, driver, cuda })}\n`);
} catch (error) {
  process.stdout.write(`${JSON.stringify({ ok: false, error: (error as Error).message })}\n`);
}
process.exit(0);
