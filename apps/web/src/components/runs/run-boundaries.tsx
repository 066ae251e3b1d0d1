"use client";

import { type RunBoundaries as Boundaries, runBoundariesSchema } from "@bytelab/service/schemas";
import { useState } from "react";
import { fetchJson } from "../../lib/client/fetch-json";
import { formatSig } from "../../lib/series/format";

/** Visible stand-ins for whitespace, so chunks of spaces and newlines can be seen. */
function shown(text: string): string {
  return text.replace(/\n/g, "↵\n").replace(/\t/g, "→");
}

/**
 * H-Net chunk boundaries over validation text from the latest checkpoint, loaded when the person asks (it
 * runs the model on the server). Each chunk is a span, outer chunks alternate two colours, a chunk that also
 * starts an inner-stage chunk is underlined.
 */
export function RunBoundaries(props: { runId: string; hasCheckpoint: boolean }) {
  const [data, setData] = useState<Boundaries | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const load = async () => {
    setBusy(true);
    setError(null);
    try {
      setData(
        await fetchJson(
          `/api/v1/runs/${encodeURIComponent(props.runId)}/boundaries?bytes=600`,
          runBoundariesSchema,
        ),
      );
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  let chunk = 0;
  return (
    <div className="run-boundaries">
      <p className="muted">
        Where the model starts its chunks on held-out text (what <code>bytelab sample --show-boundaries</code>{" "}
        computes). Runs the model on the server with the run&apos;s latest checkpoint.
      </p>
      <button type="button" className="button" onClick={() => void load()} disabled={busy}>
        {busy ? "Running the model…" : data ? "Compute again" : "Show chunk boundaries"}
      </button>
      {!props.hasCheckpoint && !data ? <span className="muted"> (no checkpoint yet)</span> : null}
      {error ? (
        <p className="bad" role="alert">
          {error}
        </p>
      ) : null}
      {data && !data.available ? (
        <p className="notice" role="status">
          {data.reason}
        </p>
      ) : null}
      {data?.available ? (
        <>
          <p className="muted">
            Checkpoint at step {data.checkpoint?.step ?? "?"} · {data.bytes} bytes in windows of {data.seqLen}{" "}
            ·{" "}
            {data.stages
              .map(
                (s) =>
                  `stage ${s.stage}: ${s.chunks} chunks, ${s.bytesPerChunk === null ? "–" : formatSig(s.bytesPerChunk, 3)} bytes per chunk`,
              )
              .join(" · ")}
          </p>
          <pre className="boundary-text" data-chunks={data.pieces.filter((p) => p.depth > 0).length}>
            {data.pieces.map((p, i) => {
              if (p.depth > 0) chunk++;
              return (
                <span
                  // biome-ignore lint/suspicious/noArrayIndexKey: pieces are positional
                  key={i}
                  className={`chunk chunk-${chunk % 2} ${p.depth > 1 ? "chunk-inner" : ""}`}
                  title={p.depth > 0 ? `chunk start (depth ${p.depth})` : undefined}
                >
                  {shown(p.text)}
                </span>
              );
            })}
          </pre>
        </>
      ) : null}
    </div>
  );
}
