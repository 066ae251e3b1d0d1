import {
  createRandom,
  downsampleSeries,
  findCrossing,
  fitScalingLaws,
  type ScalingRunInput,
} from "../../packages/analysis/src";
import type { BenchReport, BenchSuite } from "../lib";

// Scaling-law fitting as the dashboard does it: 4 architectures x 30 runs (10 compute budgets x 3 seeds),
// each fitted by bounded Levenberg-Marquardt and bootstrapped with 1,000 resamples, then all crossings.
// Timed end to end (validation included); the median of REPEATS after one warm-up run. Downsampling of
// 4 chart series is timed alongside for scale. Target: the fits + bootstraps under 1 s in total.

const ARCHITECTURES = [
  { name: "transformer", E: 0.9, A: 8, alpha: 0.1 },
  { name: "hourglass", E: 0.78, A: 40, alpha: 0.14 },
  { name: "hnet", E: 0.72, A: 100, alpha: 0.15 },
  { name: "megabyte", E: 0.8, A: 30, alpha: 0.13 },
];
const LEVELS = 10;
const SEEDS = 3;
const RESAMPLES = 1000;
const REPEATS = 5;
const TARGET_MS = 1000;
const SERIES_POINTS = 250_000;

function syntheticRuns(seed: number): ScalingRunInput[] {
  const random = createRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
  return ARCHITECTURES.flatMap((arch) =>
    Array.from({ length: LEVELS * SEEDS }, (_, i) => {
      const compute = 1e15 * 1e4 ** (Math.floor(i / SEEDS) / (LEVELS - 1));
      return {
        runId: `${arch.name}-${i}`,
        architecture: arch.name,
        compute,
        bitsPerByte: arch.E + arch.A * compute ** -arch.alpha + 0.01 * normal(),
      };
    }),
  );
}

function medianMs(fn: () => void): number {
  fn(); // warm-up: JIT and zod schema compilation
  const times: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(REPEATS / 2)]!;
}

const suite: BenchSuite = {
  name: "analysis",
  description: `scaling-law fits: ${ARCHITECTURES.length} architectures x ${LEVELS * SEEDS} runs, ${RESAMPLES.toLocaleString()} bootstrap resamples each`,
  async run(): Promise<BenchReport> {
    const runs = syntheticRuns(1);
    const fitMs = (unit: "runs" | "seeds-within-compute", resamples: number) =>
      medianMs(() => fitScalingLaws(runs, { resamples, unit, seed: 0 }));
    const pointOnly = fitMs("runs", 0);
    const byRuns = fitMs("runs", RESAMPLES);
    const byCells = fitMs("seeds-within-compute", RESAMPLES);
    const { fits } = fitScalingLaws(runs, { resamples: RESAMPLES, seed: 0 });
    const crossingMs = medianMs(() => {
      for (let i = 0; i < fits.length; i++)
        for (let j = i + 1; j < fits.length; j++) findCrossing(fits[i]!, fits[j]!, { range: [1e15, 1e21] });
    });

    const random = createRandom(2);
    const series = ARCHITECTURES.map((a) => {
      const x = Array.from({ length: SERIES_POINTS }, (_, i) => 1e12 * 1e6 ** (i / (SERIES_POINTS - 1)));
      return { id: a.name, x, y: x.map((c) => a.E + a.A * c ** -a.alpha + 0.02 * random.next()) };
    });
    const minmaxMs = medianMs(() =>
      downsampleSeries(series, { method: "minmax", buckets: 1000, scale: "log" }),
    );
    const lttbMs = medianMs(() => downsampleSeries(series, { method: "lttb", buckets: 1000, scale: "log" }));

    const fitsTotal = ARCHITECTURES.length * (RESAMPLES + 1);
    const rows: Array<Array<string | number>> = [
      [
        "fit, no bootstrap",
        `${ARCHITECTURES.length} fits`,
        pointOnly,
        (pointOnly * 1000) / ARCHITECTURES.length,
      ],
      ["fit + bootstrap (runs)", `${fitsTotal.toLocaleString()} fits`, byRuns, (byRuns * 1000) / fitsTotal],
      [
        "fit + bootstrap (seeds-within-compute)",
        `${fitsTotal.toLocaleString()} fits`,
        byCells,
        (byCells * 1000) / fitsTotal,
      ],
      [
        "crossings, all 6 pairs",
        `${6 * RESAMPLES} curve pairs`,
        crossingMs,
        (crossingMs * 1000) / (6 * (RESAMPLES + 1)),
      ],
      [
        "downsample min/max, log x",
        `4 x ${SERIES_POINTS.toLocaleString()} pts`,
        minmaxMs,
        (minmaxMs * 1000) / 4,
      ],
      ["downsample LTTB, log x", `4 x ${SERIES_POINTS.toLocaleString()} pts`, lttbMs, (lttbMs * 1000) / 4],
    ];
    const fitRows = fits.map(
      (f) =>
        `${f.architecture}: alpha ${f.params.alpha.toFixed(3)} [${f.intervals!.alpha.lower.toFixed(3)}, ${f.intervals!.alpha.upper.toFixed(3)}], E ${f.params.E.toFixed(3)}`,
    );
    return {
      title: `Analysis (median of ${REPEATS} after a warm-up)`,
      columns: ["task", "size", "ms", "us per unit"],
      rows,
      summary: [
        `fit + ${RESAMPLES} resamples for ${ARCHITECTURES.length} x ${LEVELS * SEEDS} runs: ${byRuns.toFixed(0)} ms (target < ${TARGET_MS} ms: ${byRuns < TARGET_MS ? "met" : "MISSED"}), ${(TARGET_MS / byRuns).toFixed(1)}x headroom`,
        `resampling seeds within compute costs ${(byCells / byRuns).toFixed(2)}x resampling runs`,
        `LTTB costs ${(lttbMs / minmaxMs).toFixed(2)}x min/max on the same series`,
        ...fitRows,
      ],
      data: {
        pointOnlyMs: pointOnly,
        bootstrapRunsMs: byRuns,
        bootstrapSeedsWithinComputeMs: byCells,
        crossingsMs: crossingMs,
        minmaxMs,
        lttbMs,
        targetMs: TARGET_MS,
        fits: fits.map((f) => ({ architecture: f.architecture, params: f.params, intervals: f.intervals })),
      },
    };
  },
};

export default suite;
