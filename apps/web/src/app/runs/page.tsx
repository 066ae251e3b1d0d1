import { listRuns, ServiceError } from "@bytelab/service";
import type { RunList } from "@bytelab/service/schemas";
import type { Metadata } from "next";
import Link from "next/link";
import { RunsFilters } from "../../components/runs/runs-filters";
import { RunsTable } from "../../components/runs/runs-table";
import { parseRunsView, runsHref, toRunListQuery, withView } from "../../components/runs/view-state";
import { requireViewer } from "../../lib/auth/page";
import { allKeys, runKeys } from "../../lib/series/flatten";
import { formatInt } from "../../lib/series/format";
import { serviceContext } from "../../lib/service-context";
import "../../components/runs/runs.css";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Runs · bytelab" };

export default async function RunsPage(props: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { view, problems } = parseRunsView(await props.searchParams);
  await requireViewer(runsHref(view));
  const ctx = serviceContext();
  let error: string | null = null;
  const list: RunList | null = await listRuns(ctx.pool, toRunListQuery(view)).catch((e: unknown) => {
    if (e instanceof ServiceError) {
      error = [e.message, ...e.details.map((d) => `${d.path}: ${d.issue}${d.fix ? ` (${d.fix})` : ""}`)].join(
        "; ",
      );
      return null;
    }
    throw e;
  });
  const rows = list?.runs ?? [];
  const configKeys = allKeys(rows.map(runKeys));
  const first = (view.page - 1) * view.limit + 1;

  return (
    <main className="page runs-page">
      <h1 className="title">Runs</h1>
      <p className="subtitle">
        Every run of every sweep: filter, sort on the server, group by a config key, and select runs to
        compare.
      </p>
      {problems.length > 0 ? (
        <p className="notice" role="status">
          Ignored in the link: {problems.join("; ")}.
        </p>
      ) : null}
      <RunsFilters key={runsHref(withView(view, { group: null }))} view={view} configKeys={configKeys} />
      {error ? (
        <p className="notice bad" role="alert">
          Could not list runs: {error}. <Link href="/runs">Start again</Link>
        </p>
      ) : null}
      {list ? (
        <>
          <p className="runs-count" aria-live="polite">
            {list.total === 0
              ? "No runs match these filters."
              : `Runs ${formatInt(first)}–${formatInt(first + rows.length - 1)} of ${formatInt(list.total)}`}
          </p>
          {rows.length > 0 ? <RunsTable rows={rows} view={view} configKeys={configKeys} /> : null}
          {list.total === 0 &&
          view.status.length + view.architecture.length + view.config.length === 0 &&
          !view.sweep &&
          !view.q ? (
            <p className="muted">
              No runs yet: launch a sweep from the <Link href="/sweeps">Sweeps</Link> page or with{" "}
              <code>npx bytelab sweep submit</code>.
            </p>
          ) : null}
          <nav className="pager" aria-label="pages">
            {view.cursor ? (
              <Link className="button" href={runsHref(withView(view, { cursor: null, page: 1 }))}>
                ⟨ First page
              </Link>
            ) : null}
            {list.nextCursor ? (
              <Link
                className="button"
                href={runsHref(withView(view, { cursor: list.nextCursor, page: view.page + 1 }))}
              >
                Next page ⟩
              </Link>
            ) : null}
          </nav>
        </>
      ) : null}
    </main>
  );
}
