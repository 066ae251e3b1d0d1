import { getSweepStatus, type SweepStatus } from "@bytelab/service";
import Link from "next/link";
import { notFound } from "next/navigation";
import { isNotFound, LoadError } from "../../../components/sweeps/load-error";
import { firstParam, type SearchParams } from "../../../components/sweeps/search-params";
import { SweepLive } from "../../../components/sweeps/sweep-live";
import { requireViewer } from "../../../lib/auth/page";
import { serviceContext } from "../../../lib/service-context";

export const dynamic = "force-dynamic";

/** /sweeps/[id]: the sweep's header, actions and runs, live while runs train. */
export default async function SweepPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { id } = await params;
  const query = await searchParams;
  await requireViewer(`/sweeps/${encodeURIComponent(id)}`);
  let status: SweepStatus | null = null;
  let error: unknown = null;
  try {
    status = await getSweepStatus(serviceContext().prisma, id);
  } catch (e) {
    if (isNotFound(e)) notFound();
    error = e;
  }
  const submitted = firstParam(query.submitted);
  const queueLater = firstParam(query.enqueueError);
  return (
    <main className="page">
      <p className="breadcrumb">
        <Link href="/sweeps">Sweeps</Link> / <span>{status?.sweep.name ?? id}</span>
      </p>
      {submitted === "new" ? (
        <div className="notice success" role="status">
          Sweep submitted: its runs are queued for the workers.
        </div>
      ) : submitted === "existing" ? (
        <div className="notice" role="status">
          The same spec was submitted before: this is that sweep (nothing new was created).
        </div>
      ) : null}
      {queueLater ? (
        <div className="notice warn" role="status">
          Redis did not take the jobs ({queueLater}); the runs are saved as QUEUED and are queued again
          automatically once Redis is back.
        </div>
      ) : null}
      {status ? <SweepLive initial={status} /> : <LoadError what="this sweep" error={error} />}
    </main>
  );
}
