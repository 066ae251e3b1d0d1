import type { ServiceContext } from "../context";
import { detailsFromZodIssues, InvalidInputError, NotFoundError } from "../errors";
import { loadStats } from "../metrics/stats";
import type { RunStatusName } from "../schemas/common";
import {
  type Verdict,
  type VerdictName,
  type VerdictRequest,
  type VerdictRequestParsed,
  verdictRequestSchema,
  verdictSchema,
} from "../schemas/verdict";
import { findSweep, reusedRunIds } from "../sweeps/load";
import { differenceOfMeans } from "./statistics";

interface VerdictRun {
  id: string;
  name: string;
  seed: number;
  status: RunStatusName;
  gitCommit: string | null;
  configHash: string;
  value: number | null;
}

const RUN_FIELDS = {
  id: true,
  name: true,
  seed: true,
  status: true,
  gitCommit: true,
  configHash: true,
} as const;

/** Runs with their final value of `metric` (only a COMPLETED run has one). */
async function withValues(
  ctx: ServiceContext,
  runs: ReadonlyArray<Omit<VerdictRun, "value">>,
  metric: string,
): Promise<VerdictRun[]> {
  const stats = await loadStats(
    ctx.prisma,
    runs.map((r) => r.id),
    [metric],
  );
  return runs.map((r) => ({
    ...r,
    value: r.status === "COMPLETED" ? (stats.get(r.id)?.get(metric)?.last ?? null) : null,
  }));
}

async function candidateRuns(ctx: ServiceContext, req: VerdictRequestParsed) {
  if ("run" in req.candidate) {
    const run = await ctx.prisma.run.findUnique({ where: { id: req.candidate.run }, select: RUN_FIELDS });
    if (!run) throw new NotFoundError("run", req.candidate.run);
    return { kind: "run" as const, id: run.id, runs: [run] };
  }
  const sweep = await findSweep(ctx.prisma, req.candidate.sweep);
  const runs = await ctx.prisma.run.findMany({
    where: { OR: [{ sweepId: sweep.id }, { id: { in: reusedRunIds(sweep) } }] },
    select: RUN_FIELDS,
    orderBy: [{ queuedAt: "asc" }, { id: "asc" }],
  });
  return { kind: "sweep" as const, id: sweep.id, runs };
}

async function baselineRuns(
  ctx: ServiceContext,
  req: VerdictRequestParsed,
  candidates: ReadonlyArray<Omit<VerdictRun, "value">>,
): Promise<{
  kind: Verdict["baseline"]["kind"];
  description: string;
  runs: Array<Omit<VerdictRun, "value">>;
}> {
  const b = req.baseline;
  if ("value" in b) return { kind: "value", description: `the fixed value ${b.value}`, runs: [] };
  if ("run" in b) {
    const run =
      (await ctx.prisma.run.findUnique({ where: { id: b.run }, select: RUN_FIELDS })) ??
      (await ctx.prisma.run.findFirst({
        where: { name: b.run },
        select: RUN_FIELDS,
        orderBy: { queuedAt: "desc" },
      }));
    if (!run)
      throw new InvalidInputError(`no baseline run with id or name "${b.run}"`, [
        {
          path: "baseline.run",
          issue: "no run has this id or name",
          fix: "give a run id from `bytelab runs list`",
        },
      ]);
    return { kind: "run", description: `run ${run.name} (${run.id})`, runs: [run] };
  }
  // For each candidate: the newest COMPLETED run of the same config at another (known) git commit.
  const runs: Array<Omit<VerdictRun, "value">> = [];
  for (const c of candidates) {
    const previous = await ctx.prisma.run.findFirst({
      where: {
        configHash: c.configHash,
        status: "COMPLETED",
        id: { not: c.id },
        gitCommit: c.gitCommit ? { not: c.gitCommit } : { not: null },
      },
      select: RUN_FIELDS,
      orderBy: { finishedAt: "desc" },
    });
    if (previous && !runs.some((r) => r.id === previous.id)) runs.push(previous);
  }
  return {
    kind: "previousCommit",
    description: "the latest finished run of each config at another git commit",
    runs,
  };
}

function finite(runs: readonly VerdictRun[]): number[] {
  return runs.flatMap((r) => (r.value === null ? [] : [r.value]));
}

const mean = (v: readonly number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : null);

/**
 * Judges a run or a sweep against a baseline on a metric (default test/bpb, lower is better):
 *  - regression: a candidate run FAILED or DIVERGED, or the candidate is worse than the baseline by more than
 *    the tolerance (with seeds: the whole confidence interval of the difference is beyond it);
 *  - pass: it is not worse by more than the tolerance (with seeds: the whole interval is within it);
 *  - inconclusive: runs still going, values missing, or an interval that straddles the tolerance.
 */
export async function computeVerdict(ctx: ServiceContext, request: VerdictRequest): Promise<Verdict> {
  const parsed = verdictRequestSchema.safeParse(request);
  if (!parsed.success)
    throw new InvalidInputError("invalid verdict request", detailsFromZodIssues(parsed.error.issues));
  const req = parsed.data;
  const candidate = await candidateRuns(ctx, req);
  const baseline = await baselineRuns(ctx, req, candidate.runs);
  const [candRuns, baseRuns] = await Promise.all([
    withValues(ctx, candidate.runs, req.metric),
    withValues(ctx, baseline.runs, req.metric),
  ]);
  const candValues = finite(candRuns);
  const baseValues = "value" in req.baseline ? [req.baseline.value] : finite(baseRuns);
  const sign = req.direction === "lower" ? 1 : -1;

  let verdict: VerdictName;
  let reason: string;
  let effect: Verdict["effect"] = null;
  const broken = candRuns.filter((r) => r.status === "FAILED" || r.status === "DIVERGED");
  const going = candRuns.filter((r) => r.status === "QUEUED" || r.status === "RUNNING");
  if (candValues.length > 0 && baseValues.length > 0) {
    const d = differenceOfMeans(candValues, baseValues, req.confidence);
    const base = mean(baseValues)!;
    const interval = d.interval
      ? {
          level: d.interval.level,
          lower: Math.min(sign * d.interval.lower, sign * d.interval.upper),
          upper: Math.max(sign * d.interval.lower, sign * d.interval.upper),
        }
      : null;
    effect = {
      difference: d.difference,
      relative: base !== 0 ? d.difference / Math.abs(base) : null,
      worseBy: sign * d.difference,
      interval,
      method: d.method,
    };
  }
  const fmt = (v: number) => Number(v.toPrecision(4)).toString();
  if (candRuns.length === 0) {
    verdict = "inconclusive";
    reason = `the ${candidate.kind} has no runs`;
  } else if (broken.length > 0) {
    verdict = "regression";
    reason = `${broken.length} candidate run${broken.length === 1 ? "" : "s"} ${broken.map((r) => `${r.name} ${r.status}`).join(", ")}`;
  } else if (going.length > 0) {
    verdict = "inconclusive";
    reason = `${going.length} candidate run${going.length === 1 ? " has" : "s have"} not finished; wait for ${going.length === 1 ? "it" : "them"} first`;
  } else if (candValues.length === 0) {
    verdict = "inconclusive";
    reason = `no candidate run recorded ${req.metric}`;
  } else if (baseValues.length === 0) {
    verdict = "inconclusive";
    reason =
      baseline.kind === "previousCommit"
        ? "no finished run of the same config at another git commit to compare with"
        : `the baseline has no finished value of ${req.metric}`;
  } else if (effect?.interval) {
    const { lower, upper, level } = effect.interval;
    const pct = `${Math.round(level * 100)}%`;
    if (lower > req.tolerance) {
      verdict = "regression";
      reason = `${req.metric} is worse by ${fmt(effect.worseBy)} (${pct} interval ${fmt(lower)} to ${fmt(upper)}), beyond the tolerance ${req.tolerance}`;
    } else if (upper <= req.tolerance) {
      verdict = "pass";
      reason =
        upper <= 0
          ? `${req.metric} is better by at least ${fmt(-upper)} (${pct} interval), within the tolerance ${req.tolerance}`
          : `${req.metric} is worse by at most ${fmt(upper)} (${pct} interval), within the tolerance ${req.tolerance}`;
    } else {
      verdict = "inconclusive";
      reason = `the ${pct} interval of the difference (${fmt(lower)} to ${fmt(upper)}) straddles the tolerance ${req.tolerance}; add seeds to decide`;
    }
  } else {
    const worse = effect!.worseBy;
    verdict = worse > req.tolerance ? "regression" : "pass";
    reason = `${req.metric} ${worse > 0 ? `is worse by ${fmt(worse)}` : `is not worse (${fmt(worse)})`}, ${verdict === "pass" ? "within" : "beyond"} the tolerance ${req.tolerance} (single values: no interval)`;
  }

  const ids = [...candRuns, ...baseRuns].map((r) => r.id);
  const compareUrl =
    ctx.dashboardUrl && ids.length
      ? `${ctx.dashboardUrl}/compare?runs=${ids.join(",")}&metric=${encodeURIComponent(req.metric)}`
      : null;
  const strip = ({ configHash: _, ...r }: VerdictRun) => r;
  return verdictSchema.parse({
    format: "bytelab.verdict/1",
    verdict,
    reason,
    metric: req.metric,
    direction: req.direction,
    tolerance: req.tolerance,
    candidate: {
      kind: candidate.kind,
      id: candidate.id,
      runs: candRuns.map(strip),
      mean: mean(candValues),
      n: candValues.length,
    },
    baseline: {
      kind: baseline.kind,
      description: baseline.description,
      runs: baseRuns.map(strip),
      mean: mean(baseValues),
      n: baseValues.length,
    },
    effect,
    compareUrl,
    at: new Date().toISOString(),
  });
}
