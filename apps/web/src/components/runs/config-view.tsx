import type { ReactNode } from "react";
import { formatConfigValue } from "../../lib/series/format";

/** One line of the pretty-printed config: indentation, the key, the value (or an opening bracket). */
function lines(
  value: unknown,
  path: string,
  key: string | null,
  indent: number,
  last: boolean,
  out: ReactNode[],
  varying: ReadonlySet<string>,
) {
  const pad = "  ".repeat(indent);
  const comma = last ? "" : ",";
  const label = key === null ? "" : `${JSON.stringify(key)}: `;
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) {
      out.push(<span key={path || "root"}>{`${pad}${label}{}${comma}\n`}</span>);
      return;
    }
    out.push(<span key={`${path}{`}>{`${pad}${label}{\n`}</span>);
    for (const [i, [k, v]] of entries.entries())
      lines(v, path ? `${path}.${k}` : k, k, indent + 1, i === entries.length - 1, out, varying);
    out.push(<span key={`${path}}`}>{`${pad}}${comma}\n`}</span>);
    return;
  }
  const hit = varying.has(path);
  out.push(
    <span key={path} className={hit ? "config-varying" : undefined} data-key={path}>
      {`${pad}${label}${JSON.stringify(value)}${comma}`}
      {hit ? <span className="visually-hidden"> (varies in this sweep)</span> : null}
      {"\n"}
    </span>,
  );
}

/**
 * The run's config as pretty JSON, the keys that vary across its sweep highlighted (what sets this run apart
 * from the sweep's base), with the config hash and those keys listed above.
 */
export function ConfigView(props: {
  config: Record<string, unknown>;
  configHash: string;
  varying: ReadonlyArray<{ key: string; value: unknown }>;
}) {
  const keys = new Set(props.varying.map((v) => v.key));
  const out: ReactNode[] = [];
  lines(props.config, "", null, 0, true, out, keys);
  return (
    <div className="config-view">
      <p>
        Config hash <code className="hash">{props.configHash}</code>
      </p>
      {props.varying.length > 0 ? (
        <div>
          <p className="muted">What sets this run apart in its sweep (highlighted below):</p>
          <ul className="varying-list">
            {props.varying.map((v) => (
              <li key={v.key}>
                <code>{v.key}</code> = <strong>{formatConfigValue(v.value)}</strong>
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <p className="muted">Nothing varies across its sweep (or it has no sweep).</p>
      )}
      <section aria-label="config JSON">
        {/* biome-ignore lint/a11y/noNoninteractiveTabindex: the config box scrolls; keyboard users need to reach it */}
        <pre className="config-json" tabIndex={0}>
          {out}
        </pre>
      </section>
    </div>
  );
}
