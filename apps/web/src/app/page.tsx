import { checkHealth } from "../lib/health";
import { liveHealthDeps } from "../lib/health-deps";
import type { Probe } from "../lib/schemas/health";

// Live status on every request: never prerender at build time (there is no database then).
export const dynamic = "force-dynamic";

export default async function DashboardPage() {
  const health = await checkHealth(liveHealthDeps());
  return (
    <main className="page">
      <h1 className="title">bytelab</h1>
      <p className="subtitle">
        Tokenizer-free, hierarchical byte-level language models: Hourglass, H-Net, MEGABYTE and a flat byte
        Transformer.
      </p>

      <section className="grid" aria-label="platform health">
        <ProbeCard name="Postgres" probe={health.db} />
        <ProbeCard name="Redis" probe={health.redis} />
        <div className="card">
          <h2>Workers</h2>
          <strong className={health.workers.alive > 0 ? "ok" : "bad"}>{health.workers.alive} alive</strong>
          {health.workers.error ? <div className="muted">{health.workers.error}</div> : null}
        </div>
        <div className="card">
          <h2>Version</h2>
          <strong>{health.version}</strong>
        </div>
      </section>

      {health.workers.list.length > 0 ? (
        <section className="card">
          <h2>Trainer workers</h2>
          <table>
            <thead>
              <tr>
                <th>id</th>
                <th>host</th>
                <th>pid</th>
                <th>slots</th>
                <th>last heartbeat</th>
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
        </section>
      ) : null}

      <nav className="card" style={{ marginTop: "1rem" }}>
        <h2>Links</h2>
        <ul>
          <li>
            <a href="/api/v1/health">/api/v1/health</a>: health as JSON
          </li>
        </ul>
      </nav>
    </main>
  );
}

function ProbeCard({ name, probe }: { name: string; probe: Probe }) {
  return (
    <div className="card">
      <h2>{name}</h2>
      <strong className={probe.ok ? "ok" : "bad"}>{probe.ok ? "ok" : "down"}</strong>{" "}
      <span className="muted">{probe.latencyMs} ms</span>
      {probe.error ? <div className="muted">{probe.error}</div> : null}
    </div>
  );
}
