import { describe, expect, it } from "vitest";
import { buildSweepReport, escapeHtml, renderReportHtml, reportCharts } from "../src/report";
import { syntheticSweep } from "./helpers/report-sweep";

const EVIL = `<script>alert("pwned")</script>`;
const EVIL_ATTR = `"><img src=x onerror=alert(1)>`;

function evilSweep() {
  const input = syntheticSweep({
    architectures: [
      { architecture: "transformer", truth: { E: 0.9, A: 40, alpha: 0.1 } },
      { architecture: `hnet${EVIL_ATTR}`, truth: { E: 0.7, A: 210, alpha: 0.14 } },
    ],
    computes: [1e14, 1e15, 1e16, 1e17],
    seeds: 1,
    noise: 0.002,
    seed: 4,
  });
  input.sweep.name = `sweep ${EVIL}`;
  input.sweep.description = `about ${EVIL_ATTR}`;
  input.runs[0]!.name = EVIL;
  input.runs.push({
    id: "failed-1",
    name: `failed ${EVIL_ATTR}`,
    status: "FAILED",
    architecture: "transformer",
    seed: 0,
    config: {},
    error: `Error: ${EVIL}\n    at train (trainer.ts:1)`,
    backend: `cpu${EVIL}`,
  });
  return input;
}

describe("renderReportHtml", () => {
  const report = buildSweepReport(evilSweep(), { resamples: 100, generatedAt: "2026-11-28T12:00:00Z" });
  const page = renderReportHtml(report);

  it("escapes every string from the database", () => {
    expect(page).not.toContain(EVIL);
    expect(page).not.toContain(EVIL_ATTR);
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/<img/i);
    expect(page).toContain(escapeHtml(EVIL));
    expect(page).toContain(escapeHtml(`hnet${EVIL_ATTR}`));
    expect(page).toContain("Error: &lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;\n    at train");
    for (const chart of reportCharts(report)) {
      expect(chart.svg).not.toContain(EVIL_ATTR);
      expect(chart.file).toMatch(/^[a-z0-9-]+\.png$/);
    }
  });

  it("is self-contained: no scripts, no external assets", () => {
    expect(page.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(page).not.toMatch(/<link\b/i);
    // Attribute values are always double-quoted and escaped, so dropping them leaves only markup.
    // Text cannot hold a raw "<", so what remains between < and > is a real tag.
    const tags = page.replace(/="[^"]*"/g, '=""').match(/<[^>]*>/g) ?? [];
    expect(tags.length).toBeGreaterThan(100);
    expect(tags.filter((t) => /\s(src|on[a-z]+)=/i.test(t))).toEqual([]);
    expect(page).not.toMatch(/@import|url\(\s*['"]?https?:/i);
    // The only absolute URL is the SVG namespace name, which is never fetched.
    const urls = page.match(/https?:\/\/[^"'\s<)]+/g) ?? [];
    expect(new Set(urls)).toEqual(new Set(["http://www.w3.org/2000/svg"]));
  });

  it("shows every section, the architectures and the fitted parameters", () => {
    for (const id of ["scaling", "crossings", "compute-matched", "seeds", "curves", "runs", "environment"])
      expect(page).toContain(`<section id="${id}">`);
    expect(page).toContain('id="chart-scaling"');
    expect(page.match(/<svg /g)).toHaveLength(1 + 2);
    for (const arch of report.scaling.architectures) {
      expect(arch.fit).not.toBeNull();
      expect(page).toContain(arch.fit!.params.alpha.toFixed(3));
      expect(page).toContain(arch.fit!.params.E.toFixed(3));
    }
    expect(page).toContain("transformer");
    // The failed run is listed with its error; its missing FLOPs are "not recorded", not invented.
    expect(page).toContain(escapeHtml(`failed ${EVIL_ATTR}`));
    expect(page).toMatch(/not recorded/);
    expect(page).toContain("Runtime versions (Node.js, TF.js and its backend packages) are not recorded");
  });

  it("marks provisional fits and names the reason", () => {
    const input = syntheticSweep({
      architectures: [{ architecture: "megabyte", truth: { E: 0.8, A: 50, alpha: 0.12 } }],
      computes: [1e14, 1e15, 1e16],
      seeds: 1,
      noise: 0.001,
      seed: 5,
    });
    const html = renderReportHtml(buildSweepReport(input, { resamples: 50 }));
    expect(html).toContain('class="badge prov">provisional');
    expect(html).toContain("only 3 distinct compute values");
    expect(html).toContain("megabyte (provisional fit)");
  });
});
