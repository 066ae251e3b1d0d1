import { delimiter, isAbsolute, join, resolve } from "node:path";
import { findProjectRoot } from "@bytelab/data";
import type { UntrustedSpecPolicy } from "@bytelab/service";
import type { ApiEnv } from "../env";

/**
 * What a spec submitted over the REST API may ask for (see @bytelab/service enforceUntrustedPolicy): file:
 * and dir: datasets only under BYTELAB_DATA_ROOTS (default: the project's data/ folder), and at most
 * BYTELAB_MAX_SWEEP_RUNS runs, BYTELAB_MAX_SWEEP_STEPS steps and BYTELAB_MAX_SWEEP_FLOPS training FLOPs.
 */
export function untrustedSpecPolicy(env: ApiEnv): UntrustedSpecPolicy {
  const configured = env.BYTELAB_DATA_ROOTS?.split(delimiter)
    .map((p) => p.trim())
    .filter(Boolean);
  const project = findProjectRoot();
  const dataRoots = configured?.length
    ? configured.map((p) => (isAbsolute(p) ? p : resolve(project ?? process.cwd(), p)))
    : project
      ? [join(project, "data")]
      : [];
  return {
    dataRoots,
    maxRuns: env.BYTELAB_MAX_SWEEP_RUNS,
    maxSteps: env.BYTELAB_MAX_SWEEP_STEPS,
    maxFlops: env.BYTELAB_MAX_SWEEP_FLOPS,
  };
}
