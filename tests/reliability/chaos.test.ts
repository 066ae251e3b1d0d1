import { describe, expect, it } from "vitest";
import { recoveryStats, runChaosSoak } from "./helpers/chaos";

// The chaos soak, short: 6 runs on 3 workers (one artifact folder, Redis with AOF everysec, one Postgres)
// while workers are SIGKILLed, Redis is SIGKILLed and Postgres restarts at random moments. Whatever happened:
// every run COMPLETED exactly once, every metric step exactly once, every value equal to an undisturbed run,
// no job left in Redis, no orphaned object in the store, no work folder left. `npm run bench -- chaos` is the
// 10-minute, 40-run version.

describe("chaos soak (short)", () => {
  it("loses nothing and duplicates nothing while workers, Redis and Postgres fail", async () => {
    const report = await runChaosSoak({
      runs: 6,
      workers: 3,
      steps: 1000,
      logInterval: 5,
      durationMs: 45_000,
      faultGapMs: [2_000, 3_500], // at least the 4 faults of one cycle even when the runs finish in ~20 s
      weights: { "worker-sigkill": 2, "redis-sigkill": 1, "postgres-restart": 1 },
      cycle: ["worker-sigkill", "redis-sigkill", "worker-sigkill", "postgres-restart"],
      artifacts: "file",
      seed: 15,
      stopWhenDone: true,
      // Only a deadline for the runs to finish after the faults (nothing is measured against it): generous,
      // because training runs at nice 10 and gets little CPU on a machine loaded by other work.
      settleMs: 240_000,
      log: (line) => {
        if (process.env.BYTELAB_TEST_VERBOSE) console.log(`[chaos] ${line}`);
      },
    });
    const r = recoveryStats(report);
    console.log(
      `[reliability] chaos: ${report.faults.length} faults (${r.kills} worker kills, ${r.redis.length} Redis kills, ` +
        `${r.postgres.length} Postgres restarts), ${report.completed}/${report.runs} runs COMPLETED, ${report.points} points, ` +
        `${report.resumes} resumes; killed runs claimed again after p50 ${r.claimP50} ms (max ${r.claimMax}), ` +
        `trained again after p50 ${r.resumeP50} ms (max ${r.resumeMax}); ` +
        `max |diff| vs undisturbed ${report.maxAnyDiff} over ${report.valuesCompared} values; ${report.wallSeconds.toFixed(0)} s + ` +
        `${report.referenceSeconds.toFixed(0)} s reference`,
    );
    expect(report.problems).toEqual([]);
    expect(report.faults.length).toBeGreaterThanOrEqual(4);
    expect(report.completedExactlyOnce).toBe(report.runs);
    expect(report.duplicatePoints + report.missingSteps).toBe(0);
    expect(report.maxAnyDiff).toBeLessThanOrEqual(1e-6);
    expect(report.orphanObjects).toEqual([]);
    expect(report.leftoverWorkFolders).toEqual([]);
    // Every killed worker's run trained again elsewhere. How soon is a speed target (10 s: lock 5 s + two
    // 0.5 s checks, claim, a warm training process), checked and reported by `npm run bench -- chaos`, and
    // only logged above here: on 2 shared cores it depends on what else runs (p50 14 s in a CI run; 143 s,
    // with every value still exact, at load average 30-38, where training at nice 10 waited for the CPU).
    expect(r.notResumed).toBe(0);
  }, 600_000);
});
