import type { IsoFlopAnalysis } from "@bytelab/analysis";
import type { SweepReport } from "@bytelab/analysis/report";

/** One budget of a ladder for one architecture: its runs by model size, and the parabola's verdict. */
export interface IsoFlopCurve {
  architecture: string;
  /** The planned training-FLOP budget the runs share. */
  budget: number;
  points: Array<{ params: number; loss: number; runName: string }>;
  /** From @bytelab/analysis isoFlopAnalysis: the loss-optimal size, or why there is none. */
  status: "ok" | "refused";
  reason: string | null;
  optimalParams: number | null;
  minLoss: number | null;
  /** The fitted parabola in ln(params), sampled for drawing (empty when there is none). */
  parabola: Array<{ params: number; loss: number }>;
}

export interface IsoFlopData {
  curves: IsoFlopCurve[];
  /** Per architecture: N_opt(C) = coefficient * C^exponent over its accepted budgets (null with fewer than two). */
  frontiers: Array<{ architecture: string; exponent: number; coefficient: number; budgetsUsed: number }>;
  /** Runs that could not be placed (no parameter count, no final value, no budget), said plainly. */
  notes: string[];
}

/** A ladder run's planned FLOP budget: the report's, else the budget in its label (`…/1e+12flops/s0`). */
function plannedBudget(run: SweepReport["runs"][number]): number | null {
  const withBudget = run as typeof run & { budget?: { flops: number } | null };
  if (withBudget.budget?.flops) return withBudget.budget.flops;
  const m = /\/([0-9.]+e[+-]?\d+)flops(\/|$)/.exec(run.name);
  return m ? Number(m[1]) : null;
}

/**
 * Iso-FLOP curves of a ladder sweep: for every architecture and planned budget, final held-out bpb against
 * model size, with @bytelab/analysis's isoFlopAnalysis (a parabola in ln(size), its minimum when inside the
 * tested sizes) and the compute-optimal frontier. Null for sweeps that are not ladders.
 */
export async function ladderIsoFlop(report: SweepReport): Promise<IsoFlopData | null> {
  if (report.sweep.kind !== "ladder") return null;
  const { isoFlopAnalysis } = await import("@bytelab/analysis");
  const notes: string[] = [];
  const byArch = new Map<string, Array<{ compute: number; params: number; loss: number; runName: string }>>();
  for (const run of report.runs) {
    if (run.status !== "COMPLETED") continue;
    const budget = plannedBudget(run);
    if (run.paramCount === null || run.finalHeldOut === null || budget === null) {
      notes.push(
        `${run.name}: left out (${run.paramCount === null ? "no parameter count" : run.finalHeldOut === null ? "no final held-out value" : "no FLOP budget"})`,
      );
      continue;
    }
    const list = byArch.get(run.architecture) ?? [];
    list.push({ compute: budget, params: run.paramCount, loss: run.finalHeldOut, runName: run.name });
    byArch.set(run.architecture, list);
  }
  const curves: IsoFlopCurve[] = [];
  const frontiers: IsoFlopData["frontiers"] = [];
  for (const [architecture, points] of byArch) {
    let analysis: IsoFlopAnalysis;
    try {
      analysis = isoFlopAnalysis(points.map(({ compute, params, loss }) => ({ compute, params, loss })));
    } catch (error) {
      notes.push(`${architecture}: ${(error as Error).message}`);
      continue;
    }
    for (const b of analysis.budgets) {
      const own = points.filter((p) => p.compute === b.compute).sort((x, y) => x.params - y.params);
      const parabola: IsoFlopCurve["parabola"] = [];
      const pb = b.parabola;
      if (pb && own.length > 0) {
        const lo = Math.log(own[0]!.params);
        const hi = Math.log(own.at(-1)!.params);
        for (let k = 0; k <= 24; k++) {
          const lnN = lo + ((hi - lo) * k) / 24;
          const u = lnN - pb.center;
          parabola.push({ params: Math.exp(lnN), loss: pb.a * u * u + pb.b * u + pb.c });
        }
      }
      curves.push({
        architecture,
        budget: b.compute,
        points: own.map(({ params, loss, runName }) => ({ params, loss, runName })),
        status: b.status,
        reason: b.reason,
        optimalParams: b.optimalParams,
        minLoss: b.minLoss,
        parabola,
      });
    }
    if (analysis.frontier)
      frontiers.push({
        architecture,
        exponent: analysis.frontier.exponent,
        coefficient: analysis.frontier.coefficient,
        budgetsUsed: analysis.frontier.budgetsUsed,
      });
  }
  return { curves, frontiers, notes };
}
