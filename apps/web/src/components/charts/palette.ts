// Line styles of the charts: the eight theme colours (--series-1..8, defined for dark and light in
// globals.css), and beyond eight lines a dash pattern per round of colours, so 32 lines stay distinguishable.

const DASHES = ["", "6 3", "2 3", "10 3 2 3"] as const;

/** The CSS colour of palette slot i (0-based): var(--series-1) ... var(--series-8), then again. */
export function seriesColor(i: number): string {
  return `var(--series-${(((i % 8) + 8) % 8) + 1})`;
}

/** The stroke-dasharray of palette slot i: solid for the first eight, then dashed, dotted, dash-dot. */
export function seriesDash(i: number): string | undefined {
  const d = DASHES[Math.floor(Math.max(0, i) / 8) % DASHES.length];
  return d ? d : undefined;
}

export const AXIS_STYLE = {
  stroke: "var(--border)",
  tick: { fill: "var(--muted)", fontSize: 12 },
  tickLine: { stroke: "var(--border)" },
} as const;
