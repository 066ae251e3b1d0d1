import type { Expansion, RunSpec, SpecIssue, SubmissionPlan } from "@bytelab/experiments";
import { sci, si, table } from "./format";

/** Runs listed one by one in a plan; the rest are counted. */
const MAX_LISTED_RUNS = 40;

function range(values: number[], fmt: (n: number) => string): string {
  if (values.length === 0) return "-";
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? fmt(lo) : `${fmt(lo)}-${fmt(hi)}`;
}

const BUDGET_UNITS = { flops: "FLOPs", bytes: "bytes", steps: "steps" } as const;

function budgetText(runs: RunSpec[]): string {
  const written = [
    ...new Set(
      runs.map(
        (r) =>
          `${r.budget.kind === "flops" ? sci(r.budget.value) : si(r.budget.value)} ${BUDGET_UNITS[r.budget.kind]}`,
      ),
    ),
  ];
  return written.length <= 2 ? written.join(", ") : `${written.length} budgets`;
}

/** One row per architecture entry: runs, parameters, budget as written, steps, training bytes and FLOPs. */
function architectureRows(runs: RunSpec[]): string[] {
  const groups = new Map<string, RunSpec[]>();
  for (const r of runs) groups.set(r.origin.entry, [...(groups.get(r.origin.entry) ?? []), r]);
  const rows = [["architecture", "runs", "params", "budget", "steps", "train bytes", "train FLOPs"]];
  for (const [entry, group] of groups)
    rows.push([
      entry === group[0]!.architecture ? entry : `${entry} (${group[0]!.architecture})`,
      String(group.length),
      range(
        group.flatMap((r) => (r.paramCount === null ? [] : [r.paramCount])),
        (n) => si(n),
      ),
      budgetText(group),
      range(
        group.map((r) => r.budget.steps),
        String,
      ),
      range(
        group.map((r) => r.budget.bytes),
        (n) => si(n),
      ),
      range(
        group.flatMap((r) => (r.budget.flops === null ? [] : [r.budget.flops])),
        sci,
      ),
    ]);
  return table(rows, [false, true, true, false, true, true, true]).map((l) => `  ${l}`);
}

function issueLine(kind: string, i: SpecIssue): string {
  return `  ${kind}: ${i.path || "(root)"}: ${i.issue}${i.fix ? ` (fix: ${i.fix})` : ""}`;
}

/**
 * What a submission would do: the runs per architecture with their budgets, then each run and whether it
 * is new or reuses an existing run (`plan` null: reuse unknown, no database was consulted).
 */
export function planLines(expansion: Expansion, plan: SubmissionPlan | null): string[] {
  const { spec, runs } = expansion;
  const architectures = new Set(runs.map((r) => r.architecture));
  const seeds = [...new Set(runs.map((r) => r.seed))].sort((a, b) => a - b);
  const lines = [
    `plan: ${spec.kind} "${spec.name}": ${runs.length} run${runs.length === 1 ? "" : "s"} over ` +
      `${architectures.size} architecture${architectures.size === 1 ? "" : "s"} (${[...architectures].join(", ")}), ` +
      `seed${seeds.length === 1 ? "" : "s"} ${seeds.join(", ")}`,
    ...architectureRows(runs),
  ];
  const reuseOf = new Map(plan?.reuse.map((r) => [r.run.configHash, r.existing]) ?? []);
  const listed = runs.slice(0, MAX_LISTED_RUNS);
  const rows = [
    ["run", "seed", "params", "steps", "train FLOPs", "submission"],
    ...listed.map((r) => {
      const existing = reuseOf.get(r.configHash);
      return [
        r.label,
        String(r.seed),
        r.paramCount === null ? "-" : si(r.paramCount),
        String(r.budget.steps),
        sci(r.budget.flops),
        plan === null ? "?" : existing ? `reuses ${existing.id} (${existing.status})` : "new",
      ];
    }),
  ];
  lines.push("", ...table(rows, [false, true, true, true, true, false]).map((l) => `  ${l}`));
  if (runs.length > listed.length) lines.push(`  ... and ${runs.length - listed.length} more runs`);
  lines.push(
    plan === null
      ? "  reuse of earlier runs: not checked (no database)"
      : `  ${plan.create.length} new, ${plan.reuse.length} reused (same config hash as an earlier run)`,
  );
  for (const d of expansion.duplicates) lines.push(`  duplicate: ${d.label} = ${d.sameAs} (runs once)`);
  for (const w of expansion.warnings) lines.push(issueLine("warning", w));
  return lines;
}
