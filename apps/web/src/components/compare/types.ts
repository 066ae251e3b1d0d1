/** What the compare page knows of each compared run (from the server page; plain JSON). */
export interface CompareRun {
  id: string;
  name: string;
  label: string;
  architecture: string;
  status: string;
  sweep: { id: string; name: string } | null;
  config: Record<string, unknown>;
}

/** Per run, per metric: [last, min, max] from the metric summaries (exact over every stored point). */
export type CompareStats = Record<string, Record<string, [number | null, number | null, number | null]>>;
