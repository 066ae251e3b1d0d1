"use client";

import type { RunBoundaries as Boundaries } from "@bytelab/service";
import { useState } from "react";
import { z } from "zod";
import { fetchJson } from "../../lib/client/fetch-json";
import { formatSig } from "../../lib/series/format";

// The answer of GET /api/v1/runs/{id}/boundaries (runBoundariesSchema in @bytelab/service; restated here
// because a client component must not import the service's server entry).
const boundariesSchema = z.object({
  format: z.literal("bytelab.run-boundaries/1"),
  runId: z.string(),
  architecture: z.string(),
  available: z.boolean(),
  reason: z.string().nullable(),
  checkpoint: z.object({ step: z.int().nullable(), uri: z.string(), createdAt: z.string() }).nullable(),
  seqLen: z.int().nullable(),
  bytes: z.int(),
  pieces: z.array(z.object({ text: z.string(), depth: z.int().min(0) })),
  stages: z.array(z.object({ stage: z.int(), chunks: z.int(), bytesPerChunk: z.number().nullable() })),
}) satisfies z.ZodType<Boundaries>;

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
  const [data, setData] = useState<z.output<typeof boundariesSchema> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const load = async () => {
    setBusy(true);
    setError(null);
    try {
      setData(
        await fetchJson(
          `/api/v1/runs/${encodeURIComponent(props.runId)}/boundaries?bytes=600`,
          boundariesSchema,
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
