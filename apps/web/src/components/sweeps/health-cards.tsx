import type { Health, Probe } from "../../lib/schemas/health";

/** The platform's health as four cards: Postgres, Redis, alive workers, version. */
export function HealthCards({ health }: { health: Health }) {
  return (
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
