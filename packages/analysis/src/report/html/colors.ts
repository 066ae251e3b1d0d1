/** Colour-blind-safe colours (Okabe-Ito first, then Tableau), fixed for the four families of the zoo. */
const ARCHITECTURE_COLORS: Record<string, string> = {
  transformer: "#0072B2",
  hourglass: "#E69F00",
  hnet: "#009E73",
  megabyte: "#D55E00",
};
const EXTRA = ["#CC79A7", "#56B4E9", "#8C564B", "#7F7F7F", "#BCBD22", "#17BECF"];
const RUN_PALETTE = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
];

/** A colour per architecture, stable for the known families and by order of appearance for others. */
export function architectureColors(architectures: string[]): Map<string, string> {
  const colors = new Map<string, string>();
  let extra = 0;
  for (const a of architectures) colors.set(a, ARCHITECTURE_COLORS[a] ?? EXTRA[extra++ % EXTRA.length]!);
  return colors;
}

export function runColor(index: number): string {
  return RUN_PALETTE[index % RUN_PALETTE.length]!;
}
