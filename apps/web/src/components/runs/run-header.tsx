import type { RunDetail } from "@bytelab/service/schemas";
import Link from "next/link";
import type { ReactNode } from "react";
import {
  formatBpb,
  formatBytes,
  formatDuration,
  formatFlops,
  formatInt,
  formatParams,
  formatRate,
} from "../../lib/series/format";
import { StatusBadge, StepProgress } from "./status-badge";

function Fact(props: { label: string; children: ReactNode; title?: string | undefined }) {
  return (
    <div className="fact" title={props.title}>
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </div>
  );
}

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : "–");

/** The run's facts at a glance: status, sweep, architecture, seed, size, progress, time, where it runs. */
export function RunHeader({ detail }: { detail: RunDetail }) {
  const r = detail.run;
  return (
    <dl className="run-facts card">
      <Fact label="Status">
        <StatusBadge status={r.status} />
        {r.attempts > 1 ? <span className="muted"> attempt {r.attempts}</span> : null}
      </Fact>
      <Fact label="Sweep" title={r.sweep?.name}>
        {r.sweep ? (
          <Link href={`/sweeps/${r.sweep.id}`}>{r.sweep.name}</Link>
        ) : (
          <span className="muted">none</span>
        )}
      </Fact>
      <Fact label="Architecture">{r.architecture}</Fact>
      <Fact label="Seed">{r.seed}</Fact>
      <Fact label="Params">{formatParams(r.paramCount)}</Fact>
      <Fact label="FLOPs / byte" title="training FLOPs per byte (H-Net: from its measured compression)">
        {formatFlops(r.flopsPerByte)}
      </Fact>
      <Fact label="Step">
        <StepProgress step={r.step} total={r.totalSteps} />
      </Fact>
      <Fact label="Duration">{formatDuration(r.durationSeconds)}</Fact>
      <Fact label="Best val bpb">{formatBpb(r.bestValBpb)}</Fact>
      <Fact label="Last val bpb">{formatBpb(r.lastValBpb)}</Fact>
      <Fact label="Test bpb">{formatBpb(r.testBpb)}</Fact>
      <Fact label="Bytes seen">{formatBytes(r.bytesSeen)}</Fact>
      <Fact label="Training FLOPs">{formatFlops(r.flops)}</Fact>
      <Fact label="Throughput">{formatRate(r.bytesPerSecond)}</Fact>
      <Fact label="Worker">
        {r.worker ? (
          <span title={r.worker.id}>{r.worker.host || r.worker.id}</span>
        ) : (
          <span className="muted">–</span>
        )}
      </Fact>
      <Fact label="Device" title={[r.backend, r.device].filter(Boolean).join(" · ")}>
        {[r.backend, r.device].filter(Boolean).join(" · ") || "–"}
      </Fact>
      <Fact label="Queued">{when(r.queuedAt)}</Fact>
      <Fact label="Started">{when(r.startedAt)}</Fact>
      <Fact label="Finished">{when(r.finishedAt)}</Fact>
      <Fact label="Metrics">{formatInt(detail.metrics.length)} recorded</Fact>
    </dl>
  );
}

/** Where the run ran: recorded by the worker when it started the run. */
export function EnvironmentView({ detail }: { detail: RunDetail }) {
  const e = detail.environment;
  const rows: Array<[string, string | null | undefined]> = [
    ["Node.js", e.node],
    ["TF.js", e.tfjs],
    ["Backend", e.backend],
    ["Device", e.device],
    ["Host", e.host],
    ["Git commit", e.gitCommit],
    ["Worker version", e.workerVersion],
  ];
  const known = rows.filter(([, v]) => v);
  if (known.length === 0)
    return (
      <p className="muted">
        Recorded when a worker starts the run{detail.run.status === "QUEUED" ? " (still queued)" : ""}.
      </p>
    );
  return (
    <table className="kv">
      <tbody>
        {rows.map(([k, v]) => (
          <tr key={k}>
            <th scope="row">{k}</th>
            <td>{v ? <code>{v}</code> : <span className="muted">–</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
