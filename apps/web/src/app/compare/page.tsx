import { listRuns, listSweeps, loadStats, runRowsByIds } from "@bytelab/service";
import type { RunRow } from "@bytelab/service/schemas";
import type { Metadata } from "next";
import Link from "next/link";
import { CompareClient } from "../../components/compare/compare-client";
import type { CompareRun, CompareStats } from "../../components/compare/types";
import { requireViewer } from "../../lib/auth/page";
import { compareHref, compareSeriesUrl, parseCompareView } from "../../lib/series/compare-view";
import { serviceContext } from "../../lib/service-context";
import "../../components/runs/runs.css";
import "../../components/compare/compare.css";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Compare · bytelab" };

/** Metrics first in the picker: the ones a comparison usually wants. */
const FIRST = ["val/bpb", "train/bpb", "test/bpb", "train/loss"];

function toCompareRun(r: RunRow): CompareRun {
  return {
    id: r.id,
    name: r.name,
    label: r.label,
    architecture: r.architecture,
    status: r.status,
    sweep: r.sweep,
    config: r.config,
  };
}

export default async function ComparePage(props: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const view = parseCompareView(await props.searchParams);
  await requireViewer(compareHref(view));
  const ctx = serviceContext();
  const [byId, ofSweep] = await Promise.all([
    runRowsByIds(ctx.pool, view.runs),
    view.sweep
      ? listRuns(ctx.pool, { sweep: view.sweep, limit: 500, sort: "name", order: "asc" }).catch(() => null)
      : Promise.resolve(null),
  ]);
  const found = new Map(byId.map((r) => [r.id, r]));
  const rows: RunRow[] = view.runs.flatMap((id) => {
    const r = found.get(id);
    return r ? [r] : [];
  });
  for (const r of ofSweep?.runs ?? []) if (!found.has(r.id)) rows.push(r);
  const missing = view.runs.filter((id) => !found.has(id));
  const ids = rows.map((r) => r.id);
  const statsByRun = await loadStats(ctx.prisma, ids);
  const stats: CompareStats = {};
  const names = new Set<string>();
  for (const [runId, byName] of statsByRun) {
    const out: CompareStats[string] = {};
    for (const s of byName.values()) {
      out[s.name] = [s.last, s.min, s.max];
      names.add(s.name);
    }
    stats[runId] = out;
  }
  const metrics = [
    ...FIRST.filter((m) => names.has(m)),
    ...[...names].filter((m) => !FIRST.includes(m)).sort(),
  ];

  if (rows.length === 0) {
    const sweeps = await listSweeps(ctx.prisma, { limit: 8 }).catch(() => null);
    return (
      <main className="page compare-page">
        <h1 className="title">Compare</h1>
        {view.sweep && !ofSweep ? (
          <p className="notice bad" role="alert">
            No sweep with the id or name <code>{view.sweep}</code>.
          </p>
        ) : null}
        {missing.length > 0 ? (
          <p className="notice bad" role="alert">
            No runs with the ids {missing.map((m) => `"${m}"`).join(", ")}.
          </p>
        ) : null}
        <p>
          Nothing to compare yet. Select runs on the <Link href="/runs">Runs</Link> page and press{" "}
          <strong>Compare</strong>, or compare every run of a sweep:
        </p>
        <ul>
          {(sweeps?.sweeps ?? []).map((s) => (
            <li key={s.id}>
              <Link href={`/compare?sweep=${encodeURIComponent(s.id)}`}>{s.name}</Link>{" "}
              <span className="muted">({s.total} runs)</span>
            </li>
          ))}
        </ul>
      </main>
    );
  }

  return (
    <main className="page compare-page">
      {/* The chart's data: the browser starts fetching it as it reads this line, while the scripts load. */}
      <link rel="preload" href={compareSeriesUrl(ids, view)} as="fetch" crossOrigin="anonymous" />
      <h1 className="title">Compare</h1>
      <p className="subtitle">
        {rows.length} run{rows.length === 1 ? "" : "s"}
        {ofSweep && view.sweep ? ` of sweep ${ofSweep.runs[0]?.sweep?.name ?? view.sweep}` : ""} on one shared
        x grid, downsampled on the server. The view is in the link: copy it to share it.
      </p>
      {missing.length > 0 ? (
        <p className="notice" role="status">
          Left out, no such runs: {missing.join(", ")}
        </p>
      ) : null}
      <CompareClient initial={view} runs={rows.map(toCompareRun)} stats={stats} metrics={metrics} />
    </main>
  );
}
