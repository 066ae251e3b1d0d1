import { type FaultKind, recoveryStats, runChaosSoak } from "../../tests/reliability/helpers/chaos";
import type { BenchReport, BenchSuite } from "../lib";

// The chaos soak (tests/reliability/helpers/chaos.ts): a 40-run sweep on 3 trainer workers (separate local
// folders, one S3-compatible store: a local s3rver) with Redis (AOF everysec) and Postgres, while a driver
// SIGKILLs workers (a supervisor starts them again a second later), SIGKILLs Redis and restarts Postgres at
// random moments for 10 minutes. Then the checks: every run COMPLETED exactly once, every metric step
// exactly once, every value equal to an undisturbed run of the same config, no leftover job, object or work
// folder. BYTELAB_CHAOS_MINUTES shortens it (e.g. 2 for a quick look).

const MINUTES = Number(process.env.BYTELAB_CHAOS_MINUTES ?? 10);
const RECOVERY_TARGET_MS = 10_000;

function ms(x: number | null | undefined): string {
  return x === null || x === undefined ? "-" : `${(x / 1000).toFixed(1)} s`;
}

function quantile(xs: number[], p: number): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

const suite: BenchSuite = {
  name: "chaos",
  description: `chaos soak: 40 runs on 3 workers for ${MINUTES} min while workers and Redis are SIGKILLed and Postgres restarts; nothing lost, nothing doubled`,
  async run(): Promise<BenchReport> {
    const report = await runChaosSoak({
      runs: 40,
      workers: 3,
      steps: Math.max(500, Math.round((3_500 * MINUTES) / 10)),
      logInterval: 10,
      durationMs: MINUTES * 60_000,
      faultGapMs: [6_000, 20_000],
      weights: { "worker-sigkill": 3, "redis-sigkill": 1, "postgres-restart": 1 },
      artifacts: "s3",
      seed: 20261203,
      stopWhenDone: false,
      settleMs: 20 * 60_000,
      log: (line) => console.log(`  [chaos] ${line}`),
    });
    const r = recoveryStats(report);
    const kinds: FaultKind[] = ["worker-sigkill", "redis-sigkill", "postgres-restart"];
    const kills = report.faults.filter((f) => f.kind === "worker-sigkill");
    const claimed = kills.flatMap((f) => f.claimedAfterMs).filter((x): x is number => x !== null);
    const withinTarget = r.resumed.filter((x) => x < RECOVERY_TARGET_MS).length;
    const ok = (b: boolean) => (b ? "ok" : "FAILED");
    const rows: Array<Array<string | number>> = [
      ...kinds.map((k) => {
        const fs = report.faults.filter((f) => f.kind === k);
        const down = fs.map((f) => f.downMs);
        return [
          `faults: ${k}`,
          fs.length,
          k === "worker-sigkill"
            ? `killed ${r.killedRuns} running run(s)`
            : `down p50 ${ms(quantile(down, 50))}, max ${ms(quantile(down, 100))}`,
          "",
        ];
      }),
      [
        "recovery: killed run claimed by another worker",
        claimed.length,
        `p50 ${ms(quantile(claimed, 50))}, p95 ${ms(quantile(claimed, 95))}, max ${ms(quantile(claimed, 100))}`,
        "",
      ],
      [
        "recovery: killed run training again (resumed event)",
        r.resumed.length,
        `p50 ${ms(quantile(r.resumed, 50))}, p95 ${ms(quantile(r.resumed, 95))}, max ${ms(quantile(r.resumed, 100))}; ` +
          `${withinTarget}/${r.resumed.length} < ${RECOVERY_TARGET_MS / 1000} s; ${r.notResumed} never`,
        // The recovery-latency target is checked here, not in tests/reliability/chaos.test.ts (timing on shared
        // cores is no test's business): p50 under the target and every killed run trained again.
        `p50 < ${RECOVERY_TARGET_MS / 1000} s: ${ok(r.resumeP50 !== null && r.resumeP50 < RECOVERY_TARGET_MS && r.notResumed === 0)}`,
      ],
      [
        "runs COMPLETED / submitted",
        `${report.completed}/${report.runs}`,
        `exactly once: ${report.completedExactlyOnce}`,
        ok(report.completedExactlyOnce === report.runs),
      ],
      [
        "resumes from a checkpoint; claims in all",
        report.resumes,
        `${report.attemptsTotal} attempts for ${report.runs} runs`,
        "",
      ],
      [
        "metric points",
        report.points,
        `duplicates ${report.duplicatePoints}, missing steps ${report.missingSteps}`,
        ok(report.duplicatePoints + report.missingSteps === 0),
      ],
      [
        "values vs undisturbed runs",
        report.valuesCompared,
        `max |diff| ${report.maxAnyDiff} (final loss ${report.maxFinalLossDiff}, test bpb ${report.maxTestBpbDiff})`,
        ok(report.maxAnyDiff <= 1e-6),
      ],
      [
        "jobs left in Redis (not completed)",
        Object.values(report.leftoverJobs).reduce((a, b) => a + b, 0),
        JSON.stringify(report.leftoverJobs),
        ok(Object.keys(report.leftoverJobs).length === 0),
      ],
      [
        "orphaned objects in the store",
        report.orphanObjects.length,
        report.orphanObjects.slice(0, 2).join(", "),
        ok(report.orphanObjects.length === 0),
      ],
      [
        "work folders left on workers",
        report.leftoverWorkFolders.length,
        report.leftoverWorkFolders.slice(0, 2).join(", "),
        ok(report.leftoverWorkFolders.length === 0),
      ],
    ];
    return {
      title: `Chaos soak: ${report.runs} runs, 3 workers, ${MINUTES} min of faults (${report.faults.length} injected), S3 store, Redis AOF everysec`,
      columns: ["measure", "value", "detail", "check"],
      rows,
      summary: [
        `${report.faults.length} faults (${r.kills} worker SIGKILLs, ${r.redis.length} Redis SIGKILLs, ${r.postgres.length} Postgres restarts) in ${MINUTES} min; ${report.completed}/${report.runs} runs COMPLETED (exactly once: ${report.completedExactlyOnce}), ${report.points.toLocaleString()} metric points, ${report.duplicatePoints} duplicated, ${report.missingSteps} steps missing`,
        `every value equal to an undisturbed run of the same config: max |diff| ${report.maxAnyDiff} over ${report.valuesCompared.toLocaleString()} values (${report.resumes} resumes from checkpoints)`,
        `a SIGKILLed worker's run: claimed again after p50 ${ms(quantile(claimed, 50))} (max ${ms(quantile(claimed, 100))}), training again after p50 ${ms(quantile(r.resumed, 50))} (max ${ms(quantile(r.resumed, 100))}); ${withinTarget}/${r.resumed.length} within ${RECOVERY_TARGET_MS / 1000} s. BullMQ's defaults (30 s lock, 30 s stalled check) would take 30-60 s to even notice; ours: 5 s lock renewed every 2.5 s by the worker process (training runs in a lower-priority child, so renewal is never late), a 0.5 s stalled check (two checks mark then move: lock + 1 s), the job back at the head of the queue, the replacement worker waiting for it before taking fresh work, and a training process started ahead of time`,
        report.problems.length
          ? `PROBLEMS: ${report.problems.slice(0, 5).join(" | ")}`
          : "no problem found: nothing lost, nothing doubled, nothing left behind",
        `soak ${report.wallSeconds.toFixed(0)} s, undisturbed reference training ${report.referenceSeconds.toFixed(0)} s`,
      ],
      data: { ...report, recovery: { ...r, claimed, targetMs: RECOVERY_TARGET_MS, withinTarget } },
    };
  },
};

export default suite;
