import type { RunRow, RunSortKey } from "@bytelab/service/schemas";
import Link from "next/link";
import type { ReactNode } from "react";
import {
  formatBpb,
  formatBytes,
  formatDuration,
  formatFlops,
  formatParams,
  formatRate,
} from "../../lib/series/format";
import { StatusBadge, StepProgress } from "./status-badge";

export interface RunColumn {
  id: string;
  label: string;
  /** Server-side sort key (GET /api/v1/runs `sort`); columns without one do not sort. */
  sort?: RunSortKey;
  numeric?: boolean;
  /** Explains the column (header tooltip). */
  title?: string;
  cell: (row: RunRow) => ReactNode;
}

/** The runs table's columns, in order. */
export const RUN_COLUMNS: readonly RunColumn[] = [
  { id: "status", label: "Status", sort: "status", cell: (r) => <StatusBadge status={r.status} /> },
  {
    id: "name",
    label: "Run",
    sort: "name",
    cell: (r) => (
      <Link href={`/runs/${r.id}`} className="run-link" title={r.name}>
        {r.label}
      </Link>
    ),
  },
  {
    id: "sweep",
    label: "Sweep",
    cell: (r) =>
      r.sweep ? (
        <Link href={`/sweeps/${r.sweep.id}`} className="clip" title={r.sweep.name}>
          {r.sweep.name}
        </Link>
      ) : (
        <span className="muted">–</span>
      ),
  },
  { id: "architecture", label: "Arch", sort: "architecture", cell: (r) => r.architecture },
  { id: "seed", label: "Seed", sort: "seed", numeric: true, cell: (r) => r.seed },
  {
    id: "bestValBpb",
    label: "Best val bpb",
    sort: "bestValBpb",
    numeric: true,
    title: "lowest held-out bits per byte of any evaluation",
    cell: (r) => formatBpb(r.bestValBpb),
  },
  {
    id: "lastValBpb",
    label: "Last val bpb",
    sort: "lastValBpb",
    numeric: true,
    title: "held-out bits per byte at the latest evaluation",
    cell: (r) => formatBpb(r.lastValBpb),
  },
  {
    id: "testBpb",
    label: "Test bpb",
    sort: "testBpb",
    numeric: true,
    title: "test bits per byte, recorded when the run finishes",
    cell: (r) => formatBpb(r.testBpb),
  },
  {
    id: "step",
    label: "Step",
    sort: "step",
    numeric: true,
    cell: (r) => <StepProgress step={r.step} total={r.totalSteps} />,
  },
  {
    id: "params",
    label: "Params",
    sort: "paramCount",
    numeric: true,
    cell: (r) => formatParams(r.paramCount),
  },
  {
    id: "flopsPerByte",
    label: "FLOPs per byte",
    sort: "flopsPerByte",
    numeric: true,
    title: "training FLOPs per byte (H-Net: from its measured compression)",
    cell: (r) => formatFlops(r.flopsPerByte),
  },
  {
    id: "bytesSeen",
    label: "Bytes seen",
    sort: "bytesSeen",
    numeric: true,
    cell: (r) => formatBytes(r.bytesSeen),
  },
  {
    id: "throughput",
    label: "Throughput",
    sort: "bytesPerSecond",
    numeric: true,
    cell: (r) => formatRate(r.bytesPerSecond),
  },
  {
    id: "worker",
    label: "Worker · device",
    title: "the worker that has (or had) the run, and its device",
    cell: (r) =>
      r.worker || r.device || r.backend ? (
        <span className="clip" title={[r.worker?.id, r.backend, r.device].filter(Boolean).join(" · ")}>
          {[r.worker?.host || r.worker?.id, r.device ?? r.backend].filter(Boolean).join(" · ")}
        </span>
      ) : (
        <span className="muted">–</span>
      ),
  },
  {
    id: "duration",
    label: "Duration",
    sort: "durationSeconds",
    numeric: true,
    cell: (r) => formatDuration(r.durationSeconds),
  },
];
