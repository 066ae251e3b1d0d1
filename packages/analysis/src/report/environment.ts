import type { ReportRun } from "./schema";
import type { EnvironmentRow, EnvironmentSection } from "./types";

function row(property: string, runs: ReportRun[], pick: (r: ReportRun) => string | null): EnvironmentRow {
  const counts = new Map<string, number>();
  let notRecorded = 0;
  for (const run of runs) {
    const value = pick(run);
    if (value === null || value === "") notRecorded++;
    else counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return {
    property,
    values: [...counts].map(([value, n]) => ({ value, runs: n })).sort((a, b) => b.runs - a.runs),
    notRecorded,
  };
}

/**
 * The environment the runs trained in, as the database recorded it: backend, device, project commit and
 * the worker (its version string is the bytelab version plus commit). Nothing is inferred.
 */
export function buildEnvironment(runs: ReportRun[]): EnvironmentSection {
  const started = runs.filter((r) => r.status !== "QUEUED");
  return {
    rows: [
      row("backend", started, (r) => r.backend),
      row("device", started, (r) => r.device),
      row("git commit", started, (r) => r.gitCommit),
      row("worker", started, (r) =>
        r.worker ? (r.worker.host ? `${r.worker.id} (${r.worker.host})` : r.worker.id) : null,
      ),
      row("worker version", started, (r) => r.worker?.version ?? null),
    ],
    notes: [
      "Runtime versions (Node.js, TF.js and its backend packages) are not recorded per run in the database.",
      ...(runs.length > started.length
        ? [`${runs.length - started.length} queued run(s) have not started and have no environment yet.`]
        : []),
    ],
  };
}
