import { linearTicks, logTicks, makeScale, type Scale, type Tick } from "./axes";
import { html, type SafeHtml } from "./safe-html";

export interface XY {
  x: number;
  y: number;
}

export interface ChartLine {
  color: string;
  points: XY[];
  /** SVG stroke-dasharray, e.g. "6 4". */
  dash?: string;
  width?: number;
  opacity?: number;
  title?: string;
}

export interface ChartBand {
  color: string;
  points: Array<{ x: number; lower: number; upper: number }>;
  opacity?: number;
}

export type MarkerShape = "dot" | "ring" | "cross";

export interface ChartMarker {
  color: string;
  x: number;
  y: number;
  shape: MarkerShape;
  size?: number;
  title?: string;
}

export interface ChartVLine {
  x: number;
  color: string;
  label?: string;
  title?: string;
}

export interface LegendEntry {
  color: string;
  label: string;
  kind: "line" | "dashed" | "band" | MarkerShape;
}

export interface ChartSpec {
  /** Used for element ids and PNG file names: [a-z0-9-]. */
  id: string;
  title: string;
  subtitle?: string;
  width: number;
  plotHeight: number;
  xLabel: string;
  yLabel: string;
  xLog: boolean;
  xDomain: [number, number];
  /**
   * A categorical x axis: category i sits at x = i + 1 and is labelled with its name (xLog must be false;
   * give xDomain [0.5, n + 0.5]).
   */
  xCategories?: string[];
  yDomain: [number, number];
  lines?: ChartLine[];
  bands?: ChartBand[];
  markers?: ChartMarker[];
  vlines?: ChartVLine[];
  /** A shaded x-range with a caption (e.g. the extrapolation region). */
  region?: { from: number; to: number; label: string };
  legend?: LegendEntry[];
}

const FONT = `system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif`;
const MARGIN = { left: 64, right: 20 };
const LEGEND_ROW = 20;
const CHAR_WIDTH = 6.6;
const LEGEND_MAX_CHARS = 56;

function num(v: number): string {
  return Number.isFinite(v) ? String(Math.round(v * 10) / 10) : "0";
}

function tickLabel(t: Tick, x: number, y: number, anchor: string): SafeHtml {
  if (!t.label) return html``;
  const { text, power } = t.label;
  return html`<text x="${num(x)}" y="${num(y)}" text-anchor="${anchor}" class="tick">${text}${
    power === null ? "" : html`<tspan dy="-6" font-size="9">${power}</tspan>`
  }</text>`;
}

function pathOf(points: XY[], sx: Scale, sy: Scale): string {
  return points.map((p, i) => `${i === 0 ? "M" : "L"}${num(sx(p.x))},${num(sy(p.y))}`).join("");
}

/** A marker centred on pixel (x, y). */
function markerAt(
  color: string,
  shape: MarkerShape,
  x: number,
  y: number,
  r: number,
  text?: string,
): SafeHtml {
  const title = text ? html`<title>${text}</title>` : "";
  if (shape === "cross")
    return html`<path d="M${num(x - r)},${num(y - r)}L${num(x + r)},${num(y + r)}M${num(x - r)},${num(y + r)}L${num(x + r)},${num(y - r)}" stroke="${color}" stroke-width="2" fill="none">${title}</path>`;
  if (shape === "ring")
    return html`<circle cx="${num(x)}" cy="${num(y)}" r="${num(r)}" fill="#fff" stroke="${color}" stroke-width="1.6">${title}</circle>`;
  return html`<circle cx="${num(x)}" cy="${num(y)}" r="${num(r)}" fill="${color}" stroke="#fff" stroke-width="0.8">${title}</circle>`;
}

function marker(m: ChartMarker, sx: Scale, sy: Scale): SafeHtml {
  return markerAt(m.color, m.shape, sx(m.x), sy(m.y), m.size ?? 4, m.title);
}

function legendSwatch(e: LegendEntry, x: number, y: number): SafeHtml {
  switch (e.kind) {
    case "line":
      return html`<line x1="${x}" y1="${y}" x2="${x + 18}" y2="${y}" stroke="${e.color}" stroke-width="2.2"/>`;
    case "dashed":
      return html`<line x1="${x}" y1="${y}" x2="${x + 18}" y2="${y}" stroke="${e.color}" stroke-width="2.2" stroke-dasharray="5 3"/>`;
    case "band":
      return html`<rect x="${x}" y="${y - 6}" width="18" height="12" fill="${e.color}" fill-opacity="0.18"/>`;
    default:
      return markerAt(e.color, e.kind, x + 9, y, 4);
  }
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Lays out legend entries in rows that fit `width`; returns the rows' markup and height. */
function legend(
  entries: LegendEntry[],
  left: number,
  top: number,
  width: number,
): { markup: SafeHtml; height: number } {
  const items: SafeHtml[] = [];
  let x = left;
  let row = 0;
  for (const e of entries) {
    const label = truncate(e.label, LEGEND_MAX_CHARS);
    const w = 24 + label.length * CHAR_WIDTH + 18;
    if (x > left && x + w > left + width) {
      x = left;
      row++;
    }
    const y = top + row * LEGEND_ROW + 10;
    items.push(
      html`<g>${label !== e.label ? html`<title>${e.label}</title>` : ""}${legendSwatch(e, x, y)}<text x="${num(x + 24)}" y="${num(y + 4)}" class="legend">${label}</text></g>`,
    );
    x += w;
  }
  return { markup: html`${items}`, height: entries.length > 0 ? (row + 1) * LEGEND_ROW + 6 : 0 };
}

/**
 * A self-contained SVG line/scatter chart: log or linear x, linear y, grid, bands, lines, markers, vertical
 * guides, a shaded region and a legend below the plot. Everything is clipped to the plot area; text is escaped.
 */
export function renderChart(spec: ChartSpec): SafeHtml {
  const titleHeight = spec.subtitle ? 46 : 30;
  const plotTop = titleHeight + 8;
  const plotLeft = MARGIN.left;
  const plotRight = spec.width - MARGIN.right;
  const plotBottom = plotTop + spec.plotHeight;
  const sx = makeScale(spec.xDomain, [plotLeft, plotRight], spec.xLog);
  const sy = makeScale(spec.yDomain, [plotBottom, plotTop], false);
  const categoryWidth = spec.xCategories ? (plotRight - plotLeft) / Math.max(1, spec.xCategories.length) : 0;
  const xTicks: Tick[] = spec.xCategories
    ? spec.xCategories.map((name, i) => ({
        value: i + 1,
        major: true,
        label: { text: truncate(name, Math.max(4, Math.floor(categoryWidth / CHAR_WIDTH) - 1)), power: null },
      }))
    : spec.xLog
      ? logTicks(spec.xDomain)
      : linearTicks(spec.xDomain, 8);
  const yTicks = linearTicks(spec.yDomain, 6);
  const legendTop = plotBottom + 46;
  const lg = legend(spec.legend ?? [], plotLeft, legendTop, plotRight - plotLeft);
  const height = legendTop + lg.height + 4;
  const clip = `clip-${spec.id.replace(/[^a-z0-9-]/gi, "")}`;
  const inX = (x: number) => x >= spec.xDomain[0] && x <= spec.xDomain[1];

  const region = spec.region
    ? (() => {
        const from = Math.max(spec.region.from, spec.xDomain[0]);
        const to = Math.min(spec.region.to, spec.xDomain[1]);
        if (!(from < to)) return html``;
        const x0 = sx(from);
        return html`<rect x="${num(x0)}" y="${plotTop}" width="${num(sx(to) - x0)}" height="${spec.plotHeight}" fill="#f1f3f5"/><text x="${num(x0 + 6)}" y="${plotTop + 14}" class="note">${spec.region.label}</text>`;
      })()
    : html``;

  const grid = html`${xTicks.map(
    (t) =>
      html`<line x1="${num(sx(t.value))}" y1="${plotTop}" x2="${num(sx(t.value))}" y2="${plotBottom}" stroke="${t.major ? "#dde1e6" : "#eef0f3"}"/>`,
  )}${yTicks.map((t) => html`<line x1="${plotLeft}" y1="${num(sy(t.value))}" x2="${plotRight}" y2="${num(sy(t.value))}" stroke="#dde1e6"/>`)}`;

  const axes = html`<rect x="${plotLeft}" y="${plotTop}" width="${plotRight - plotLeft}" height="${spec.plotHeight}" fill="none" stroke="#9aa3ad"/>
${xTicks.filter((t) => t.major).map((t, i) => (spec.xCategories ? html`<g><title>${spec.xCategories[i] ?? ""}</title>${tickLabel(t, sx(t.value), plotBottom + 18, "middle")}</g>` : tickLabel(t, sx(t.value), plotBottom + 18, "middle")))}
${yTicks.map((t) => tickLabel(t, plotLeft - 8, sy(t.value) + 4, "end"))}
<text x="${num((plotLeft + plotRight) / 2)}" y="${plotBottom + 38}" text-anchor="middle" class="axis">${spec.xLabel}</text>
<text transform="translate(16,${num((plotTop + plotBottom) / 2)}) rotate(-90)" text-anchor="middle" class="axis">${spec.yLabel}</text>`;

  const bands = (spec.bands ?? [])
    .filter((b) => b.points.length > 1)
    .map((b) => {
      const upper = b.points.map((p) => `${num(sx(p.x))},${num(sy(p.upper))}`);
      const lower = [...b.points].reverse().map((p) => `${num(sx(p.x))},${num(sy(p.lower))}`);
      return html`<polygon points="${[...upper, ...lower].join(" ")}" fill="${b.color}" fill-opacity="${b.opacity ?? 0.16}" stroke="none"/>`;
    });
  const lines = (spec.lines ?? [])
    .filter((l) => l.points.length > 0)
    .map(
      (l) =>
        html`<path d="${pathOf(l.points, sx, sy)}" fill="none" stroke="${l.color}" stroke-width="${l.width ?? 2}" stroke-opacity="${l.opacity ?? 1}" stroke-linejoin="round"${l.dash ? html` stroke-dasharray="${l.dash}"` : ""}>${l.title ? html`<title>${l.title}</title>` : ""}</path>`,
    );
  const vlines = (spec.vlines ?? [])
    .filter((v) => inX(v.x))
    .map(
      (v) =>
        html`<g><line x1="${num(sx(v.x))}" y1="${plotTop}" x2="${num(sx(v.x))}" y2="${plotBottom}" stroke="${v.color}" stroke-width="1.2" stroke-dasharray="2 3">${v.title ? html`<title>${v.title}</title>` : ""}</line>${v.label ? html`<text x="${num(sx(v.x) + 4)}" y="${plotBottom - 6}" class="note">${v.label}</text>` : ""}</g>`,
    );
  const markers = (spec.markers ?? []).filter((m) => inX(m.x)).map((m) => marker(m, sx, sy));

  return html`<svg xmlns="http://www.w3.org/2000/svg" id="chart-${spec.id}" class="chart" viewBox="0 0 ${spec.width} ${num(height)}" width="${spec.width}" height="${num(height)}" role="img" aria-label="${spec.title}" font-family="${FONT}">
<style>.tick{font-size:11px;fill:#4a5561}.axis{font-size:12px;fill:#27313b}.legend{font-size:12px;fill:#27313b}.note{font-size:11px;fill:#6b7580}.title{font-size:15px;font-weight:600;fill:#1b232c}.subtitle{font-size:12px;fill:#5b6670}</style>
<rect width="100%" height="100%" fill="#fff"/>
<text x="${plotLeft}" y="20" class="title">${spec.title}</text>
${spec.subtitle ? html`<text x="${plotLeft}" y="38" class="subtitle">${spec.subtitle}</text>` : ""}
<clipPath id="${clip}"><rect x="${plotLeft}" y="${plotTop}" width="${plotRight - plotLeft}" height="${spec.plotHeight}"/></clipPath>
${region}${grid}
<g clip-path="url(#${clip})">${bands}${lines}${vlines}${markers}</g>
${axes}
${lg.markup}
</svg>`;
}
