import type { ComparisonCell, ReportFit, SweepReport } from "@bytelab/analysis/report";
import { seriesColor } from "../../charts/palette";
import { fixed, percent, sci } from "../format";
import { architectureSlots, directSettings, settingName } from "./scaling-series";

// The report's tables, as `bytelab report` prints them (same numbers, same rounding).

function Swatch({ slot }: { slot: number }) {
  return <span className="swatch" style={{ background: seriesColor(slot) }} aria-hidden="true" />;
}

function WithInterval({
  value,
  iv,
  fmt,
}: {
  value: number;
  iv: { lower: number; upper: number } | undefined | null;
  fmt: (v: number) => string;
}) {
  return (
    <>
      {fmt(value)}
      {iv ? (
        <>
          <br />
          <span className="muted small">
            [{fmt(iv.lower)}, {fmt(iv.upper)}]
          </span>
        </>
      ) : null}
    </>
  );
}

/** The fitted law per architecture: E, A, α with bootstrap intervals, data, R², prediction, fit status. */
export function FitTable({ report }: { report: SweepReport }) {
  const s = report.scaling;
  const slots = architectureSlots(report);
  const fitted = s.architectures.filter((a) => a.fit);
  const skipped = s.architectures.filter((a) => !a.fit);
  return (
    <>
      {fitted.length > 0 ? (
        <div className="table-wrap">
          <table className="fit-table">
            <caption className="visually-hidden">fitted scaling laws</caption>
            <thead>
              <tr>
                <th scope="col">architecture</th>
                <th scope="col" className="n">
                  E (bpb)
                </th>
                <th scope="col" className="n">
                  A
                </th>
                <th scope="col" className="n">
                  α
                </th>
                <th scope="col" className="n">
                  data (FLOPs range)
                </th>
                <th scope="col" className="n">
                  R²
                </th>
                <th scope="col" className="n">
                  predicted at {sci(s.extrapolateTo)}
                </th>
                <th scope="col">fit</th>
              </tr>
            </thead>
            <tbody>
              {fitted.map((a) => {
                const fit = a.fit as ReportFit;
                const iv = fit.intervals;
                const pred = fit.band.at(-1);
                const leftOut = a.points.filter((p) => !p.used);
                return (
                  <tr key={a.architecture} data-architecture={a.architecture}>
                    <td className="nowrap">
                      <Swatch slot={slots.get(a.architecture) ?? 0} />
                      {a.architecture}
                    </td>
                    <td className="n">
                      <WithInterval value={fit.params.E} iv={iv?.E} fmt={(v) => fixed(v)} />
                    </td>
                    <td className="n">
                      <WithInterval value={fit.params.A} iv={iv?.A} fmt={(v) => sci(v)} />
                    </td>
                    <td className="n">
                      <WithInterval value={fit.params.alpha} iv={iv?.alpha} fmt={(v) => fixed(v)} />
                    </td>
                    <td className="n">
                      {fit.data.points} runs, {fit.data.distinctCompute} budgets
                      <br />
                      <span className="muted small">
                        {sci(fit.data.computeMin)} – {sci(fit.data.computeMax)}
                      </span>
                    </td>
                    <td className="n">
                      {fit.quality.r2 === null ? "—" : fixed(fit.quality.r2)}
                      <br />
                      <span className="muted small">RMSE {fixed(fit.quality.rmse, 4)}</span>
                    </td>
                    <td className="n">
                      {pred ? (
                        <WithInterval
                          value={pred.estimate}
                          iv={
                            pred.lower !== null && pred.upper !== null
                              ? { lower: pred.lower, upper: pred.upper }
                              : null
                          }
                          fmt={(v) => fixed(v)}
                        />
                      ) : (
                        "—"
                      )}
                    </td>
                    <td>
                      {fit.provisional ? (
                        <>
                          <span className="badge status-DIVERGED">provisional</span>
                          <ul className="reasons small">
                            {fit.reasons.map((r) => (
                              <li key={r}>{r}</li>
                            ))}
                          </ul>
                        </>
                      ) : (
                        <span className="badge ok-badge">ok</span>
                      )}
                      {leftOut.length > 0 ? (
                        <div className="muted small">
                          left out: {leftOut.map((p) => `${p.runName} (${p.reason})`).join("; ")}
                        </div>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      {skipped.length > 0 ? (
        <ul className="plain-list">
          {skipped.map((a) => (
            <li key={a.architecture}>
              <Swatch slot={slots.get(a.architecture) ?? 0} />
              <strong>{a.architecture}</strong>: no fit. {a.skipped}
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}

/** Where the fitted laws cross (and the bootstrap interval of each crossing). */
export function CrossingsList({ report }: { report: SweepReport }) {
  const s = report.scaling;
  if (s.crossings.length === 0)
    return <p className="muted">Fewer than two architectures have a fitted law: nothing can cross.</p>;
  return (
    <ul className="plain-list crossings">
      {s.crossings.map((c) => {
        const [a, b] = c.architectures;
        return (
          <li key={`${a}-${b}`}>
            <strong>{a}</strong> vs <strong>{b}</strong>:{" "}
            {c.status === "no-crossing" ? (
              <>
                {c.message}
                {c.crossingShare !== null ? (
                  <span className="muted small">
                    {" "}
                    ({percent(c.crossingShare)} of bootstrap pairs cross in range)
                  </span>
                ) : null}
              </>
            ) : (
              c.crossings.map((x, i) => (
                <span key={x.compute}>
                  {i > 0 ? "; " : ""}cross at <strong>{sci(x.compute)}</strong> FLOPs ({fixed(x.loss)} bpb)
                  {x.interval
                    ? `, ${percent(x.interval.level)} CI ${x.interval.lowerOpen ? "below " : ""}${sci(x.interval.lower)} – ${x.interval.upperOpen ? "above " : ""}${sci(x.interval.upper)}`
                    : ""}
                  ; <strong>{x.betterAbove}</strong> is lower above
                  {c.extrapolated[i] ? <span className="tag warn">extrapolated</span> : null}
                </span>
              ))
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** Why a cell has fewer runs than the architecture has: a count, and the report's words per run when it has them. */
function MissingNote({ cell }: { cell: ComparisonCell }) {
  const withMissing = cell as ComparisonCell & { missing?: Array<{ runName: string; detail: string }> };
  const missing = withMissing.missing ?? [];
  const counts = [
    cell.notReached > 0 ? `${cell.notReached} not reached` : "",
    cell.beforeFirstPoint > 0 ? `${cell.beforeFirstPoint} before first eval` : "",
  ].filter(Boolean);
  if (missing.length === 0 && counts.length === 0) return null;
  if (missing.length === 0) return <div className="muted small cell-note">{counts.join(", ")}</div>;
  return (
    <details className="muted small cell-note">
      <summary>
        {missing.length} run{missing.length === 1 ? "" : "s"} without a value
      </summary>
      <ul>
        {missing.map((m) => (
          <li key={m.runName}>
            {m.runName}: {m.detail}
          </li>
        ))}
      </ul>
    </details>
  );
}

/** Every architecture at equal training FLOPs (interpolated learning curves), with notes for missing cells. */
export function ComputeMatchedTable({ report }: { report: SweepReport }) {
  const c = report.comparison;
  const slots = architectureSlots(report);
  if (c.rows.length === 0) return <p className="muted">{c.note ?? "Nothing to compare yet."}</p>;
  const architectures = [...new Set(c.rows.flatMap((r) => r.cells.map((x) => x.architecture)))];
  const rule = (c as typeof c & { rule?: string }).rule;
  return (
    <>
      <p className="muted small">
        Each run's <code>{c.metric}</code> curve interpolated (log-linear in FLOPs) to each budget; mean ±
        sample std over the runs that reached it, never extrapolated past a run's last evaluation. Lowest mean
        per budget in bold. Budgets:{" "}
        {rule ?? (c.budgetSource === "given" ? "as given" : "chosen from the runs")}.
      </p>
      {c.note ? <p className="muted small">{c.note}</p> : null}
      <div className="table-wrap">
        <table className="matched-table">
          <caption className="visually-hidden">compute-matched comparison</caption>
          <thead>
            <tr>
              <th scope="col" className="n">
                budget (FLOPs)
              </th>
              {architectures.map((a) => (
                <th key={a} scope="col" className="n">
                  <Swatch slot={slots.get(a) ?? 0} />
                  {a}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {c.rows.map((row) => {
              const means = row.cells.flatMap((x) => (x.mean === null ? [] : [x.mean]));
              const best = means.length > 0 ? Math.min(...means) : null;
              return (
                <tr key={row.budget}>
                  <th scope="row" className="n">
                    {sci(row.budget)}
                  </th>
                  {architectures.map((a) => {
                    const cell = row.cells.find((x) => x.architecture === a);
                    if (!cell) return <td key={a}>—</td>;
                    return (
                      <td key={a} className={`n${cell.mean !== null && cell.mean === best ? " best" : ""}`}>
                        {cell.mean === null ? "—" : fixed(cell.mean)}
                        {cell.std !== null ? ` ± ${fixed(cell.std)}` : ""}
                        <br />
                        <span className="muted small">
                          {cell.n > 1 && cell.min !== null ? `min ${fixed(cell.min)} · ` : ""}n={cell.n}
                        </span>
                        <MissingNote cell={cell} />
                      </td>
                    );
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** Runs grouped by config apart from the seed: mean of the final values with the Student-t interval. */
export function SeedsTable({ report }: { report: SweepReport }) {
  const s = report.seeds;
  if (s.groups.length === 0) return <p className="muted">{s.note ?? "No finished runs to group yet."}</p>;
  const head = s.metrics[0]!;
  return (
    <div className="table-wrap">
      <table className="seeds-table">
        <caption className="visually-hidden">seed aggregation</caption>
        <thead>
          <tr>
            <th scope="col">architecture</th>
            <th scope="col">setting</th>
            <th scope="col" className="n">
              runs
            </th>
            <th scope="col">seeds</th>
            {s.metrics.map((m) => (
              <th key={m} scope="col" className="n">
                {m}
              </th>
            ))}
            <th scope="col" className="n">
              std ({head})
            </th>
            <th scope="col" className="n">
              missing
            </th>
          </tr>
        </thead>
        <tbody>
          {s.groups.map((g) => {
            const first = g.metrics[head] ?? null;
            const missing = Math.max(0, ...s.metrics.map((m) => g.metrics[m]?.missing ?? 0));
            return (
              <tr key={`${g.architecture}:${g.label}`}>
                <td>{g.architecture}</td>
                <td className="small">{g.label}</td>
                <td className="n" title={g.runNames.join(", ")}>
                  {g.runIds.length}
                </td>
                <td className="small">{g.seeds.map(String).join(", ") || "—"}</td>
                {s.metrics.map((m) => {
                  const stat = g.metrics[m] ?? null;
                  return (
                    <td key={m} className="n">
                      {stat ? (
                        <WithInterval
                          value={stat.mean}
                          iv={stat.ci ? { lower: stat.ci.lower, upper: stat.ci.upper } : null}
                          fmt={(v) => fixed(v)}
                        />
                      ) : (
                        "—"
                      )}
                    </td>
                  );
                })}
                <td className="n">{first?.std === null || first === null ? "—" : fixed(first.std)}</td>
                <td className="n">{missing}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** The direct comparison as a table (next to its dot plot): each setting's mean and seed interval. */
export function DirectTable({ report }: { report: SweepReport }) {
  const settings = directSettings(report);
  const level = percent(report.scaling.level);
  if (settings.length === 0) return null;
  const means = settings.flatMap((s) => (s.mean === null ? [] : [s.mean]));
  const best = means.length > 0 ? Math.min(...means) : null;
  return (
    <div className="table-wrap">
      <table className="direct-table">
        <caption className="visually-hidden">direct comparison</caption>
        <thead>
          <tr>
            <th scope="col">setting</th>
            <th scope="col" className="n">
              runs with a value
            </th>
            <th scope="col" className="n">
              mean {report.scaling.metric}
            </th>
            <th scope="col" className="n">
              {level} interval
            </th>
            <th scope="col" className="n">
              budget (FLOPs)
            </th>
          </tr>
        </thead>
        <tbody>
          {settings.map((s) => (
            <tr key={`${s.architecture}:${s.label}`}>
              <td>{settingName(s)}</td>
              <td className="n">
                {s.n} / {s.runs.length}
              </td>
              <td className={`n${s.mean !== null && s.mean === best ? " best" : ""}`}>
                {fixed(s.mean)}
                {s.std !== null ? ` ± ${fixed(s.std)}` : ""}
              </td>
              <td className="n">
                {s.interval ? `[${fixed(s.interval.lower)}, ${fixed(s.interval.upper)}]` : "—"}
              </td>
              <td className="n">{sci(s.budget)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
