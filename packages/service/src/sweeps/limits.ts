import { isAbsolute, normalize, relative, resolve } from "node:path";
import type { Expansion } from "@bytelab/experiments";
import { InvalidInputError, type ServiceErrorDetail } from "../errors";

/**
 * What a spec that arrives from the network (the REST API) may ask for. A spec from the local CLI is the
 * machine owner's own and is not limited here.
 */
export interface UntrustedSpecPolicy {
  /**
   * Folders file: and dir: datasets may read (absolute paths). A dataset outside them could expose any file
   * of a worker host (e.g. through generated samples).
   */
  dataRoots: readonly string[];
  /** Most runs, total optimizer steps and total estimated training FLOPs one submission may create. */
  maxRuns: number;
  maxSteps: number;
  maxFlops: number;
}

/** Is `path` (absolute, normalised) inside `root`? */
function inside(root: string, path: string): boolean {
  const rel = relative(resolve(root), path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

function datasetProblems(
  expansion: Expansion,
  policy: UntrustedSpecPolicy,
  localPath: (name: string) => string | null,
): ServiceErrorDetail[] {
  const byDataset = new Map<string, string[]>();
  for (const run of expansion.runs)
    byDataset.set(run.config.dataset, [...(byDataset.get(run.config.dataset) ?? []), run.label]);
  const roots = policy.dataRoots.length ? policy.dataRoots.join(", ") : "(none configured)";
  const problems: ServiceErrorDetail[] = [];
  for (const [dataset, labels] of byDataset) {
    const path = localPath(dataset);
    if (path === null) continue;
    const where =
      labels.length > 3
        ? `${labels.slice(0, 3).join(", ")} and ${labels.length - 3} more`
        : labels.join(", ");
    // Checked as written (lexically): the worker that reads it may be another host.
    const allowed = isAbsolute(path) && policy.dataRoots.some((root) => inside(root, normalize(path)));
    if (!allowed)
      problems.push({
        path: "dataset",
        issue: `dataset "${dataset}" (runs ${where}) reads ${isAbsolute(path) ? path : `the relative path ${path}`}, outside the server's data roots`,
        fix: `use a built-in dataset (brown, code, enwik8, text8), or an absolute path under ${roots}; the server's operator sets BYTELAB_DATA_ROOTS`,
      });
  }
  return problems;
}

function sizeProblems(expansion: Expansion, policy: UntrustedSpecPolicy): ServiceErrorDetail[] {
  const runs = expansion.runs.length;
  const steps = expansion.runs.reduce((sum, r) => sum + r.budget.steps, 0);
  const flops = expansion.runs.reduce((sum, r) => sum + (r.budget.flops ?? 0), 0);
  const problems: ServiceErrorDetail[] = [];
  const fmt = (n: number) => (n >= 1e6 ? n.toExponential(2) : n.toLocaleString("en-US"));
  if (runs > policy.maxRuns)
    problems.push({
      path: "",
      issue: `the spec expands into ${fmt(runs)} runs, more than this server accepts in one submission (${fmt(policy.maxRuns)})`,
      fix: "split it into several sweeps, or ask the operator to raise BYTELAB_MAX_SWEEP_RUNS",
    });
  if (steps > policy.maxSteps)
    problems.push({
      path: "budget",
      issue: `its runs train ${fmt(steps)} optimizer steps in total, more than this server accepts (${fmt(policy.maxSteps)})`,
      fix: "lower the budget or the number of runs, or ask the operator to raise BYTELAB_MAX_SWEEP_STEPS",
    });
  if (flops > policy.maxFlops)
    problems.push({
      path: "budget",
      issue: `its runs need ${fmt(flops)} training FLOPs in total, more than this server accepts (${fmt(policy.maxFlops)})`,
      fix: "lower the budget or the number of runs, or ask the operator to raise BYTELAB_MAX_SWEEP_FLOPS",
    });
  return problems;
}

/** Refuses (InvalidInputError, nothing written) a network spec that reads outside the data roots or is too big. */
export async function enforceUntrustedPolicy(
  expansion: Expansion,
  policy: UntrustedSpecPolicy,
): Promise<void> {
  const { datasetLocalPath } = await import("@bytelab/data");
  const problems = [
    ...sizeProblems(expansion, policy),
    ...datasetProblems(expansion, policy, datasetLocalPath),
  ];
  if (problems.length)
    throw new InvalidInputError(
      `the spec is not accepted by this server (${problems.length} problem${problems.length === 1 ? "" : "s"}; nothing was submitted)`,
      problems,
    );
}
