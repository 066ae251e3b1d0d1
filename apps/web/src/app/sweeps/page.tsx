import { listSweeps, type SweepList } from "@bytelab/service";
import Link from "next/link";
import { LoadError } from "../../components/sweeps/load-error";
import { firstParam, type SearchParams } from "../../components/sweeps/search-params";
import { SweepListTable } from "../../components/sweeps/sweep-list-table";
import { requireViewer } from "../../lib/auth/page";
import { serviceContext } from "../../lib/service-context";

export const dynamic = "force-dynamic";

const PAGE_SIZES = [10, 20, 50, 100] as const;

function pageSize(raw: string | undefined): number {
  const n = Number(raw);
  return (PAGE_SIZES as readonly number[]).includes(n) ? n : 20;
}

/** /sweeps?cursor=...&limit=20: newest first, one page at a time (the cursor keeps the place). */
export default async function SweepsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const query = await searchParams;
  const cursor = firstParam(query.cursor);
  const limit = pageSize(firstParam(query.limit));
  const view = new URLSearchParams({
    ...(cursor ? { cursor } : {}),
    ...(limit !== 20 ? { limit: String(limit) } : {}),
  }).toString();
  const here = `/sweeps${view ? `?${view}` : ""}`;
  await requireViewer(here);
  let list: SweepList | null = null;
  let error: unknown = null;
  try {
    list = await listSweeps(serviceContext().prisma, { limit, ...(cursor ? { cursor } : {}) });
  } catch (e) {
    error = e;
  }
  const older = list?.nextCursor
    ? `/sweeps?cursor=${encodeURIComponent(list.nextCursor)}&limit=${limit}`
    : null;
  return (
    <main className="page">
      <div className="page-head">
        <div>
          <h1 className="title">Sweeps</h1>
          <p className="subtitle">Newest first, with their runs counted per status, progress and ETA.</p>
        </div>
        <Link href="/sweeps/new" className="button primary">
          Launch a sweep
        </Link>
      </div>
      {error ? (
        <LoadError what="the sweeps" error={error} />
      ) : list && list.sweeps.length === 0 ? (
        <div className="card empty">
          {cursor ? (
            <>
              No older sweeps. <Link href="/sweeps">Back to the newest</Link>
            </>
          ) : (
            <>
              No sweeps yet: <Link href="/sweeps/new">launch one</Link>, or submit a spec with{" "}
              <code>npx bytelab sweep submit examples/arch-compare-brown.yaml</code>.
            </>
          )}
        </div>
      ) : list ? (
        <section className="card" aria-label="sweeps">
          <SweepListTable sweeps={list.sweeps} caption="sweeps, newest first" />
          <nav className="pager" aria-label="pages">
            {cursor ? (
              <Link href={`/sweeps${limit !== 20 ? `?limit=${limit}` : ""}`}>← Newest</Link>
            ) : (
              <span />
            )}
            <form className="inline-form" action="/sweeps">
              <label>
                per page{" "}
                <select name="limit" defaultValue={String(limit)}>
                  {PAGE_SIZES.map((n) => (
                    <option key={n} value={n}>
                      {n}
                    </option>
                  ))}
                </select>
              </label>{" "}
              <button type="submit" className="button">
                Show
              </button>
            </form>
            {older ? (
              <Link href={older} rel="next">
                Older →
              </Link>
            ) : (
              <span className="muted">last page</span>
            )}
          </nav>
        </section>
      ) : null}
    </main>
  );
}
