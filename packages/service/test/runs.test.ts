import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createApiKey,
  authenticateApiKey,
  computeVerdict,
  getRun,
  InvalidInputError,
  KEY_CACHE_LISTENING_MS,
  keyCacheFor,
  listApiKeys,
  listRunEvents,
  listRuns,
  NotFoundError,
  revokeApiKey,
  runDetailSchema,
  runListSchema,
  verdictSchema,
} from "../src";
import { openServiceEnv, range, type ServiceTestEnv, seedRuns, seedSeries } from "./helpers";

let env: ServiceTestEnv;
const t0 = Date.parse("2026-11-01T00:00:00Z");

beforeAll(async () => {
  env = await openServiceEnv("runs");
  await env.db.prisma.sweep.create({ data: { id: "sw", name: "grid", spec: { kind: "sweep" } } });
  // 24 runs: 2 architectures x 3 learning rates x 4 seeds; val/bpb falls with lr, seed adds noise.
  const runs = [];
  for (const architecture of ["transformer", "hnet"])
    for (const lr of [0.001, 0.003, 0.01])
      for (const seed of [0, 1, 2, 3]) {
        const id = `${architecture}-${lr}-${seed}`;
        runs.push({
          id,
          name: `grid/${architecture}/lr=${lr}/s${seed}`,
          sweepId: "sw",
          architecture,
          seed,
          status: seed === 3 ? ("RUNNING" as const) : ("COMPLETED" as const),
          config: {
            steps: 200,
            batchSize: 4,
            seqLen: 32,
            seed,
            optimizer: { lr },
            model: { dim: architecture === "hnet" ? 96 : 128 },
          },
          configHash: `h-${architecture}-${lr}-${seed}`,
          gitCommit: "new",
          queuedAt: new Date(t0 + runs.length * 1000),
        });
      }
  await seedRuns(env.db.prisma, runs);
  for (const r of runs) {
    const target = 3 - r.config.optimizer.lr * 50 - (r.architecture === "hnet" ? 0.2 : 0) + r.seed * 0.01;
    if (r.seed === 3) continue; // RUNNING, nothing recorded yet... except one
    await seedSeries(env.db.url, r.id, "val/bpb", range(0, 200, 50), (s) => target + (200 - s) / 100);
    await seedSeries(env.db.url, r.id, "test/bpb", [200], () => target);
  }
  await seedSeries(env.db.url, "hnet-0.01-3", "train/bpb", range(0, 20), () => 5);
}, 120_000);
afterAll(async () => {
  await env?.close();
});

describe("listRuns", () => {
  it("filters by sweep name, status, architecture and any config key; counts all matches", async () => {
    const answer = runListSchema.parse(
      await listRuns(env.ctx.pool, {
        sweep: "grid",
        status: "COMPLETED",
        architecture: "hnet",
        config: ["optimizer.lr=0.003"],
      }),
    );
    expect(answer.total).toBe(3);
    expect(answer.runs.map((r) => r.seed).sort()).toEqual([0, 1, 2]);
    expect(answer.runs[0]).toMatchObject({
      label: expect.stringMatching(/^hnet\/lr=0.003\/s\d$/),
      totalSteps: 200,
    });
    const two = await listRuns(env.ctx.pool, { status: ["RUNNING", "FAILED"], config: "model.dim=128" });
    expect(two.total).toBe(3);
  });

  it("sorts by best val/bpb with runs that have none last, and pages through every run exactly once", async () => {
    const all = await listRuns(env.ctx.pool, { sort: "bestValBpb", order: "asc", limit: 1000 });
    expect(all.total).toBe(24);
    const best = all.runs.map((r) => r.bestValBpb);
    const known = best.filter((v) => v !== null) as number[];
    expect(known).toEqual([...known].sort((a, b) => a - b));
    expect(best.slice(known.length).every((v) => v === null)).toBe(true); // nulls last
    expect(all.runs[0]?.id).toBe("hnet-0.01-0");
    expect(all.runs[0]?.bestValBpb).toBeCloseTo(3 - 0.5 - 0.2, 9);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listRuns(env.ctx.pool, {
        sort: "bestValBpb",
        order: "asc",
        limit: 5,
        ...(cursor ? { cursor } : {}),
      });
      seen.push(...page.runs.map((r) => r.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(all.runs.map((r) => r.id));

    const desc = await listRuns(env.ctx.pool, { sort: "bestValBpb", order: "desc", limit: 3 });
    expect(desc.runs.every((r) => r.bestValBpb !== null)).toBe(true); // nulls last in both directions
  });

  it("refuses a cursor of another sort, an unknown sort key and a malformed config filter", async () => {
    const page = await listRuns(env.ctx.pool, { sort: "name", limit: 2 });
    const wrong = await listRuns(env.ctx.pool, { sort: "seed", cursor: page.nextCursor! }).catch((e) => e);
    expect(wrong).toBeInstanceOf(InvalidInputError);
    expect((wrong as InvalidInputError).details[0]?.path).toBe("cursor");
    const bad = await listRuns(env.ctx.pool, { sort: "loss" as never, config: "lr" }).catch((e) => e);
    expect((bad as InvalidInputError).details.map((d) => d.path).sort()).toEqual(["config.0", "sort"]);
  });
});

describe("getRun", () => {
  it("shows the row, the keys that set the run apart in its sweep, and its metrics", async () => {
    const detail = runDetailSchema.parse(await getRun(env.ctx, "hnet-0.003-1"));
    // Two architectures: "architecture" first, then the keys that vary among the hnet runs (model.dim does not).
    expect(detail.varying.map((v) => v.key)).toEqual(["architecture", "optimizer.lr", "seed"]);
    expect(detail.varying.find((v) => v.key === "optimizer.lr")?.value).toBe(0.003);
    expect(detail.metrics.map((m) => m.name)).toEqual(["test/bpb", "val/bpb"]);
    expect(detail.run).toMatchObject({ step: 200, status: "COMPLETED", sweep: { id: "sw", name: "grid" } });
    await expect(getRun(env.ctx, "missing")).rejects.toBeInstanceOf(NotFoundError);
    const events = await listRunEvents(env.ctx, "hnet-0.003-1");
    expect(events.events).toEqual([]);
  });
});

describe("computeVerdict", () => {
  beforeAll(async () => {
    // A baseline at another commit for the 3 completed transformer lr=0.01 seeds, 0.1 bpb better.
    await seedRuns(
      env.db.prisma,
      [0, 1, 2].map((seed) => ({
        id: `old-${seed}`,
        name: `old/s${seed}`,
        seed,
        configHash: `h-transformer-0.01-${seed}`,
        gitCommit: "old",
        queuedAt: new Date(t0 - 1e6),
      })),
    );
    for (const seed of [0, 1, 2])
      await seedSeries(env.db.url, `old-${seed}`, "test/bpb", [200], () => 2.4 + seed * 0.01);
  });

  it("regression when worse than the previous commit beyond the tolerance, with a Welch interval", async () => {
    await env.db.prisma.sweep.create({ data: { id: "cand", name: "cand", spec: {} } });
    await env.db.prisma.run.updateMany({
      where: { id: { in: ["transformer-0.01-0", "transformer-0.01-1", "transformer-0.01-2"] } },
      data: { sweepId: "cand" },
    });
    const v = verdictSchema.parse(
      await computeVerdict(env.ctx, {
        candidate: { sweep: "cand" },
        baseline: { previousCommit: true },
        tolerance: 0.05,
      }),
    );
    expect(v.verdict).toBe("regression");
    expect(v.baseline.n).toBe(3);
    expect(v.candidate.mean).toBeCloseTo(2.51, 9);
    expect(v.effect?.worseBy).toBeCloseTo(0.1, 9);
    expect(v.effect?.method).toBe("welch-t");
    expect(v.effect?.interval?.lower).toBeGreaterThan(0.05);
    expect(v.compareUrl).toMatch(/^http:\/\/dashboard\.test\/compare\?runs=/);
  });

  it("pass within the tolerance; regression for a diverged candidate; inconclusive while running", async () => {
    const pass = await computeVerdict(env.ctx, {
      candidate: { sweep: "cand" },
      baseline: { previousCommit: true },
      tolerance: 0.2,
    });
    expect(pass.verdict).toBe("pass");
    const fixed = await computeVerdict(env.ctx, {
      candidate: { run: "transformer-0.01-0" },
      baseline: { value: 2.6 },
    });
    expect(fixed).toMatchObject({ verdict: "pass", effect: { method: "single-values" } });
    await env.db.prisma.run.update({ where: { id: "transformer-0.01-1" }, data: { status: "DIVERGED" } });
    const broken = await computeVerdict(env.ctx, { candidate: { sweep: "cand" }, baseline: { value: 9 } });
    expect(broken.verdict).toBe("regression");
    expect(broken.reason).toMatch(/DIVERGED/);
    const running = await computeVerdict(env.ctx, {
      candidate: { run: "hnet-0.01-3" },
      baseline: { value: 9 },
    });
    expect(running.verdict).toBe("inconclusive");
  });

  it("refuses an unknown baseline run and a malformed request with the field named", async () => {
    const unknown = await computeVerdict(env.ctx, {
      candidate: { run: "hnet-0.01-0" },
      baseline: { run: "nope" },
    }).catch((e) => e);
    expect((unknown as InvalidInputError).details[0]?.path).toBe("baseline.run");
    const bad = await computeVerdict(env.ctx, {
      candidate: {} as never,
      baseline: { value: 1 },
      tolerance: -1,
    }).catch((e) => e);
    expect(bad).toBeInstanceOf(InvalidInputError);
    expect((bad as InvalidInputError).details.map((d) => d.path)).toContain("tolerance");
  });
});

describe("API keys", () => {
  it("shows the secret once, stores its hash, authenticates it, and refuses it once revoked", async () => {
    const created = await createApiKey(env.ctx.prisma, { name: "ci", scopes: ["write"] });
    expect(created.key.scopes).toEqual(["read", "write"]);
    expect(created.secret.startsWith(`${created.key.prefix}_`)).toBe(true);
    const row = await env.db.prisma.apiKey.findUniqueOrThrow({ where: { id: created.key.id } });
    expect(row.hashedSecret).not.toContain(created.secret.slice(13));
    expect(JSON.stringify(await listApiKeys(env.ctx.prisma))).not.toContain(created.secret);
    const ok = await authenticateApiKey(env.ctx, created.secret);
    expect(ok).toMatchObject({ ok: true, key: { id: created.key.id } });
    expect(await authenticateApiKey(env.ctx, `${created.secret.slice(0, -1)}x`)).toEqual({
      ok: false,
      reason: "unknown",
    });
    expect(await authenticateApiKey(env.ctx, "nonsense")).toEqual({ ok: false, reason: "malformed" });
    await revokeApiKey(env.ctx.prisma, created.key.prefix);
    expect(await authenticateApiKey(env.ctx, created.secret)).toEqual({
      ok: false,
      reason: "revoked",
    });
    await expect(revokeApiKey(env.ctx.prisma, "blk_00000000")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("trusts a key from memory while it listens for changes, and forgets it when another process revokes it", async () => {
    const created = await createApiKey(env.ctx.prisma, { name: "poller", scopes: ["read"] });
    const cache = keyCacheFor(env.ctx.pool);
    expect((await authenticateApiKey(env.ctx, created.secret)).ok).toBe(true);
    await until(() => cache.isListening);
    expect(cache.ttlMs).toBe(KEY_CACHE_LISTENING_MS);
    expect((await authenticateApiKey(env.ctx, created.secret)).ok).toBe(true); // cached from here on

    // Revoked from elsewhere (plain SQL on another connection, as the CLI on another host would): the
    // notification clears the cache long before its 60 s TTL.
    const other = new pg.Client({ connectionString: env.db.url });
    await other.connect();
    await other.query("UPDATE api_keys SET revoked_at = now() WHERE id = $1", [created.key.id]);
    await other.end();
    await until(async () => !(await authenticateApiKey(env.ctx, created.secret)).ok);
    expect(await authenticateApiKey(env.ctx, created.secret)).toEqual({ ok: false, reason: "revoked" });
  });
});

/** Polls `check` every 20 ms for up to 2 s (a notification arrives in milliseconds). */
async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met within 2 s");
    await new Promise((r) => setTimeout(r, 20));
  }
}
