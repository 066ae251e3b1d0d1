import type { RunDetail, RunList, RunRow } from "@bytelab/service/schemas";
import { clip, duration, fixed, rate, sci, si, table } from "../sweep/format";

function stepCell(r: RunRow): string {
  if (r.step === null && r.totalSteps === null) return "-";
  return `${r.step ?? 0}/${r.totalSteps ?? "?"}`;
}

/** The runs table: one row per run, the columns a comparison needs first. */
export function runsTable(list: RunList, width?: number): string[] {
  const rows = [
    ["id", "run", "status", "arch", "seed", "step", "best val", "test bpb", "params", "throughput", "time"],
    ...list.runs.map((r) => [
      r.id,
      r.name,
      r.status,
      r.architecture,
      String(r.seed),
      stepCell(r),
      fixed(r.bestValBpb),
      fixed(r.testBpb),
      r.paramCount === null ? "-" : si(r.paramCount),
      rate(r.bytesPerSecond),
      r.durationSeconds === null ? "-" : duration(r.durationSeconds),
    ]),
  ];
  return table(rows, [false, false, false, false, true, true, true, true, true, true, true]).map((l) =>
    clip(l, width),
  );
}

const show = (v: unknown): string =>
  v === null || v === undefined ? "-" : typeof v === "string" ? v : JSON.stringify(v);

/** `runs show`: the run's fields, what sets it apart in its sweep, where it ran, and its metrics. */
export function runDetailLines(detail: RunDetail): string[] {
  const r = detail.run;
  const lines = [
    `run ${r.name} (${r.id})`,
    `  status        ${r.status}${r.attempts > 1 ? ` (attempt ${r.attempts})` : ""}`,
    `  sweep         ${r.sweep ? `${r.sweep.name} (${r.sweep.id})` : "-"}`,
    `  architecture  ${r.architecture}, seed ${r.seed}, ${r.paramCount === null ? "?" : si(r.paramCount)} params, ${sci(r.flopsPerByte)} FLOPs/byte`,
    `  progress      step ${stepCell(r)}, ${r.bytesSeen === null ? "-" : si(r.bytesSeen)} bytes, ${sci(r.flops)} FLOPs, ${rate(r.bytesPerSecond)}`,
    `  bpb           val ${fixed(r.lastValBpb)} (best ${fixed(r.bestValBpb)}), train ${fixed(r.lastTrainBpb)}, test ${fixed(r.testBpb)}`,
    `  config hash   ${r.configHash}`,
    `  worker        ${r.worker ? `${r.worker.host} (${r.worker.id})` : "-"}`,
    `  ran on        ${[detail.environment.backend, detail.environment.device].filter(Boolean).join(", ") || "-"}` +
      `${detail.environment.gitCommit ? `, commit ${detail.environment.gitCommit.slice(0, 12)}` : ""}`,
    `  queued        ${r.queuedAt}${r.startedAt ? `, started ${r.startedAt}` : ""}${r.finishedAt ? `, finished ${r.finishedAt}` : ""}` +
      `${r.durationSeconds === null ? "" : ` (${duration(r.durationSeconds)})`}`,
  ];
  if (r.error) lines.push(`  error         ${r.error.split("\n")[0]}`);
  if (detail.earlyStop)
    lines.push(
      `  early stop    ${detail.earlyStop.reason}${detail.earlyStop.rung === null ? "" : ` (rung ${detail.earlyStop.rung})`}`,
    );
  if (detail.varying.length > 0) {
    lines.push("", "  what sets it apart in its sweep:");
    for (const v of detail.varying) lines.push(`    ${v.key} = ${show(v.value)}`);
  }
  if (detail.metrics.length > 0) {
    lines.push("");
    const rows = [
      ["metric", "points", "steps", "last", "min", "max"],
      ...detail.metrics.map((m) => [
        m.name,
        String(m.count),
        `${m.firstStep}-${m.lastStep}`,
        show(m.last === null ? null : Number(m.last.toPrecision(6))),
        show(m.min === null ? null : Number(m.min.toPrecision(6))),
        show(m.max === null ? null : Number(m.max.toPrecision(6))),
      ]),
    ];
    lines.push(...table(rows, [false, true, true, true, true, true]).map((l) => `  ${l}`));
  } else lines.push("", "  no metrics recorded yet");
  return lines;
}
