import {
  RUN_SORT_KEYS,
  RUN_STATUSES,
  type RunListQuery,
  type RunSortKey,
  type RunStatusName,
} from "@bytelab/service/schemas";

/** The runs table's view, all of it in the URL: filters, sort, page, and the client-side grouping key. */
export interface RunsView {
  status: RunStatusName[];
  architecture: string[];
  sweep: string | null;
  /** `key=value` config filters (all must hold). */
  config: string[];
  q: string | null;
  sort: RunSortKey;
  order: "asc" | "desc";
  limit: number;
  cursor: string | null;
  /** Page number shown to the person (keyset pages have no offset; this only counts "Next" clicks). */
  page: number;
  /** Group the page's rows by this config key (client-side); null = no grouping. */
  group: string | null;
}

export const DEFAULT_VIEW: RunsView = {
  status: [],
  architecture: [],
  sweep: null,
  config: [],
  q: null,
  sort: "queuedAt",
  order: "desc",
  limit: 50,
  cursor: null,
  page: 1,
  group: null,
};

export const ARCHITECTURES = ["transformer", "hourglass", "hnet", "megabyte"] as const;
export const PAGE_SIZES = [25, 50, 100, 200] as const;

type Params = Record<string, string | string[] | undefined>;

/** All values of a parameter: repeated (`status=A&status=B`) or comma-separated (`status=A,B`). */
function list(params: Params, name: string, split = true): string[] {
  const raw = params[name];
  const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return values
    .flatMap((v) => (split ? v.split(",") : [v]))
    .map((v) => v.trim())
    .filter(Boolean);
}

function one(params: Params, name: string): string | null {
  const v = list(params, name, false)[0];
  return v ?? null;
}

const CONFIG_FILTER = /^[A-Za-z_]\w*(\.\w+)*=.*$/;

/**
 * The view from the page's search params. Tolerant: a value that makes no sense is dropped and named in
 * `problems` (shown above the table), so a hand-edited link still opens.
 */
export function parseRunsView(params: Params): { view: RunsView; problems: string[] } {
  const problems: string[] = [];
  const status = list(params, "status").filter((s): s is RunStatusName => {
    const ok = (RUN_STATUSES as readonly string[]).includes(s.toUpperCase());
    if (!ok) problems.push(`unknown status "${s}" (one of ${RUN_STATUSES.join(", ")})`);
    return ok;
  });
  const sortRaw = one(params, "sort");
  const sort =
    sortRaw && (RUN_SORT_KEYS as readonly string[]).includes(sortRaw) ? (sortRaw as RunSortKey) : null;
  if (sortRaw && !sort) problems.push(`cannot sort by "${sortRaw}"`);
  const orderRaw = one(params, "order");
  const limitRaw = Number(one(params, "limit") ?? DEFAULT_VIEW.limit);
  const limit =
    Number.isInteger(limitRaw) && limitRaw >= 1 && limitRaw <= 1000 ? limitRaw : DEFAULT_VIEW.limit;
  const pageRaw = Number(one(params, "page") ?? 1);
  // Config filters may hold commas in their value: only repeated parameters separate them.
  const config = list(params, "config", false).filter((c) => {
    const ok = CONFIG_FILTER.test(c);
    if (!ok) problems.push(`config filter "${c}" is not key=value (e.g. optimizer.lr=0.003)`);
    return ok;
  });
  return {
    view: {
      status: [...new Set(status.map((s) => s.toUpperCase() as RunStatusName))],
      architecture: [...new Set(list(params, "architecture"))],
      sweep: one(params, "sweep"),
      config: [...new Set(config)],
      q: one(params, "q"),
      sort: sort ?? DEFAULT_VIEW.sort,
      order:
        orderRaw === "asc" || orderRaw === "desc" ? orderRaw : sort ? defaultOrder(sort) : DEFAULT_VIEW.order,
      limit,
      cursor: one(params, "cursor"),
      page: Number.isInteger(pageRaw) && pageRaw >= 1 ? pageRaw : 1,
      group: one(params, "group"),
    },
    problems,
  };
}

/** The order a column sorts in first: bpb and names ascending (best first), counts and dates descending. */
export function defaultOrder(sort: RunSortKey): "asc" | "desc" {
  return [
    "name",
    "status",
    "architecture",
    "seed",
    "bestValBpb",
    "lastValBpb",
    "lastTrainBpb",
    "testBpb",
  ].includes(sort)
    ? "asc"
    : "desc";
}

/** The service query of a view (GET /api/v1/runs takes the same). */
export function toRunListQuery(view: RunsView): RunListQuery {
  return {
    ...(view.status.length ? { status: view.status } : {}),
    ...(view.architecture.length ? { architecture: view.architecture } : {}),
    ...(view.sweep ? { sweep: view.sweep } : {}),
    ...(view.config.length ? { config: view.config } : {}),
    ...(view.q ? { q: view.q } : {}),
    sort: view.sort,
    order: view.order,
    limit: view.limit,
    ...(view.cursor ? { cursor: view.cursor } : {}),
  };
}

/** The URL of a view (defaults left out, so links stay short). */
export function runsHref(view: RunsView): string {
  const p = new URLSearchParams();
  for (const s of view.status) p.append("status", s);
  for (const a of view.architecture) p.append("architecture", a);
  if (view.sweep) p.set("sweep", view.sweep);
  for (const c of view.config) p.append("config", c);
  if (view.q) p.set("q", view.q);
  if (view.sort !== DEFAULT_VIEW.sort || view.order !== DEFAULT_VIEW.order) {
    p.set("sort", view.sort);
    p.set("order", view.order);
  }
  if (view.limit !== DEFAULT_VIEW.limit) p.set("limit", String(view.limit));
  if (view.group) p.set("group", view.group);
  if (view.cursor) {
    p.set("cursor", view.cursor);
    p.set("page", String(view.page));
  }
  const qs = p.toString();
  return qs ? `/runs?${qs}` : "/runs";
}

/** A view changed by `patch`; any change but the page itself starts again at the first page. */
export function withView(view: RunsView, patch: Partial<RunsView>): RunsView {
  const paging = "cursor" in patch || "page" in patch;
  return { ...view, ...(paging ? {} : { cursor: null, page: 1 }), ...patch };
}

/** The compare page of the given runs. */
export function compareHref(runIds: readonly string[]): string {
  return `/compare?runs=${runIds.map(encodeURIComponent).join(",")}`;
}
