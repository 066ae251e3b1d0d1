import type { SweepStatus } from "@bytelab/service/schemas";
import { eta, timestamp } from "./format";
import { ProgressBar } from "./progress-bar";
import { OutcomeBadge, StatusCounts } from "./status";

/** Name, kind, description, created, outcome, counts per status, progress and ETA of a sweep. */
export function SweepHeader({ status }: { status: SweepStatus }) {
  const { sweep, progress } = status;
  return (
    <header className="sweep-header">
      <div className="sweep-title-row">
        <h1 className="title">{sweep.name}</h1>
        <OutcomeBadge outcome={status.outcome} />
      </div>
      <p className="muted small">
        {sweep.kind ?? "sweep"} · created {timestamp(sweep.createdAt)} · id <code>{sweep.id}</code>
      </p>
      {sweep.description ? <p className="description">{sweep.description}</p> : null}
      <dl className="facts">
        <div>
          <dt>runs</dt>
          <dd>
            <strong>{status.total}</strong> <StatusCounts counts={status.counts} total={status.total} />
          </dd>
        </div>
        <div className="grow">
          <dt>progress</dt>
          <dd>
            <ProgressBar
              fraction={progress.fraction}
              label="sweep progress"
              detail={
                progress.stepsTotal > 0 ? `${progress.stepsDone} / ${progress.stepsTotal} steps` : undefined
              }
            />
          </dd>
        </div>
        <div>
          <dt>ETA</dt>
          <dd>{eta(progress.etaSeconds, status.outcome !== "running")}</dd>
        </div>
      </dl>
    </header>
  );
}
