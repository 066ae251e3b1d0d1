import type { SweepReport } from "@bytelab/analysis/report";
import type {
  ApiKeyJson,
  ApiKeyList,
  ApiScope,
  CreatedApiKey,
  RunActionResult,
  RunDetail,
  RunList,
  RunListQuery,
  RunWait,
  SubmitResultJson,
  SweepActionResult,
  SweepList,
  SweepListQuery,
  SweepPlan,
  SweepStatus,
  SweepWait,
  Verdict,
  VerdictRequest,
} from "@bytelab/service/schemas";
import { UnreachableError } from "../exit";
import type { Backend, ReportQuery, SpecText, WaitCall } from "./backend";
import { type ConnectionFlags, describeUrl, resolveServiceUrl } from "./connection";
import { closeLocalSession, type LocalSession, loadService, openLocalSession, requireRedis } from "./session";

/**
 * A signal of its own for one wait call, aborted with `outer`. The service's wait adds an abort listener to
 * the signal at every poll and never removes it (packages/service/src/runs/wait.ts, `sleep`): on a signal
 * that lives for a whole `--wait`, they pile up (MaxListenersExceededWarning after 11 polls). The per-call
 * signal is dropped with its listeners when the call returns.
 */
async function withCallSignal<T>(
  outer: AbortSignal | undefined,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const inner = new AbortController();
  const abort = () => inner.abort();
  if (outer?.aborted) inner.abort();
  outer?.addEventListener("abort", abort, { once: true });
  try {
    return await fn(inner.signal);
  } finally {
    outer?.removeEventListener("abort", abort);
  }
}

/**
 * The local backend: @bytelab/service straight against Postgres and Redis (found through --database-url /
 * --redis-url, DATABASE_URL / REDIS_URL, or the running `npm start` stack). Connects on first use, so a
 * usage error or an invalid spec is reported before any connection is tried.
 */
export class LocalBackend implements Backend {
  readonly kind = "local" as const;
  private session: Promise<LocalSession> | undefined;

  constructor(private readonly flags: ConnectionFlags) {}

  describe(): string {
    try {
      return `Postgres at ${describeUrl(resolveServiceUrl("postgres", this.flags).url)}`;
    } catch {
      return "the local services";
    }
  }

  private open(opts: { redis?: boolean } = {}): Promise<LocalSession> {
    this.session ??= openLocalSession(this.flags);
    if (!opts.redis) return this.session;
    return this.session.then(async (s) => {
      await requireRedis(s, this.flags);
      return s;
    });
  }

  private async validate(spec: SpecText) {
    const service = await loadService();
    return service.validateSpec({ text: spec.text, format: spec.format }, spec.file);
  }

  async planSweep(
    spec: SpecText,
    opts: { repeat: boolean },
  ): Promise<{ plan: SweepPlan; note: string | null }> {
    const { expansion } = await this.validate(spec);
    const service = await loadService();
    let session: LocalSession | null = null;
    let note: string | null = null;
    try {
      session = await this.open();
    } catch (error) {
      if (!(error instanceof UnreachableError)) throw error;
      note = error.message.split("\n")[0]!; // a dry run needs no database: reuse is just not checked
    }
    const repeat = opts.repeat || expansion.spec.repeat;
    const reuse = session ? await service.previewReuse(session.ctx.prisma, expansion.runs, repeat) : null;
    return { plan: service.planJson(expansion, reuse), note };
  }

  async submitSweep(spec: SpecText, opts: { repeat: boolean }): Promise<SubmitResultJson> {
    const { input } = await this.validate(spec); // exit 2 before any connection when it is invalid
    const { service, ctx } = await this.open({ redis: true });
    return service.submitSweep(ctx, { spec: input }, opts.repeat ? { repeat: true } : {});
  }

  async sweepStatus(sweepId: string): Promise<SweepStatus> {
    const { service, ctx } = await this.open();
    return service.getSweepStatus(ctx.prisma, sweepId);
  }

  async listSweeps(query: SweepListQuery): Promise<SweepList> {
    const { service, ctx } = await this.open();
    return service.listSweeps(ctx.prisma, query);
  }

  async waitSweep(sweepId: string, call: WaitCall): Promise<SweepWait> {
    const { service, ctx } = await this.open();
    const r = await withCallSignal(call.signal, (signal) =>
      service.waitForSweep(ctx, sweepId, {
        timeoutSeconds: call.timeoutSeconds,
        intervalMs: Math.max(50, Math.min(1000, call.timeoutSeconds * 1000)),
        signal,
      }),
    );
    return service.sweepWaitSchema.parse({
      format: "bytelab.sweep-wait/1",
      finished: r.finished,
      waitedSeconds: r.waitedSeconds,
      status: r.value,
    });
  }

  async cancelSweep(sweepId: string, opts: { reason?: string }): Promise<SweepActionResult> {
    const { service, ctx } = await this.open({ redis: true });
    return service.cancelSweep(ctx, sweepId, opts);
  }

  async rerunSweep(
    sweepId: string,
    opts: { reason?: string; includeCancelled?: boolean },
  ): Promise<SweepActionResult> {
    const { service, ctx } = await this.open({ redis: true });
    return service.rerunSweep(ctx, sweepId, opts);
  }

  async listRuns(query: RunListQuery): Promise<RunList> {
    const { service, ctx } = await this.open();
    return service.listRuns(ctx.pool, query);
  }

  async getRun(runId: string): Promise<RunDetail> {
    const { service, ctx } = await this.open();
    return service.getRun(ctx, runId);
  }

  async waitRun(runId: string, call: WaitCall): Promise<RunWait> {
    const { service, ctx } = await this.open();
    const r = await withCallSignal(call.signal, (signal) =>
      service.waitForRun(ctx, runId, {
        timeoutSeconds: call.timeoutSeconds,
        intervalMs: Math.max(50, Math.min(1000, call.timeoutSeconds * 1000)),
        signal,
      }),
    );
    return service.runWaitSchema.parse({
      format: "bytelab.run-wait/1",
      finished: r.finished,
      waitedSeconds: r.waitedSeconds,
      run: r.value,
    });
  }

  async cancelRun(runId: string, opts: { reason?: string }): Promise<RunActionResult> {
    const { service, ctx } = await this.open({ redis: true });
    return service.cancelRun(ctx, runId, opts);
  }

  async rerunRun(runId: string, opts: { reason?: string }): Promise<RunActionResult> {
    const { service, ctx } = await this.open({ redis: true });
    return service.rerunRun(ctx, runId, opts);
  }

  async verdict(request: VerdictRequest): Promise<Verdict> {
    const { service, ctx } = await this.open();
    return service.computeVerdict(ctx, request);
  }

  async createKey(input: { name: string; scopes: ApiScope[] }): Promise<CreatedApiKey> {
    const { service, ctx } = await this.open();
    return service.createApiKey(ctx.prisma, input);
  }

  async listKeys(): Promise<ApiKeyList> {
    const { service, ctx } = await this.open();
    return service.listApiKeys(ctx.prisma);
  }

  async revokeKey(idOrPrefix: string): Promise<ApiKeyJson> {
    const { service, ctx } = await this.open();
    return service.revokeApiKey(ctx.prisma, idOrPrefix);
  }

  async sweepReport(sweepId: string, query: ReportQuery): Promise<SweepReport> {
    const { service, ctx } = await this.open();
    return service.sweepReport(ctx, sweepId, query);
  }

  async close(): Promise<void> {
    const session = await this.session?.catch(() => null);
    this.session = undefined;
    if (session) await closeLocalSession(session);
  }
}
