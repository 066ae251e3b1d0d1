import type { SweepReport } from "@bytelab/analysis/report";
import { sweepReport } from "@bytelab/service";
import Link from "next/link";
import { notFound } from "next/navigation";
import { timestamp } from "../../../../components/sweeps/format";
import { isNotFound, LoadError } from "../../../../components/sweeps/load-error";
import { type IsoFlopData, ladderIsoFlop } from "../../../../components/sweeps/scaling/isoflop";
import {
  ComputeMatchedTable,
  CrossingsList,
  DirectTable,
  FitTable,
  SeedsTable,
} from "../../../../components/sweeps/scaling/report-tables";
import {
  DirectChart,
  IsoFlopChart,
  LearningCurvesChart,
  ScalingChart,
} from "../../../../components/sweeps/scaling/scaling-charts";
import { scalingMode } from "../../../../components/sweeps/scaling/scaling-series";
import { firstParam, type SearchParams } from "../../../../components/sweeps/search-params";
import { requireViewer } from "../../../../lib/auth/page";
import { serviceContext } from "../../../../lib/service-context";

export const dynamic = "force-dynamic";

/** "1e15, 3e15" -> [1e15, 3e15]; null when absent or not a list of positive numbers. */
function parseBudgets(raw: string | undefined): number[] | null {
  if (!raw?.trim()) return null;
  const values = raw
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(Number);
  return values.length > 0 && values.every((v) => Number.isFinite(v) && v > 0) ? values : null;
}

/**
 * /sweeps/[id]/scaling?budgets=1e12,3e12: the sweep's analysis from sweepReport (@bytelab/analysis, the numbers
 * `bytelab report` prints): scaling laws or the direct comparison, crossings, the compute-matched table, seed
 * aggregation, learning curves and, for a ladder, iso-FLOP curves. Every chart exports PNG / SVG / CSV.
 */
export default async function ScalingPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { id } = await params;
  const query = await searchParams;
  const budgetsText = firstParam(query.budgets);
  const budgets = parseBudgets(budgetsText);
  await requireViewer(
    `/sweeps/${encodeURIComponent(id)}/scaling${budgetsText ? `?budgets=${encodeURIComponent(budgetsText)}` : ""}`,
  );
  let report: SweepReport | null = null;
  let iso: IsoFlopData | null = null;
  let error: unknown = null;
  try {
    report = await sweepReport(serviceContext(), id, budgets ? { budgets } : {});
    iso = await ladderIsoFlop(report);
  } catch (e) {
    if (isNotFound(e)) notFound();
    error = e;
  }
  const sweepHref = `/sweeps/${encodeURIComponent(id)}`;
  return (
    <main className="page">
      <p className="breadcrumb">
        <Link href="/sweeps">Sweeps</Link> / <Link href={sweepHref}>{report?.sweep.name ?? id}</Link> /
        scaling
      </p>
      {!report ? (
        <LoadError what="the sweep's analysis" error={error} />
      ) : (
        <ScalingBody
          report={report}
          iso={iso}
          budgetsText={budgetsText ?? ""}
          badBudgets={!!budgetsText && !budgets}
        />
      )}
    </main>
  );
}

function ScalingBody({
  report,
  iso,
  budgetsText,
  badBudgets,
}: {
  report: SweepReport;
  iso: IsoFlopData | null;
  budgetsText: string;
  badBudgets: boolean;
}) {
  const mode = scalingMode(report);
  const s = report.summary;
  const isoArchitectures = iso ? [...new Set(iso.curves.map((c) => c.architecture))] : [];
  return (
    <>
      <h1 className="title">Scaling: {report.sweep.name}</h1>
      <p className="muted small">
        {report.sweep.kind ?? "sweep"} · {s.runs} runs ·{" "}
        {s.byStatus.map((b) => `${b.count} ${b.status.toLowerCase()}`).join(", ")} · held-out metric{" "}
        <code>{report.scaling.metric}</code> · analysed {timestamp(report.generatedAt)} (reload for newer
        results) · the same numbers as <code>npx bytelab report {report.sweep.id}</code>
      </p>
      {report.warnings.length > 0 ? (
        <div className="notice warn" role="note">
          <strong>Read with care</strong>
          <ul>
            {report.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </div>
      ) : null}

      <section className="card section" aria-labelledby="scaling-heading" id="scaling">
        <h2 id="scaling-heading">{mode === "fit" ? "Scaling laws" : "Direct comparison"}</h2>
        {mode === "fit" ? (
          <>
            <ScalingChart report={report} />
            <FitTable report={report} />
            <h3 className="subhead">Crossings</h3>
            <CrossingsList report={report} />
          </>
        ) : (
          <>
            <p className="muted small">
              No architecture has runs at three or more compute values, so no scaling law is fitted (and
              nothing is extrapolated): the settings are compared directly at the compute they ran.
            </p>
            <DirectChart report={report} />
            <DirectTable report={report} />
          </>
        )}
      </section>

      {iso ? (
        <section className="card section" aria-labelledby="isoflop-heading" id="iso-flop">
          <h2 id="isoflop-heading">Iso-FLOP curves</h2>
          {isoArchitectures.length === 0 ? (
            <p className="muted">No completed ladder run yet.</p>
          ) : (
            <div className="chart-grid">
              {isoArchitectures.map((a) => (
                <IsoFlopChart key={a} architecture={a} data={iso} />
              ))}
            </div>
          )}
          {iso.curves.some((c) => c.status === "refused") ? (
            <ul className="plain-list small muted">
              {iso.curves
                .filter((c) => c.status === "refused")
                .map((c) => (
                  <li key={`${c.architecture}:${c.budget}`}>
                    {c.architecture} at {c.budget.toExponential(1)} FLOPs: {c.reason}
                  </li>
                ))}
            </ul>
          ) : null}
          {iso.notes.length > 0 ? <p className="muted small">{iso.notes.join("; ")}</p> : null}
        </section>
      ) : null}

      <section className="card section" aria-labelledby="matched-heading" id="compute-matched">
        <div className="section-head">
          <h2 id="matched-heading">Compute-matched comparison</h2>
          <form className="inline-form" action="" method="get">
            <label className="inline-label">
              budgets{" "}
              <input
                type="text"
                name="budgets"
                defaultValue={budgetsText}
                placeholder="auto, or 1e12, 3e12"
                aria-invalid={badBudgets ? true : undefined}
              />
            </label>
            <button type="submit" className="button small">
              Compare
            </button>
          </form>
        </div>
        {badBudgets ? (
          <p className="field-error" role="alert">
            “{budgetsText}” is not a list of positive FLOP budgets (e.g. 1e12, 3e12): the budgets are chosen
            automatically.
          </p>
        ) : null}
        <ComputeMatchedTable report={report} />
      </section>

      <section className="card section" aria-labelledby="seeds-heading" id="seeds">
        <h2 id="seeds-heading">Seed aggregation</h2>
        <SeedsTable report={report} />
      </section>

      <section className="card section" aria-labelledby="curves-heading" id="curves">
        <h2 id="curves-heading">Learning curves</h2>
        {report.learningCurves.architectures.length === 0 ? (
          <p className="muted">No run has recorded a curve yet.</p>
        ) : (
          <div className="chart-grid">
            {report.learningCurves.architectures.map((a) => (
              <LearningCurvesChart key={a.architecture} report={report} architecture={a.architecture} />
            ))}
          </div>
        )}
      </section>
    </>
  );
}
