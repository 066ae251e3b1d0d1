"use client";

import type { QueueDepth, WorkerView, WorkersOverview } from "@bytelab/service/schemas";
import Link from "next/link";
import { duration, timestamp } from "../sweeps/format";
import { usePoll } from "../sweeps/use-poll";

const REFRESH_MS = 3_000;

/** Workers and queue depths, refreshed every 3 s from GET /api/v1/workers. */
export function WorkersLive({ initial }: { initial: WorkersOverview }) {
  const { data, error } = usePoll<WorkersOverview>("/workers", initial, () => true, REFRESH_MS);
  const alive = data.workers.filter((w) => w.alive).length;
  const stale = data.workers.filter((w) => w.stale).length;
  return (
    <>
      <p className="live-note muted small" aria-live="polite">
        {error
          ? `Live updates failing: ${error.message} (retrying)`
          : `Live: refreshes every ${REFRESH_MS / 1000} s. Read at ${timestamp(data.at)}.`}
      </p>
      <section className="card section" aria-labelledby="queue-heading">
        <h2 id="queue-heading">Queue</h2>
        {data.queueError ? (
          <div className="notice error" role="alert">
            <strong>Queue depths unavailable.</strong> {data.queueError}
          </div>
        ) : (
          <QueueTable queues={data.queues} />
        )}
      </section>
      <section className="card section" aria-labelledby="workers-heading">
        <h2 id="workers-heading">
          Workers{" "}
          <span className="muted small">
            {alive} alive{stale > 0 ? <span className="bad"> · {stale} stale</span> : null} · alive means a
            heartbeat within {duration(data.aliveWithinMs / 1000)}
          </span>
        </h2>
        {data.workers.length === 0 ? (
          <p className="empty">
            No workers: start one with <code>npm start</code> or{" "}
            <code>node --import tsx workers/trainer/src/main.ts</code>. Queued runs wait until one is alive.
          </p>
        ) : (
          <WorkersTable workers={data.workers} />
        )}
      </section>
    </>
  );
}

function QueueTable({ queues }: { queues: QueueDepth[] }) {
  if (queues.length === 0) return <p className="empty">No queue.</p>;
  const columns = ["waiting", "active", "delayed", "prioritized", "failed", "completed"] as const;
  return (
    <div className="table-wrap">
      <table className="queue-table">
        <thead>
          <tr>
            <th scope="col">queue</th>
            {columns.map((c) => (
              <th key={c} scope="col" className="n">
                {c}
              </th>
            ))}
            <th scope="col">state</th>
          </tr>
        </thead>
        <tbody>
          {queues.map((q) => (
            <tr key={q.name} data-queue={q.name}>
              <td>
                <code>{q.name}</code>
              </td>
              {columns.map((c) => (
                <td key={c} className={`n${c === "failed" && q.failed > 0 ? " bad" : ""}`} data-depth={c}>
                  {q[c]}
                </td>
              ))}
              <td>{q.paused ? <span className="tag warn">paused</span> : "running"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function WorkersTable({ workers }: { workers: WorkerView[] }) {
  return (
    <div className="table-wrap">
      <table className="workers-table">
        <thead>
          <tr>
            <th scope="col">worker</th>
            <th scope="col">state</th>
            <th scope="col" className="n">
              heartbeat age
            </th>
            <th scope="col">backend / devices</th>
            <th scope="col" className="n">
              slots
            </th>
            <th scope="col">current runs</th>
            <th scope="col">started</th>
          </tr>
        </thead>
        <tbody>
          {workers.map((w) => (
            <tr key={w.id} data-worker-id={w.id} data-stale={w.stale ? "true" : undefined}>
              <td>
                <code>{w.id}</code>
                <div className="muted small">
                  {w.host} · pid {w.pid} · v{w.version}
                </div>
              </td>
              <td>
                {w.stale ? (
                  <span
                    className="badge bad-badge"
                    title="not stopped, but silent for longer than the alive window"
                  >
                    stale
                  </span>
                ) : w.alive ? (
                  <span className="badge ok-badge">{w.status.toLowerCase()}</span>
                ) : (
                  <span className="badge muted-badge">{w.status.toLowerCase()}</span>
                )}
              </td>
              <td className={`n nowrap${w.stale ? " bad" : ""}`}>{duration(w.heartbeatAgeSeconds)}</td>
              <td className="small">
                {w.devices.length === 0
                  ? "—"
                  : w.devices.map((d) => (
                      <div key={`${d.backend}:${d.name}`}>
                        <strong>{d.backend}</strong> {d.name}
                      </div>
                    ))}
              </td>
              <td className="n">
                {w.runs.length}/{w.slots}
              </td>
              <td className="small">
                {w.runs.length === 0 ? (
                  <span className="muted">idle</span>
                ) : (
                  w.runs.map((r) => (
                    <div key={r.id}>
                      <Link href={`/runs/${encodeURIComponent(r.id)}`}>{r.name}</Link>{" "}
                      <span className="muted">
                        {r.step ?? 0}/{r.totalSteps ?? "?"}
                      </span>
                    </div>
                  ))
                )}
              </td>
              <td className="nowrap small">{timestamp(w.startedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
