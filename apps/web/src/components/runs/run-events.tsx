"use client";

import { type RunEventJson, runEventsSchema, runLogSchema } from "@bytelab/service/schemas";
import { useEffect, useRef, useState } from "react";
import { fetchJson } from "../../lib/client/fetch-json";
import { usePolled } from "../../lib/client/use-polled";

const PAGE = 200;

/**
 * The run's events, tailed live: fetches every event after the last one it has (GET .../events?after=), every
 * 2 s while the run is active. Status changes are shown as the status history; checkpoints, early stops and
 * system events below. `onEvent` hears each new event (the page refreshes checkpoints on CHECKPOINT).
 */
export function RunEvents(props: {
  runId: string;
  active: boolean;
  statusKey: string;
  onNew?: (events: RunEventJson[]) => void;
}) {
  const [events, setEvents] = useState<RunEventJson[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const last = useRef<string | null>(null);
  const onNew = useRef(props.onNew);
  onNew.current = props.onNew;

  // biome-ignore lint/correctness/useExhaustiveDependencies: statusKey triggers one more read after the run ends
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = async () => {
      try {
        // Page forward until caught up (a long run has many events).
        for (let i = 0; i < 20; i++) {
          const p = new URLSearchParams({ limit: String(PAGE), kind: "STATUS,CHECKPOINT,EARLY_STOP,SYSTEM" });
          if (last.current) p.set("after", last.current);
          const page = await fetchJson(
            `/api/v1/runs/${encodeURIComponent(props.runId)}/events?${p}`,
            runEventsSchema,
            { signal: controller.signal },
          );
          if (page.events.length > 0) {
            last.current = page.events.at(-1)!.id;
            setEvents((cur) => [...cur, ...page.events]);
            onNew.current?.(page.events);
          }
          if (page.events.length < PAGE) break;
        }
        setError(null);
      } catch (e) {
        if (controller.signal.aborted) return;
        setError(e instanceof Error ? e.message : String(e));
      }
      setLoaded(true);
      if (props.active) timer = setTimeout(read, 2_000);
    };
    void read();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [props.runId, props.active, props.statusKey]);

  const status = events.filter((e) => e.kind === "STATUS");
  const other = events
    .filter((e) => e.kind !== "STATUS")
    .slice(-50)
    .reverse();
  return (
    <div className="run-events">
      {error ? <p className="bad">Events: {error}</p> : null}
      <h3>Status history</h3>
      {status.length === 0 ? (
        <p className="muted">{loaded ? "No status changes recorded." : "Loading…"}</p>
      ) : (
        <ol className="status-history">
          {status.map((e) => (
            <li key={e.id} className={e.level === "ERROR" ? "bad" : undefined}>
              <time dateTime={e.at}>{new Date(e.at).toLocaleString()}</time> <span>{e.message}</span>
            </li>
          ))}
        </ol>
      )}
      <h3>Events</h3>
      {other.length === 0 ? (
        <p className="muted">{loaded ? "No checkpoints or other events yet." : "Loading…"}</p>
      ) : (
        <table className="events-table">
          <thead>
            <tr>
              <th scope="col">time</th>
              <th scope="col">kind</th>
              <th scope="col">message</th>
            </tr>
          </thead>
          <tbody>
            {other.map((e) => (
              <tr
                key={e.id}
                className={e.level === "ERROR" ? "bad" : e.level === "WARN" ? "warn" : undefined}
              >
                <td>
                  <time dateTime={e.at}>{new Date(e.at).toLocaleTimeString()}</time>
                </td>
                <td>{e.kind.toLowerCase().replace("_", " ")}</td>
                <td>{e.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** The last lines of the run's log (trainer output kept from failed attempts included), live while active. */
export function RunLogs(props: { runId: string; active: boolean; statusKey: string }) {
  const polled = usePolled(
    `/api/v1/runs/${encodeURIComponent(props.runId)}/logs?limit=200`,
    runLogSchema,
    props.active ? 3_000 : null,
    props.statusKey,
  );
  const box = useRef<HTMLPreElement>(null);
  const lines = polled.data?.lines ?? [];
  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll when new lines arrive
  useEffect(() => {
    const el = box.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [lines.length]);
  return (
    <div className="run-logs">
      {polled.error ? <p className="bad">Log: {polled.error}</p> : null}
      {lines.length === 0 ? (
        <p className="muted">{polled.loading && !polled.data ? "Loading…" : "No log lines yet."}</p>
      ) : (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the log box scrolls; keyboard users need to reach it
        <pre ref={box} className="log-box" tabIndex={0} title="log tail">
          {lines.map((l, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: log lines are positional (the tail of one log)
            <span key={i} className={`log-line log-${l.level.toLowerCase()}`}>
              {l.at ? <span className="muted">{new Date(l.at).toLocaleTimeString()} </span> : null}
              {l.text}
              {"\n"}
            </span>
          ))}
        </pre>
      )}
    </div>
  );
}
