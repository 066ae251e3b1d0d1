"use client";

import {
  ACTIVE_STATUSES,
  type RunDetail,
  type RunEventJson,
  runDetailSchema,
} from "@bytelab/service/schemas";
import Link from "next/link";
import { type ReactNode, useCallback, useState } from "react";
import { usePolled } from "../../lib/client/use-polled";
import { RunActions } from "./run-actions";
import { RunArtifacts } from "./run-artifacts";
import { RunBoundaries } from "./run-boundaries";
import { RunCurves } from "./run-curves";
import { RunEvents, RunLogs } from "./run-events";
import { EnvironmentView, RunHeader } from "./run-header";

/**
 * The run page's live part: the run (polled every 2 s while QUEUED / RUNNING, then once more when it
 * finishes), its curves, events, log, checkpoints and, for H-Net, chunk boundaries. `config` is rendered on
 * the server (it never changes).
 */
export function RunView(props: { initial: RunDetail; config: ReactNode }) {
  const id = props.initial.run.id;
  const [refreshKey, setRefreshKey] = useState(0);
  // The interval follows the latest status this component has seen (the hook's own last answer).
  const [lastStatus, setLastStatus] = useState(props.initial.run.status);
  const polled = usePolled(
    `/api/v1/runs/${encodeURIComponent(id)}`,
    runDetailSchema,
    ACTIVE_STATUSES.includes(lastStatus) ? 2_000 : null,
    refreshKey,
  );
  const detail = polled.data ?? props.initial;
  const run = detail.run;
  if (run.status !== lastStatus) setLastStatus(run.status);
  const nowActive = ACTIVE_STATUSES.includes(run.status);
  const statusKey = `${run.status}:${refreshKey}`;
  const [checkpoints, setCheckpoints] = useState(0);
  const onEvents = useCallback((events: RunEventJson[]) => {
    if (events.some((e) => e.kind === "CHECKPOINT" || e.kind === "STATUS")) setCheckpoints((c) => c + 1);
  }, []);
  const isHnet = run.architecture === "hnet";

  return (
    <>
      <header className="run-head">
        <div>
          <h1 className="title run-title">{run.label}</h1>
          <p className="subtitle">
            <code>{run.name}</code> · <code className="muted">{run.id}</code>
            {nowActive ? (
              <span className="live-dot" title="live: updates every 2 seconds">
                <span className="visually-hidden">live</span>
              </span>
            ) : null}
          </p>
        </div>
        <div className="run-head-actions">
          <RunActions run={run} onDone={() => setRefreshKey((k) => k + 1)} />
          {run.sweep ? (
            <Link className="button" href={`/compare?sweep=${encodeURIComponent(run.sweep.id)}`}>
              Compare its sweep
            </Link>
          ) : null}
        </div>
      </header>
      {polled.error ? (
        <p className="notice" role="status">
          Live updates paused: {polled.error}
        </p>
      ) : null}
      <RunHeader detail={detail} />
      {run.error && (run.status === "FAILED" || run.status === "DIVERGED" || run.status === "CANCELLED") ? (
        <section className="card run-error" aria-label="error">
          <h2>
            {run.status === "DIVERGED" ? "Diverged" : run.status === "CANCELLED" ? "Cancelled" : "Error"}
          </h2>
          <pre>{run.error}</pre>
        </section>
      ) : null}
      {detail.earlyStop ? (
        <p className="notice">
          Stopped early{detail.earlyStop.rung !== null ? ` at rung ${detail.earlyStop.rung}` : ""}:{" "}
          {detail.earlyStop.reason}
        </p>
      ) : null}
      <RunCurves
        runId={id}
        metrics={detail.metrics}
        active={nowActive}
        statusKey={statusKey}
        architecture={run.architecture}
      />
      {isHnet ? (
        <section className="card" aria-labelledby="boundaries-h">
          <h2 id="boundaries-h">Chunk boundaries (H-Net)</h2>
          <RunBoundaries runId={id} hasCheckpoint={checkpoints > 0 || !nowActive} />
        </section>
      ) : null}
      <div className="run-columns">
        <section className="card" aria-labelledby="events-h">
          <h2 id="events-h">Status and events</h2>
          <RunEvents runId={id} active={nowActive} statusKey={statusKey} onNew={onEvents} />
        </section>
        <section className="card" aria-labelledby="log-h">
          <h2 id="log-h">Log tail</h2>
          <RunLogs runId={id} active={nowActive} statusKey={statusKey} />
        </section>
      </div>
      <section className="card" aria-labelledby="ckpt-h">
        <h2 id="ckpt-h">Checkpoints</h2>
        <RunArtifacts runId={id} refreshKey={`${checkpoints}:${statusKey}`} />
      </section>
      <div className="run-columns">
        <section className="card" aria-labelledby="config-h">
          <h2 id="config-h">Config</h2>
          {props.config}
        </section>
        <section className="card" aria-labelledby="env-h">
          <h2 id="env-h">Environment</h2>
          <EnvironmentView detail={detail} />
        </section>
      </div>
    </>
  );
}
