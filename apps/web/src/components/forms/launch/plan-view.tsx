import type { SweepPlan } from "@bytelab/service/schemas";
import { compact, sci } from "../../sweeps/format";

function range(r: [number, number] | null, fmt: (v: number) => string): string {
  if (!r) return "—";
  return r[0] === r[1] ? fmt(r[0]) : `${fmt(r[0])}–${fmt(r[1])}`;
}

/** The dry run of the spec (POST /sweeps/plan): what submitting would create, per architecture and in total. */
export function PlanView({ plan }: { plan: SweepPlan }) {
  const t = plan.totals;
  return (
    <div className="plan" data-plan-runs={t.runs}>
      <p className="plan-totals">
        <strong>{t.runs}</strong> run{t.runs === 1 ? "" : "s"}: <strong>{t.new}</strong> new
        {t.reused > 0 ? (
          <>
            , <strong>{t.reused}</strong> reused (same config already has a run)
          </>
        ) : null}
        {plan.reuseChecked ? null : <span className="muted"> (reuse not checked)</span>}
        <br />
        <span className="muted">
          new runs: {sci(t.flops)} training FLOPs, {compact(t.bytes)} bytes · priority {plan.priority}
        </span>
      </p>
      <div className="table-wrap">
        <table className="plan-table">
          <caption className="visually-hidden">runs per architecture</caption>
          <thead>
            <tr>
              <th scope="col">entry</th>
              <th scope="col" className="n">
                runs
              </th>
              <th scope="col" className="n">
                params
              </th>
              <th scope="col" className="n">
                steps
              </th>
              <th scope="col" className="n">
                FLOPs / run
              </th>
            </tr>
          </thead>
          <tbody>
            {plan.architectures.map((a) => (
              <tr key={a.entry}>
                <td>
                  {a.entry}
                  {a.entry !== a.architecture ? (
                    <span className="muted small"> ({a.architecture})</span>
                  ) : null}
                </td>
                <td className="n">{a.runs}</td>
                <td className="n nowrap">{range(a.paramCount, compact)}</td>
                <td className="n nowrap">{range(a.steps, (v) => String(v))}</td>
                <td className="n nowrap">{range(a.flops, (v) => sci(v))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {plan.warnings.length > 0 ? (
        <div className="notice warn">
          <strong>Warnings</strong>
          <ul>
            {plan.warnings.map((w) => (
              <li key={`${w.path}:${w.issue}`}>
                <code>{w.path || "(spec)"}</code>: {w.issue} <span className="muted">(fix: {w.fix})</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {plan.duplicates.length > 0 ? (
        <p className="muted small">
          Duplicates (trained once): {plan.duplicates.map((d) => `${d.label} = ${d.sameAs}`).join("; ")}
        </p>
      ) : null}
      <details>
        <summary>Runs ({plan.runs.length})</summary>
        <div className="table-wrap">
          <table className="plan-runs">
            <thead>
              <tr>
                <th scope="col">label</th>
                <th scope="col" className="n">
                  seed
                </th>
                <th scope="col" className="n">
                  params
                </th>
                <th scope="col" className="n">
                  steps
                </th>
                <th scope="col" className="n">
                  FLOPs
                </th>
                <th scope="col">reuses</th>
              </tr>
            </thead>
            <tbody>
              {plan.runs.map((r) => (
                <tr key={r.label}>
                  <td>
                    <code>{r.label}</code>
                  </td>
                  <td className="n">{r.seed}</td>
                  <td className="n">{compact(r.paramCount)}</td>
                  <td className="n">{r.steps}</td>
                  <td className="n">{sci(r.flops)}</td>
                  <td className="small">
                    {r.reuses ? (
                      <a href={`/runs/${encodeURIComponent(r.reuses.runId)}`}>
                        {r.reuses.status.toLowerCase()} run
                      </a>
                    ) : (
                      "new"
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
      <details>
        <summary>Plan JSON</summary>
        <pre className="json">{JSON.stringify(plan, null, 2)}</pre>
      </details>
    </div>
  );
}
