import { listSweeps, type SweepList } from "@bytelab/service";
import Link from "next/link";
import { HealthCards } from "../components/sweeps/health-cards";
import { LoadError } from "../components/sweeps/load-error";
import { SweepListTable } from "../components/sweeps/sweep-list-table";
import { requireViewer } from "../lib/auth/page";
import { checkHealth } from "../lib/health";
import { liveHealthDeps } from "../lib/health-deps";
import { serviceContext } from "../lib/service-context";

// Live status on every request: never prerender at build time (there is no database then).
export const dynamic = "force-dynamic";

const RECENT = 5;

async function recentSweeps(): Promise<{ list: SweepList } | { error: unknown }> {
  try {
    return { list: await listSweeps(serviceContext().prisma, { limit: RECENT }) };
  } catch (error) {
    return { error };
  }
}

export default async function OverviewPage() {
  await requireViewer("/");
  const [health, recent] = await Promise.all([checkHealth(liveHealthDeps()), recentSweeps()]);
  return (
    <main className="page">
      <div className="page-head">
        <div>
          <h1 className="title">bytelab</h1>
          <p className="subtitle">
            Tokenizer-free, hierarchical byte-level language models: Hourglass, H-Net, MEGABYTE and a flat
            byte Transformer.
          </p>
        </div>
        <Link href="/sweeps/new" className="button primary">
          Launch a sweep
        </Link>
      </div>

      <HealthCards health={health} />

      <section className="card section" aria-labelledby="recent-sweeps">
        <div className="section-head">
          <h2 id="recent-sweeps">Recent sweeps</h2>
          <Link href="/sweeps">All sweeps →</Link>
        </div>
        {"error" in recent ? (
          <LoadError what="the sweeps" error={recent.error} />
        ) : recent.list.sweeps.length === 0 ? (
          <p className="empty">
            No sweeps yet: <Link href="/sweeps/new">launch one</Link> (or{" "}
            <code>npx bytelab sweep submit examples/arch-compare-brown.yaml</code>).
          </p>
        ) : (
          <SweepListTable sweeps={recent.list.sweeps} caption="recent sweeps" />
        )}
      </section>

      <section className="card section" aria-labelledby="alive-workers">
        <div className="section-head">
          <h2 id="alive-workers">Trainer workers</h2>
          <Link href="/workers">Workers and queue →</Link>
        </div>
        {health.workers.list.length === 0 ? (
          <p className="empty">
            No worker is alive: start one with <code>npm start</code> (or{" "}
            <code>node --import tsx workers/trainer/src/main.ts</code>); queued runs wait until one is.
          </p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">id</th>
                  <th scope="col">host</th>
                  <th scope="col">pid</th>
                  <th scope="col">slots</th>
                  <th scope="col">last heartbeat</th>
                </tr>
              </thead>
              <tbody>
                {health.workers.list.map((w) => (
                  <tr key={w.id}>
                    <td>
                      <code>{w.id}</code>
                    </td>
                    <td>{w.host}</td>
                    <td>{w.pid}</td>
                    <td>{w.slots}</td>
                    <td>{w.lastHeartbeatAt}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <p className="muted small">
        API: <a href="/api/v1/health">/api/v1/health</a> (health as JSON) ·{" "}
        <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1)
      </p>
    </main>
  );
}
