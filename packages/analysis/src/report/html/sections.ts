import type { SummaryStats } from "../../stats/summary";
import type { ReportFit, SweepReport } from "../types";
import { architectureColors } from "./colors";
import { compact, duration, fixed, interval, percent, sci } from "./format";
import { html, type SafeHtml } from "./safe-html";

const NOT_RECORDED = html`<span class="nr">not recorded</span>`;

function swatch(color: string): SafeHtml {
  return html`<span class="sw" style="background:${color}"></span>`;
}

function statusBadge(status: string): SafeHtml {
  return html`<span class="badge s-${status}">${status.toLowerCase()}</span>`;
}

export function header(report: SweepReport): SafeHtml {
  const s = report.sweep;
  const sum = report.summary;
  return html`<header>
<h1>${report.title}</h1>
<p class="meta">sweep <code>${s.id}</code>${s.kind ? html` · ${s.kind}` : ""} · created ${s.createdAt ?? "—"} · report generated ${report.generatedAt}</p>
${s.description ? html`<p>${s.description}</p>` : ""}
<div class="cards">
<div class="card"><div class="k">runs</div><div class="v">${sum.runs}</div><div>${sum.byStatus.map((b) => html`${statusBadge(b.status)} ${b.count} `)}</div></div>
<div class="card"><div class="k">architectures</div><div class="v">${sum.architectures.length}</div><div class="small">${sum.architectures.join(", ") || "—"}</div></div>
<div class="card"><div class="k">training compute</div><div class="v">${sci(sum.totalCompute)}</div><div class="small">FLOPs, all runs</div></div>
<div class="card"><div class="k">wall time</div><div class="v">${duration(sum.totalWallSeconds)}</div><div class="small">summed over runs</div></div>
<div class="card"><div class="k">held-out metric</div><div class="v">${report.scaling.metric}</div><div class="small">final value per run</div></div>
</div>
${report.warnings.length > 0 ? html`<div class="warn"><strong>Read with care</strong><ul>${report.warnings.map((w) => html`<li>${w}</li>`)}</ul></div>` : ""}
<nav><a href="#scaling">Scaling</a><a href="#crossings">Crossings</a><a href="#compute-matched">Compute-matched</a><a href="#seeds">Seeds</a><a href="#curves">Learning curves</a><a href="#runs">Runs</a><a href="#environment">Environment</a></nav>
</header>`;
}

function fitStatus(fit: ReportFit): SafeHtml {
  if (!fit.provisional) return html`<span class="badge ok">ok</span>`;
  return html`<span class="badge prov">provisional</span><ul class="reasons">${fit.reasons.map((r) => html`<li>${r}</li>`)}</ul>`;
}

function withInterval(
  value: number,
  iv: { lower: number; upper: number } | undefined,
  fmt: (v: number) => string,
): SafeHtml {
  return html`${fmt(value)}${iv ? html`<br><span class="small">${interval(iv.lower, iv.upper, fmt)}</span>` : ""}`;
}

/** The direct comparison (scaling.mode "direct"): each setting's final value with its seed interval. */
function directSection(report: SweepReport, chart: SafeHtml | null): SafeHtml {
  const s = report.scaling;
  const d = s.direct;
  const colors = architectureColors(s.architectures.map((a) => a.architecture));
  const level = percent(d.level);
  const why = s.architectures
    .map((a) => a.skipped)
    .filter((x): x is string => x !== null)
    .slice(0, 1);
  return html`<section id="scaling"><h2>Scaling curves</h2>
<p>No scaling law was fitted${why.length > 0 ? html` (${why[0]})` : ""}, so the settings are compared directly: the final <code>${d.metric}</code> of every run (dots), the mean over its seeds (bar) and the ${level} Student-t interval of that mean. Nothing is extrapolated; see the compute-matched table for values at equal training FLOPs.</p>
${chart ? html`<div class="figure">${chart}</div>` : html`<p class="nr">No run has a final ${d.metric}: nothing to draw.</p>`}
${
  d.groups.length > 0
    ? html`<div class="tablewrap"><table><thead><tr><th>architecture</th><th>setting</th><th class="n">budget (FLOPs)</th><th class="n">training FLOPs reached</th><th class="n">runs</th><th class="n">mean ${d.metric}</th><th class="n">${level} interval</th><th class="n">std</th></tr></thead><tbody>${d.groups.map(
        (g) =>
          html`<tr><td class="nowrap">${swatch(colors.get(g.architecture) ?? "#999")}${g.architecture}</td><td><span class="small">${g.label}</span></td><td class="n">${sci(g.budget)}</td><td class="n">${g.compute ? (g.compute[0] === g.compute[1] ? sci(g.compute[0], 3) : `${sci(g.compute[0], 3)} – ${sci(g.compute[1], 3)}`) : "—"}</td><td class="n">${g.n} of ${g.runs.length}</td><td class="n">${fixed(g.mean)}</td><td class="n">${g.interval ? interval(g.interval.lower, g.interval.upper, (v) => fixed(v)) : "—"}</td><td class="n">${fixed(g.std)}</td></tr>`,
      )}</tbody></table></div>`
    : ""
}
</section>`;
}

export function scalingSection(report: SweepReport, chart: SafeHtml | null): SafeHtml {
  const s = report.scaling;
  if (s.mode === "direct") return directSection(report, chart);
  const colors = architectureColors(s.architectures.map((a) => a.architecture));
  const level = percent(s.level);
  const fitted = s.architectures.filter((a) => a.fit);
  const predictAt = s.extrapolateTo;
  const rows = fitted.map((a) => {
    const fit = a.fit!;
    const iv = fit.intervals;
    const pred = fit.band[fit.band.length - 1];
    const leftOut = a.points.filter((p) => !p.used);
    return html`<tr>
<td class="nowrap">${swatch(colors.get(a.architecture)!)}${a.architecture}</td>
<td class="n">${withInterval(fit.params.E, iv?.E, (v) => fixed(v))}</td>
<td class="n">${withInterval(fit.params.A, iv?.A, (v) => sci(v))}</td>
<td class="n">${withInterval(fit.params.alpha, iv?.alpha, (v) => fixed(v))}</td>
<td class="n">${fit.data.points} runs, ${fit.data.distinctCompute} budgets<br><span class="small">${sci(fit.data.computeMin)} – ${sci(fit.data.computeMax)}</span></td>
<td class="n">${fit.quality.r2 === null ? "—" : fixed(fit.quality.r2)}<br><span class="small">RMSE ${fixed(fit.quality.rmse, 4)}</span></td>
<td class="n">${pred ? withInterval(pred.estimate, pred.lower !== null && pred.upper !== null ? { lower: pred.lower, upper: pred.upper } : undefined, (v) => fixed(v)) : "—"}</td>
<td class="fitcol">${fitStatus(fit)}${leftOut.length > 0 ? html`<div class="small">left out: ${leftOut.map((p, i) => html`${i > 0 ? "; " : ""}${p.runName} (${p.reason})`)}</div>` : ""}</td>
</tr>`;
  });
  const skipped = s.architectures.filter((a) => !a.fit);
  return html`<section id="scaling"><h2>Scaling curves</h2>
<p>Final <code>${s.metric}</code> of every run against its cumulative training FLOPs, with <code>L(C) = E + A·C<sup>−α</sup></code> fitted per architecture by bounded least squares. Intervals are ${level} percentile bootstrap intervals over runs; the curves are drawn out to ${sci(predictAt)} FLOPs.</p>
${chart ? html`<div class="figure">${chart}</div>` : html`<p class="nr">No run has both training FLOPs and a final ${s.metric}: nothing to draw.</p>`}
${
  fitted.length > 0
    ? html`<div class="tablewrap"><table><thead><tr><th>architecture</th><th class="n">E (bpb)</th><th class="n">A</th><th class="n">α</th><th class="n">data (FLOPs range)</th><th class="n">R²</th><th class="n">predicted at ${sci(predictAt)}</th><th>fit</th></tr></thead><tbody>${rows}</tbody></table></div>`
    : ""
}
${skipped.length > 0 ? html`<ul>${skipped.map((a) => html`<li>${swatch(colors.get(a.architecture)!)}<strong>${a.architecture}</strong>: no fit. ${a.skipped}</li>`)}</ul>` : ""}
</section>`;
}

export function crossingsSection(report: SweepReport): SafeHtml {
  const s = report.scaling;
  const items = s.crossings.map((c) => {
    const [a, b] = c.architectures;
    if (c.status === "no-crossing")
      return html`<li><strong>${a}</strong> vs <strong>${b}</strong>: ${c.message}${c.crossingShare !== null ? html` <span class="small">(${percent(c.crossingShare)} of bootstrap pairs cross in range)</span>` : ""}</li>`;
    return html`<li><strong>${a}</strong> vs <strong>${b}</strong>: ${c.crossings.map(
      (x, i) =>
        html`${i > 0 ? "; " : ""}cross at <strong>${sci(x.compute)}</strong> FLOPs (${fixed(x.loss)} bpb)${x.interval ? html`, ${percent(x.interval.level)} CI ${x.interval.lowerOpen ? "below " : ""}${sci(x.interval.lower)} – ${x.interval.upperOpen ? "above " : ""}${sci(x.interval.upper)}` : ""}; <strong>${x.betterAbove}</strong> is lower above ${c.extrapolated[i] ? html` <span class="badge extrap">extrapolated</span>` : ""}`,
    )}</li>`;
  });
  return html`<section id="crossings"><h2>Crossings</h2>
${
  s.crossings.length > 0
    ? html`<p class="small">Searched from the smallest run to ${sci(s.extrapolateTo)} FLOPs. A crossing outside the compute range both fits saw is read off extrapolated curves.</p><ul>${items}</ul>`
    : html`<p class="nr">Crossings need fits for at least two architectures.</p>`
}
</section>`;
}

export function comparisonSection(report: SweepReport): SafeHtml {
  const c = report.comparison;
  if (c.rows.length === 0)
    return html`<section id="compute-matched"><h2>Compute-matched comparison</h2><p class="nr">${c.note ?? "nothing to compare"}</p></section>`;
  const architectures = c.rows[0]!.cells.map((cell) => cell.architecture);
  const colors = architectureColors(report.scaling.architectures.map((a) => a.architecture));
  const body = c.rows.map((row) => {
    const means = row.cells.flatMap((cell) => (cell.mean === null ? [] : [cell.mean]));
    const best = means.length > 1 ? Math.min(...means) : null;
    return html`<tr><td class="n">${sci(row.budget)}</td>${row.cells.map((cell) => {
      // Every run without a value says why (not reached: stopped at X; failed; no eval; ...).
      const why = cell.missing.map(
        (m) => html`<li title="${m.runName}">${m.runName.split("/").slice(-2).join("/")}: ${m.detail}</li>`,
      );
      return html`<td class="n wrap${cell.mean !== null && cell.mean === best ? " best" : ""}${cell.coverage === "empty" ? " empty" : ""}">${cell.mean === null ? "—" : fixed(cell.mean)}${cell.std !== null ? html` ± ${fixed(cell.std)}` : ""}<br><span class="small">${cell.n > 1 && cell.min !== null ? `min ${fixed(cell.min)} · ` : ""}n=${cell.n}${cell.total !== cell.n ? ` of ${cell.total}` : ""}${why.length > 0 ? html`<ul class="reasons">${why}</ul>` : ""}</span></td>`;
    })}</tr>`;
  });
  return html`<section id="compute-matched"><h2>Compute-matched comparison</h2>
<p>Every run's <code>${c.metric}</code> curve interpolated (log-linear in FLOPs) to each budget; mean ± sample std and the best (min) value over the runs that reached it; in a size ladder the min is the compute frontier. Runs are never extrapolated past their last evaluation: a run without a value at a budget is listed in its cell with the reason. Lowest mean per budget in bold. Budgets: ${c.rule}.${c.reachedByAll !== null ? html` Every compared run reached ${sci(c.reachedByAll, 3)} training FLOPs.` : ""}</p>
${c.complete ? "" : html`<p class="warn">Some architectures have no value at some budgets (marked —); their cells say why.</p>`}
<div class="tablewrap"><table><thead><tr><th class="n">budget (FLOPs)</th>${architectures.map((a) => html`<th class="n">${swatch(colors.get(a) ?? "#999")}${a}</th>`)}</tr></thead><tbody>${body}</tbody></table></div>
</section>`;
}

function stat(s: (SummaryStats & { missing: number }) | null): SafeHtml {
  if (!s) return html`—`;
  return html`${fixed(s.mean)}${s.ci ? html`<br><span class="small">${interval(s.ci.lower, s.ci.upper, (v) => fixed(v))}</span>` : ""}`;
}

export function seedsSection(report: SweepReport): SafeHtml {
  const s = report.seeds;
  if (s.groups.length === 0)
    return html`<section id="seeds"><h2>Seed aggregation</h2><p class="nr">${s.note ?? "no groups"}</p></section>`;
  const level = percent(report.scaling.level);
  return html`<section id="seeds"><h2>Seed aggregation</h2>
<p>Completed and diverged runs grouped by identical config apart from the seed; mean of the final values with the ${level} Student-t interval of the mean. Diverged runs count as missing.</p>
<div class="tablewrap"><table><thead><tr><th>architecture</th><th>setting</th><th class="n">runs</th><th>seeds</th>${s.metrics.map((m) => html`<th class="n">${m}</th>`)}<th class="n">std (${s.metrics[0]})</th><th class="n">missing</th></tr></thead><tbody>${s.groups.map(
    (g) => {
      const head = g.metrics[s.metrics[0]!] ?? null;
      const missing = Math.max(0, ...s.metrics.map((m) => g.metrics[m]?.missing ?? 0));
      return html`<tr><td>${g.architecture}</td><td><span class="small">${g.label}</span></td><td class="n" title="${g.runNames.join(", ")}">${g.runIds.length}</td><td class="small">${g.seeds.map(String).join(", ") || "—"}</td>${s.metrics.map((m) => html`<td class="n">${stat(g.metrics[m] ?? null)}</td>`)}<td class="n">${head?.std === null || head === null ? "—" : fixed(head.std)}</td><td class="n">${missing}</td></tr>`;
    },
  )}</tbody></table></div>
</section>`;
}

export function curvesSection(
  report: SweepReport,
  charts: Array<{ architecture: string; svg: SafeHtml | null }>,
): SafeHtml {
  return html`<section id="curves"><h2>Learning curves</h2>
<p class="small">Lines: <code>${report.learningCurves.trainMetric}</code>, downsampled (LTTB on a log-FLOPs grid). Points: <code>${report.learningCurves.heldOutMetric}</code> evaluations. The y-axis is capped near the top of the held-out values so the informative part is readable.</p>
${charts.map((c) => (c.svg ? html`<div class="figure">${c.svg}</div>` : html`<p class="nr">${c.architecture}: no points with training FLOPs recorded.</p>`))}
</section>`;
}

export function runsSection(report: SweepReport): SafeHtml {
  const metric = report.scaling.metric;
  const testMetric = report.seeds.metrics[1] ?? "test";
  const runs = [...report.runs].sort((a, b) =>
    a.architecture === b.architecture
      ? (a.compute ?? 0) - (b.compute ?? 0)
      : a.architecture < b.architecture
        ? -1
        : 1,
  );
  const columns = 10;
  return html`<section id="runs"><h2>Runs</h2>
<p class="small">Sorted by architecture and training FLOPs. FLOPs/byte as stored on the run; training FLOPs from the run's metric points.</p>
<div class="tablewrap"><table><thead><tr><th>run</th><th>status</th><th>architecture</th><th class="n">params</th><th class="n">FLOPs/byte</th><th class="n">training FLOPs<br><span class="small">reached / budget</span></th><th class="n">final ${metric}</th><th class="n">final ${testMetric}</th><th class="n">wall time</th><th>in fit</th></tr></thead><tbody>${runs.map(
    (r) => {
      // A queued run has nothing recorded yet by design; "not recorded" is for runs that should have it.
      const missing = r.status === "QUEUED" ? html`—` : NOT_RECORDED;
      return html`<tr${r.error ? html` class="has-error"` : ""}>
<td>${r.name}<br><span class="small"><code>${r.id}</code> · seed ${r.seed}</span></td>
<td>${statusBadge(r.status)}</td>
<td>${r.architecture}</td>
<td class="n">${r.paramCount === null ? missing : compact(r.paramCount)}</td>
<td class="n">${r.flopsPerByte === null ? missing : sci(r.flopsPerByte)}</td>
<td class="n">${r.compute === null && r.budget?.reached == null ? missing : sci(r.budget?.reached ?? r.compute, 3)}${r.budget ? html`<br><span class="small">budget ${sci(r.budget.flops, 3)}${r.budget.reachedBudget === false ? " (not reached)" : ""}</span>` : ""}${r.endedEarly ? html`<br><span class="small">${r.endedEarly}</span>` : ""}</td>
<td class="n">${fixed(r.finalHeldOut)}</td>
<td class="n">${fixed(r.finalTest)}</td>
<td class="n">${r.wallTime === null ? missing : html`${duration(r.wallTime.seconds)}${r.wallTime.source === "timestamps" ? html`<br><span class="small">start→finish</span>` : ""}`}</td>
<td>${r.fit.used ? "yes" : html`<span class="small">no: ${r.fit.reason}</span>`}</td>
</tr>${
        r.error
          ? html`<tr class="error-row"><td colspan="${columns}"><div class="err">${r.error}</div></td></tr>`
          : r.status === "FAILED"
            ? html`<tr class="error-row"><td colspan="${columns}"><span class="small">error: </span>${NOT_RECORDED}</td></tr>`
            : ""
      }`;
    },
  )}</tbody></table></div>
</section>`;
}

export function environmentSection(report: SweepReport): SafeHtml {
  const e = report.environment;
  return html`<section id="environment"><h2>Environment</h2>
<p class="small">As recorded on the runs in the database; values are listed with the number of runs that report them.</p>
<table><thead><tr><th>property</th><th>recorded values</th><th class="n">runs without a value</th></tr></thead><tbody>${e.rows.map(
    (r) =>
      html`<tr><td>${r.property}</td><td>${r.values.length > 0 ? r.values.map((v, i) => html`${i > 0 ? html`<br>` : ""}<code>${v.value}</code> <span class="small">(${v.runs} run${v.runs === 1 ? "" : "s"})</span>`) : NOT_RECORDED}</td><td class="n">${r.notRecorded}</td></tr>`,
  )}</tbody></table>
${e.notes.map((n) => html`<p class="small">${n}</p>`)}
</section>`;
}
