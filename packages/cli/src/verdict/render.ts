import type { Verdict } from "@bytelab/service/schemas";

const num = (v: number | null, digits = 4) => (v === null ? "-" : String(Number(v.toPrecision(digits))));

/** Listed runs per side; the rest are counted. */
const MAX_RUNS = 20;

function runLines(runs: Verdict["candidate"]["runs"]): string[] {
  const lines = runs
    .slice(0, MAX_RUNS)
    .map(
      (r) =>
        `    ${r.name} (${r.id}) seed ${r.seed} ${r.status}${r.gitCommit ? ` @${r.gitCommit.slice(0, 10)}` : ""}: ${num(r.value, 6)}`,
    );
  if (runs.length > MAX_RUNS) lines.push(`    ... and ${runs.length - MAX_RUNS} more`);
  return lines;
}

/** The verdict as the terminal shows it: the word, why, both sides, the effect with its interval, the link. */
export function verdictLines(v: Verdict): string[] {
  const n = (k: number) => `${k} value${k === 1 ? "" : "s"}`;
  const lines = [
    `verdict: ${v.verdict.toUpperCase()}`,
    `  reason     ${v.reason}`,
    `  metric     ${v.metric} (${v.direction} is better), tolerance ${v.tolerance}`,
    `  candidate  ${v.candidate.kind} ${v.candidate.id}: mean ${num(v.candidate.mean, 6)} (${n(v.candidate.n)})`,
    ...runLines(v.candidate.runs),
    `  baseline   ${v.baseline.description}: mean ${num(v.baseline.mean, 6)} (${n(v.baseline.n)})`,
    ...runLines(v.baseline.runs),
  ];
  if (v.effect) {
    const e = v.effect;
    const relative =
      e.relative === null ? "" : ` (${e.relative >= 0 ? "+" : ""}${num(100 * e.relative, 3)}%)`;
    const interval = e.interval
      ? `; ${Math.round(e.interval.level * 100)}% interval of worse-by: ${num(e.interval.lower)} to ${num(e.interval.upper)}`
      : "; no interval (single values)";
    lines.push(
      `  effect     difference ${num(e.difference)}${relative}, worse by ${num(e.worseBy)}${interval} [${e.method}]`,
    );
  }
  if (v.compareUrl) lines.push(`  compare    ${v.compareUrl}`);
  return lines;
}
