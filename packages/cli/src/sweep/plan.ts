import type { PlanRun, SpecIssueJson, SweepPlan } from "@bytelab/service/schemas";
import { sci, si, table } from "./format";

/** Runs listed one by one in a plan; the rest are counted. */
const MAX_LISTED_RUNS = 40;

function range(values: readonly [number, number] | null, fmt: (n: number) => string): string {
  if (values === null) return "-";
  const [lo, hi] = values;
  return lo === hi ? fmt(lo) : `${fmt(lo)}-${fmt(hi)}`;
}

const BUDGET_UNITS = { flops: "FLOPs", bytes: "bytes", steps: "steps" } as const;

function budgetText(runs: readonly PlanRun[]): string {
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
function architectureRows(plan: SweepPlan): string[] {
  const rows = [["architecture", "runs", "params", "budget", "steps", "train bytes", "train FLOPs"]];
  for (const a of plan.architectures)
    rows.push([
      a.entry === a.architecture ? a.entry : `${a.entry} (${a.architecture})`,
      String(a.runs),
      range(a.paramCount, (n) => si(n)),
      budgetText(plan.runs.filter((r) => r.entry === a.entry)),
      range(a.steps, String),
      range(a.bytes, (n) => si(n)),
      range(a.flops, sci),
    ]);
  return table(rows, [false, true, true, false, true, true, true]).map((l) => `  ${l}`);
}

function issueLine(kind: string, i: SpecIssueJson): string {
  const runs = i.runs?.length
    ? ` [${i.runs.length > 3 ? `${i.runs.slice(0, 3).join(", ")} and ${i.runs.length - 3} more` : i.runs.join(", ")}]`
    : "";
  return `  ${kind}: ${i.path || "(root)"}: ${i.issue}${i.fix ? ` (fix: ${i.fix})` : ""}${runs}`;
}

/**
 * What a submission does (a bytelab.sweep-plan/1 object): the runs per architecture with their budgets,
 * then each run and whether it is new or reuses an existing run ("?" when no database was consulted).
 */
export function planLines(plan: SweepPlan): string[] {
  const { runs } = plan;
  const architectures = [...new Set(runs.map((r) => r.architecture))];
  const seeds = [...new Set(runs.map((r) => r.seed))].sort((a, b) => a - b);
  const lines = [
    `plan: ${plan.kind} "${plan.name}": ${runs.length} run${runs.length === 1 ? "" : "s"} over ` +
      `${architectures.length} architecture${architectures.length === 1 ? "" : "s"} (${architectures.join(", ")}), ` +
      `seed${seeds.length === 1 ? "" : "s"} ${seeds.join(", ")}`,
    ...architectureRows(plan),
  ];
  const listed = runs.slice(0, MAX_LISTED_RUNS);
  const rows = [
    ["run", "seed", "params", "steps", "train FLOPs", "submission"],
    ...listed.map((r) => [
      r.label,
      String(r.seed),
      r.paramCount === null ? "-" : si(r.paramCount),
      String(r.steps),
      sci(r.flops),
      !plan.reuseChecked ? "?" : r.reuses ? `reuses ${r.reuses.runId} (${r.reuses.status})` : "new",
    ]),
  ];
  lines.push("", ...table(rows, [false, true, true, true, true, false]).map((l) => `  ${l}`));
  if (runs.length > listed.length) lines.push(`  ... and ${runs.length - listed.length} more runs`);
  lines.push(
    !plan.reuseChecked
      ? "  reuse of earlier runs: not checked (no database)"
      : `  ${plan.totals.new} new, ${plan.totals.reused} reused (same config hash as an earlier run)`,
  );
  for (const d of plan.duplicates) lines.push(`  duplicate: ${d.label} = ${d.sameAs} (runs once)`);
  for (const w of plan.warnings) lines.push(issueLine("warning", w));
  return lines;
}
