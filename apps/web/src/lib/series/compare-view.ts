import type { GroupBy } from "./group";
import type { XAxisKind } from "./format";
import type { BandMode, Scale } from "./types";

/**
 * Everything the compare page shows, in its URL, so sharing the link shares the view:
 * /compare?runs=a,b,c&metric=val/bpb&x=flops&xscale=log&yscale=linear&smooth=0.6&group=seeds&band=minmax
 * (`sweep=ID` adds every run of a sweep; `group` is `seeds` (every config key but seeds: the default),
 * `none`, or comma-separated config keys; `hp`, `hpagg`, `hpx`, `hpy` set the hyperparameter view).
 */
export interface CompareView {
  runs: string[];
  sweep: string | null;
  metric: string;
  x: XAxisKind;
  xscale: Scale;
  yscale: Scale;
  /** EMA weight 0-0.99. */
  smooth: number;
  group: GroupBy;
  band: BandMode;
  yrange: "focus" | "all";
  /** Hyperparameter view: the config key on x (null: the first varied numeric key). */
  hp: string | null;
  hpagg: "final" | "best";
  /** Scale of the hyperparameter's axis (null: log when its values span more than 20x). */
  hpx: Scale | null;
  hpy: Scale;
}

export const DEFAULT_COMPARE: CompareView = {
  runs: [],
  sweep: null,
  metric: "val/bpb",
  x: "step",
  xscale: "linear",
  yscale: "linear",
  smooth: 0,
  group: { mode: "seeds" },
  band: "minmax",
  yrange: "focus",
  hp: null,
  hpagg: "best",
  hpx: null,
  hpy: "linear",
};

type Params = Record<string, string | string[] | undefined> | URLSearchParams;

function get(params: Params, name: string): string | null {
  if (params instanceof URLSearchParams) return params.get(name);
  const v = params[name];
  return (Array.isArray(v) ? v[0] : v) ?? null;
}

function all(params: Params, name: string): string[] {
  const values = params instanceof URLSearchParams ? params.getAll(name) : [params[name] ?? []].flat();
  return values
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter(Boolean);
}

const pick = <T extends string>(value: string | null, options: readonly T[], fallback: T): T =>
  value !== null && (options as readonly string[]).includes(value) ? (value as T) : fallback;

const METRIC = /^[A-Za-z0-9_][\w./@:-]{0,127}$/;
const KEY = /^[A-Za-z_][\w.-]{0,199}$/;

/** The view from the URL; anything unreadable falls back to its default. */
export function parseCompareView(params: Params): CompareView {
  const smooth = Number(get(params, "smooth") ?? 0);
  const metric = get(params, "metric");
  const groupRaw = get(params, "group");
  let group: GroupBy = DEFAULT_COMPARE.group;
  if (groupRaw === "none") group = { mode: "none" };
  else if (groupRaw && groupRaw !== "seeds") {
    const keys = groupRaw
      .split(",")
      .map((k) => k.trim())
      .filter((k) => KEY.test(k));
    if (keys.length > 0) group = { mode: "keys", keys };
  }
  const hp = get(params, "hp");
  const hpx = get(params, "hpx");
  return {
    runs: [...new Set(all(params, "runs"))].slice(0, 500),
    sweep: get(params, "sweep"),
    metric: metric && METRIC.test(metric) ? metric : DEFAULT_COMPARE.metric,
    x: pick(get(params, "x"), ["step", "bytes", "flops", "wall"] as const, DEFAULT_COMPARE.x),
    xscale: pick(get(params, "xscale"), ["linear", "log"] as const, DEFAULT_COMPARE.xscale),
    yscale: pick(get(params, "yscale"), ["linear", "log"] as const, DEFAULT_COMPARE.yscale),
    smooth: Number.isFinite(smooth) ? Math.min(0.99, Math.max(0, smooth)) : 0,
    group,
    band: pick(get(params, "band"), ["minmax", "stderr", "none"] as const, DEFAULT_COMPARE.band),
    yrange: pick(get(params, "yrange"), ["focus", "all"] as const, DEFAULT_COMPARE.yrange),
    hp: hp && KEY.test(hp) ? hp : null,
    hpagg: pick(get(params, "hpagg"), ["final", "best"] as const, DEFAULT_COMPARE.hpagg),
    hpx: hpx === "linear" || hpx === "log" ? hpx : null,
    hpy: pick(get(params, "hpy"), ["linear", "log"] as const, DEFAULT_COMPARE.hpy),
  };
}

/** The URL query of a view, defaults left out (run ids joined by commas, as the series API takes them). */
export function compareQuery(view: CompareView): string {
  const d = DEFAULT_COMPARE;
  const parts: string[] = [];
  const add = (k: string, v: string) =>
    parts.push(`${k}=${encodeURIComponent(v).replace(/%2C/g, ",").replace(/%2F/g, "/")}`);
  if (view.sweep) add("sweep", view.sweep);
  if (view.runs.length) add("runs", view.runs.join(","));
  if (view.metric !== d.metric) add("metric", view.metric);
  if (view.x !== d.x) add("x", view.x);
  if (view.xscale !== d.xscale) add("xscale", view.xscale);
  if (view.yscale !== d.yscale) add("yscale", view.yscale);
  if (view.smooth !== d.smooth) add("smooth", String(view.smooth));
  if (view.group.mode === "none") add("group", "none");
  else if (view.group.mode === "keys") add("group", view.group.keys.join(","));
  if (view.band !== d.band) add("band", view.band);
  if (view.yrange !== d.yrange) add("yrange", view.yrange);
  if (view.hp) add("hp", view.hp);
  if (view.hpagg !== d.hpagg) add("hpagg", view.hpagg);
  if (view.hpx) add("hpx", view.hpx);
  if (view.hpy !== d.hpy) add("hpy", view.hpy);
  return parts.join("&");
}

export function compareHref(view: CompareView): string {
  const q = compareQuery(view);
  return q ? `/compare?${q}` : "/compare";
}

/** Points per line the compare page asks for: the shared grid's buckets (100 runs x 500 = 50,000 drawn). */
export const COMPARE_POINTS = 500;

/**
 * The series request of a view: GET /api/v1/series for these runs, the view's metric, x-axis and scale. The
 * server page preloads exactly this URL, so the browser fetches it while the page's scripts load.
 */
export function compareSeriesUrl(
  runIds: readonly string[],
  view: CompareView,
  points = COMPARE_POINTS,
): string {
  // Lines and group means need x and y only: min/max/n/step would triple the bytes of 100 runs.
  return `/api/v1/series?runs=${runIds.map(encodeURIComponent).join(",")}&metrics=${encodeURIComponent(view.metric)}&x=${view.x}&scale=${view.xscale}&points=${points}&fields=y`;
}
