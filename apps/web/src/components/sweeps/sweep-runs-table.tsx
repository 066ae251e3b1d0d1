import type { RunProgress } from "@bytelab/service/schemas";
import Link from "next/link";
import { fixed, throughput } from "./format";
import { StatusBadge } from "./status";

/** The runs of a sweep: one row each, the cancel button on the ones still queued or running. */
export function SweepRunsTable({
  runs,
  onCancelRun,
  busyRunId,
}: {
  runs: RunProgress[];
  /** Absent: no cancel buttons (a read-only view). */
  onCancelRun?: (run: RunProgress) => void;
  busyRunId?: string | null;
}) {
  if (runs.length === 0) return <p className="empty">This sweep has no runs.</p>;
  return (
    <div className="table-wrap">
      <table className="runs-table">
        <caption className="visually-hidden">runs of this sweep</caption>
        <thead>
          <tr>
            <th scope="col">run</th>
            <th scope="col">architecture</th>
            <th scope="col" className="n">
              seed
            </th>
            <th scope="col">status</th>
            <th scope="col" className="n">
              step / total
            </th>
            <th scope="col" className="n">
              val bpb
            </th>
            <th scope="col" className="n">
              train bpb
            </th>
            <th scope="col" className="n">
              throughput
            </th>
            <th scope="col">worker</th>
            <th scope="col">notes</th>
            {onCancelRun ? (
              <th scope="col">
                <span className="visually-hidden">actions</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.id} data-run-id={r.id} data-status={r.status}>
              <td>
                <Link href={`/runs/${encodeURIComponent(r.id)}`}>{r.label}</Link>
                {r.reused ? (
                  <span className="tag" title="a run of an earlier sweep with the same config, reused here">
                    reused
                  </span>
                ) : null}
              </td>
              <td>{r.architecture}</td>
              <td className="n">{r.seed}</td>
              <td>
                <StatusBadge status={r.status} />
              </td>
              <td className="n nowrap">
                {r.step ?? "—"} / {r.totalSteps ?? "—"}
              </td>
              <td className="n">{fixed(r.valBpb)}</td>
              <td className="n">{fixed(r.trainBpb)}</td>
              <td className="n nowrap">{throughput(r.bytesPerSecond)}</td>
              <td className="small">{r.worker ? <code title={r.worker.host}>{r.worker.id}</code> : "—"}</td>
              <td className="small notes">
                {r.earlyStop ? (
                  <div>
                    <span className="tag warn">
                      early stop{r.earlyStop.rung !== null ? ` @ rung ${r.earlyStop.rung}` : ""}
                    </span>{" "}
                    {r.earlyStop.reason}
                  </div>
                ) : null}
                {r.error ? <div className="error-text">{r.error}</div> : null}
                {r.attempts > 1 ? <div className="muted">{r.attempts} attempts</div> : null}
              </td>
              {onCancelRun ? (
                <td>
                  {!r.reused && (r.status === "QUEUED" || r.status === "RUNNING") ? (
                    <button
                      type="button"
                      className="button small danger"
                      disabled={busyRunId === r.id}
                      onClick={() => onCancelRun(r)}
                      aria-label={`Cancel run ${r.label}`}
                    >
                      Cancel
                    </button>
                  ) : null}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
