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

/** A spec file as read from disk: sent as it is (the server or the service parses and validates it). */
export interface SpecText {
  /** The path given on the command line (names the spec in messages). */
  file: string;
  text: string;
  format: "yaml" | "json";
}

export interface WaitCall {
  /** Seconds the call may block (the REST route allows up to 120). */
  timeoutSeconds: number;
  /** Ctrl-C: the call returns (or rejects) early. */
  signal?: AbortSignal;
}

export interface ReportQuery {
  metric?: string;
  budgets?: number[];
  resamples?: number;
  seed?: number;
}

/**
 * Where a command's operations run: the local service (Postgres + Redis, `LocalBackend`) or a bytelab server's
 * REST API (`RemoteBackend`). Every method answers the service's JSON shape (the zod schemas of
 * @bytelab/service/schemas), so rendering and `--json` output are the same whichever backend answered.
 * Errors: ServiceErrors (local) or ApiErrors (remote), both mapped onto the exit-code table by exit.ts.
 */
export interface Backend {
  readonly kind: "local" | "remote";
  /** Where it talks to, for messages (`http://ci-box:3000`, `Postgres at 127.0.0.1:54329/bytelab`). */
  describe(): string;

  /**
   * Validates and expands a spec; never writes. `plan.reuseChecked: false` when no database was consulted,
   * `note` then says why (a local dry run needs no services).
   */
  planSweep(spec: SpecText, opts: { repeat: boolean }): Promise<{ plan: SweepPlan; note: string | null }>;
  submitSweep(spec: SpecText, opts: { repeat: boolean; idempotencyKey?: string }): Promise<SubmitResultJson>;
  sweepStatus(sweepId: string): Promise<SweepStatus>;
  listSweeps(query: SweepListQuery): Promise<SweepList>;
  /** Blocks until every run of the sweep has finished or `timeoutSeconds` have passed. */
  waitSweep(sweepId: string, call: WaitCall): Promise<SweepWait>;
  cancelSweep(sweepId: string, opts: { reason?: string }): Promise<SweepActionResult>;
  rerunSweep(
    sweepId: string,
    opts: { reason?: string; includeCancelled?: boolean },
  ): Promise<SweepActionResult>;

  listRuns(query: RunListQuery): Promise<RunList>;
  getRun(runId: string): Promise<RunDetail>;
  waitRun(runId: string, call: WaitCall): Promise<RunWait>;
  cancelRun(runId: string, opts: { reason?: string }): Promise<RunActionResult>;
  rerunRun(runId: string, opts: { reason?: string }): Promise<RunActionResult>;

  verdict(request: VerdictRequest): Promise<Verdict>;

  createKey(input: { name: string; scopes: ApiScope[] }): Promise<CreatedApiKey>;
  listKeys(): Promise<ApiKeyList>;
  revokeKey(idOrPrefix: string): Promise<ApiKeyJson>;

  /** The sweep's analysis (@bytelab/analysis SweepReport), rendered to HTML by the caller. */
  sweepReport(sweepId: string, query: ReportQuery): Promise<SweepReport>;

  /** Releases connections (Prisma, the pg pool, the queue). */
  close(): Promise<void>;
}
