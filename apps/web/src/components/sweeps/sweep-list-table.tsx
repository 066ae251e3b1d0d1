import type { SweepSummary } from "@bytelab/service/schemas";
import Link from "next/link";
import { eta, timestamp } from "./format";
import { ProgressBar } from "./progress-bar";
import { OutcomeBadge, StatusCounts } from "./status";

/** Sweeps as a table: name, kind, outcome, runs per status, progress, ETA, created. Server-rendered. */
export function SweepListTable({ sweeps, caption }: { sweeps: SweepSummary[]; caption: string }) {
  return (
    <div className="table-wrap">
      <table className="sweep-list">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">sweep</th>
            <th scope="col">kind</th>
            <th scope="col">outcome</th>
            <th scope="col">runs</th>
            <th scope="col">progress</th>
            <th scope="col">ETA</th>
            <th scope="col">created</th>
          </tr>
        </thead>
        <tbody>
          {sweeps.map((s) => (
            <tr key={s.id} data-sweep-id={s.id}>
              <td>
                <Link href={`/sweeps/${encodeURIComponent(s.id)}`} className="strong-link">
                  {s.name}
                </Link>
                {s.description ? <div className="muted small clamp">{s.description}</div> : null}
              </td>
              <td>{s.kind ?? "—"}</td>
              <td>
                <OutcomeBadge outcome={s.outcome} />
              </td>
              <td>
                <span className="muted">{s.total} · </span>
                <StatusCounts counts={s.counts} total={s.total} />
              </td>
              <td className="nowrap">
                <ProgressBar
                  fraction={s.progress.fraction}
                  label={`progress of ${s.name}`}
                  detail={
                    s.progress.stepsTotal > 0 ? `${s.progress.stepsDone}/${s.progress.stepsTotal}` : undefined
                  }
                />
              </td>
              <td className="nowrap">{eta(s.progress.etaSeconds, s.outcome !== "running")}</td>
              <td className="nowrap">{timestamp(s.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
