import { type WorkersOverview, workersOverview } from "@bytelab/service";
import { LoadError } from "../../components/sweeps/load-error";
import { WorkersLive } from "../../components/workers/workers-live";
import { requireViewer } from "../../lib/auth/page";
import { serverEnv } from "../../lib/env";
import { serviceContext } from "../../lib/service-context";

export const dynamic = "force-dynamic";

/** /workers: trainer workers (heartbeat age, devices, slots, current runs, stale ones flagged), queue depths. */
export default async function WorkersPage() {
  await requireViewer("/workers");
  let overview: WorkersOverview | null = null;
  let error: unknown = null;
  try {
    overview = await workersOverview(serviceContext(), {
      aliveWithinMs: serverEnv().BYTELAB_WORKER_ALIVE_MS,
    });
  } catch (e) {
    error = e;
  }
  return (
    <main className="page">
      <h1 className="title">Workers and queue</h1>
      <p className="subtitle">
        Trainer workers with their heartbeats and the runs they train; the training queue's depths.
      </p>
      {overview ? <WorkersLive initial={overview} /> : <LoadError what="the workers" error={error} />}
    </main>
  );
}
