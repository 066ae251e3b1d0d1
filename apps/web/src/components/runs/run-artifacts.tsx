"use client";

import { runArtifactsSchema } from "@bytelab/service/schemas";
import { usePolled } from "../../lib/client/use-polled";
import { formatBytes } from "../../lib/series/format";

/** The run's checkpoints and other artifacts; read again when `refreshKey` changes (a checkpoint event). */
export function RunArtifacts(props: { runId: string; refreshKey: unknown }) {
  const polled = usePolled(
    `/api/v1/runs/${encodeURIComponent(props.runId)}/artifacts`,
    runArtifactsSchema,
    null,
    props.refreshKey,
  );
  if (polled.error) return <p className="bad">Checkpoints: {polled.error}</p>;
  const artifacts = polled.data?.artifacts ?? [];
  if (artifacts.length === 0)
    return <p className="muted">{polled.data ? "No checkpoints yet." : "Loading…"}</p>;
  const sorted = [...artifacts].sort((a, b) => (b.step ?? -1) - (a.step ?? -1));
  return (
    <table className="artifacts-table">
      <thead>
        <tr>
          <th scope="col">kind</th>
          <th scope="col" className="num">
            step
          </th>
          <th scope="col" className="num">
            size
          </th>
          <th scope="col">saved</th>
          <th scope="col">location</th>
        </tr>
      </thead>
      <tbody>
        {sorted.map((a) => (
          <tr key={a.id}>
            <td>{a.kind.toLowerCase()}</td>
            <td className="num">{a.step ?? "–"}</td>
            <td className="num">{formatBytes(a.bytes)}</td>
            <td>
              <time dateTime={a.createdAt}>{new Date(a.createdAt).toLocaleString()}</time>
            </td>
            <td>
              <code className="uri" title={`sha256 of meta.json: ${a.sha256}`}>
                {a.uri}
              </code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
