import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { ingestMetrics, transitionRun } from "@bytelab/db";
import { openTrainQueue, type TrainQueue } from "@bytelab/queue";
import { createApiKey } from "@bytelab/service";
import {
  apiKeyListSchema,
  createdApiKeySchema,
  runDetailSchema,
  runListSchema,
  submitResultSchema,
  sweepActionResultSchema,
  sweepListSchema,
  sweepPlanSchema,
  sweepStatusSchema,
  sweepWaitSchema,
  verdictSchema,
} from "@bytelab/service/schemas";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { z } from "zod";
import { type ApiServer, startApi } from "../../../tests/api/helpers";
import { createTestDatabase, type TestDatabase } from "@bytelab/db/testing";
import { type SeededRuns, seedRuns } from "./seed-runs";
import { type CliResult, runCli, startCli, tempDir, tinySpecYaml, writeSpec } from "./sweep-helpers";

// The same commands against a real bytelab server (`next start` on the production build, its REST API on
// packages/service) with --api, as a CI runner without database access runs them: the same JSON as local
// mode (same numbers), the same exit codes, tokens sent as `Authorization: Bearer` and never printed.

const dir = tempDir("remote");
const home = join(dir, "home");
let db: TestDatabase;
let seeded: SeededRuns;
let queueName: string;
let redisUrl: string;
let trainQueue: TrainQueue;
let open: ApiServer;
let strict: ApiServer;
let keys: { read: string; write: string; admin: string };

const local = (args: string[]) =>
  runCli(args, { DATABASE_URL: db.url, REDIS_URL: redisUrl, BYTELAB_HOME: home }, dir);
/** Remote: no database or Redis in the environment at all, only the server's URL (and a token). */
const remote = (server: ApiServer, args: string[], token?: string) =>
  runCli(
    ["--api", server.origin, ...(token ? ["--token", token] : []), ...args],
    { BYTELAB_HOME: home },
    dir,
  );

function parsed<S extends z.ZodType>(r: CliResult, schema: S): z.output<S> {
  expect(r.stderr, r.stderr).toBe("");
  return schema.parse(JSON.parse(r.stdout));
}

/** Drops the fields that say when (or where) an answer was made, not what it says. */
function stable(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (key, v) => (["at", "generatedAt", "compareUrl"].includes(key) ? undefined : v)),
  );
}

/** The command locally and remotely: same exit code, same JSON (apart from when it was made). */
async function same<S extends z.ZodType>(args: string[], schema: S, code = 0): Promise<z.output<S>> {
  const [l, r] = await Promise.all([local([...args, "--json"]), remote(open, [...args, "--json"])]);
  expect(l.code, l.stderr).toBe(code);
  expect(r.code, r.stderr).toBe(code);
  const a = parsed(l, schema);
  const b = parsed(r, schema);
  expect(stable(b)).toEqual(stable(a));
  return b;
}

beforeAll(async () => {
  db = await createTestDatabase("cli_remote");
  seeded = await seedRuns(db);
  redisUrl = inject("redisUrl");
  queueName = `cli-remote-${randomBytes(3).toString("hex")}`;
  trainQueue = openTrainQueue({ redisUrl, name: queueName });
  keys = {
    read: (await createApiKey(db.prisma, { name: "ci-read", scopes: ["read"] })).secret,
    write: (await createApiKey(db.prisma, { name: "ci-write", scopes: ["write"] })).secret,
    admin: (await createApiKey(db.prisma, { name: "ci-admin", scopes: ["admin"] })).secret,
  };
  const serverEnv = { BYTELAB_QUEUE: queueName, BYTELAB_RATE_LIMIT: "0" };
  [open, strict] = await Promise.all([
    startApi({
      databaseUrl: db.url,
      redisUrl,
      workerPid: null,
      logFile: join(dir, "open.log"),
      env: serverEnv,
    }),
    startApi({
      databaseUrl: db.url,
      redisUrl,
      workerPid: null,
      logFile: join(dir, "strict.log"),
      env: { ...serverEnv, BYTELAB_AUTH: "required" },
    }),
  ]);
}, 240_000);

afterAll(async () => {
  await Promise.allSettled([open?.stop(), strict?.stop()]);
  await trainQueue?.queue.obliterate({ force: true }).catch(() => {});
  await trainQueue?.close();
  await db?.drop();
});

describe("bytelab --api: the same JSON as local mode", () => {
  it("sweep list, sweep status", async () => {
    const list = await same(["sweep", "list", "--limit", "3"], sweepListSchema);
    expect(list.sweeps.map((s) => s.name)).toEqual(["other", "good", "base"]);
    expect(list.nextCursor).not.toBeNull();
    const next = await same(["sweep", "list", "--limit", "3", "--cursor", list.nextCursor!], sweepListSchema);
    expect(next.sweeps.map((s) => s.name)).toEqual(["wide", "bad"]);
    const status = await same(["sweep", "status", seeded.sweeps.other], sweepStatusSchema);
    expect(status.counts).toMatchObject({ FAILED: 1, RUNNING: 1, QUEUED: 1 });
    const base = await same(["sweep", "status", seeded.sweeps.base], sweepStatusSchema);
    expect(base.outcome).toBe("passed");
  });

  it("runs list with filters, sort and paging; runs show", async () => {
    const page = await same(
      ["runs", "list", "--arch", "hnet", "--sort", "testBpb", "--order", "asc", "--limit", "4"],
      runListSchema,
    );
    expect(page.total).toBe(12);
    expect(page.runs[0]!.testBpb).toBe(1.9);
    const page2 = await same(
      [
        "runs",
        "list",
        "--arch",
        "hnet",
        "--sort",
        "testBpb",
        "--order",
        "asc",
        "--limit",
        "4",
        "--cursor",
        page.nextCursor!,
      ],
      runListSchema,
    );
    expect(page2.runs.map((r) => r.id)).not.toContain(page.runs[0]!.id);
    await same(
      ["runs", "list", "--config", "optimizer.lr=0.001", "--status", "FAILED,QUEUED"],
      runListSchema,
    );
    await same(["runs", "list", "--sweep", "good", "--search", "s1"], runListSchema);
    const detail = await same(["runs", "show", seeded.hnet.good[1]], runDetailSchema);
    expect(detail.run.testBpb).toBe(1.998);
  });

  it("verdict: pass (0) and regression (1) with the same numbers; the server adds its compare link", async () => {
    const pass = await same(
      ["verdict", "--sweep", seeded.sweeps.good, "--baseline-previous-commit"],
      verdictSchema,
      0,
    );
    expect(pass.verdict).toBe("pass");
    // The server's own origin (Next may call 127.0.0.1 "localhost"); local mode has no dashboard to link.
    expect(pass.compareUrl).toMatch(
      new RegExp(`^http://(127\\.0\\.0\\.1|localhost):${open.port}/compare\\?runs=`),
    );
    const regression = await same(
      ["verdict", "--run", seeded.hnet.bad[0], "--baseline-run", "good/hnet/s0"],
      verdictSchema,
      1,
    );
    expect(regression.verdict).toBe("regression");
    await same(["verdict", "--sweep", seeded.sweeps.wide, "--baseline-value", "2"], verdictSchema, 1);
    const text = await remote(open, ["verdict", "--sweep", seeded.sweeps.good, "--baseline-previous-commit"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^verdict: PASS$/m);
    expect(text.stdout).toMatch(new RegExp(`compare +http://\\S+:${open.port}/compare\\?runs=`));
  });

  it("sweep submit --dry-run: the same plan; report: the same analysis, rendered here", async () => {
    const spec = writeSpec(dir, "plan.yaml", tinySpecYaml("remote-plan"));
    const plan = await same(["sweep", "submit", spec, "--dry-run"], sweepPlanSchema);
    expect(plan).toMatchObject({ reuseChecked: true, totals: { runs: 2, new: 2 } });
    const outLocal = join(dir, "report-local");
    const outRemote = join(dir, "report-remote");
    const args = ["report", seeded.sweeps.base, "--resamples", "20", "--json"];
    const [l, r] = await Promise.all([
      local([...args, "--out", outLocal]),
      remote(open, [...args, "--out", outRemote]),
    ]);
    expect(l.code, l.stderr).toBe(0);
    expect(r.code, r.stderr).toBe(0);
    expect(stable(JSON.parse(r.stdout))).toEqual(stable(JSON.parse(l.stdout)));
    expect(r.stderr).toContain(`report: ${join(outRemote, "report.html")}`);
  });

  it("sweep wait, and verdict --wait on a run that finishes while it waits", async () => {
    const ok = await remote(open, ["sweep", "wait", seeded.sweeps.base, "--json"]);
    expect(ok.code).toBe(0);
    expect(sweepWaitSchema.parse(JSON.parse(ok.stdout)).status.outcome).toBe("passed");
    const runId = seeded.other.queued;
    const cli = startCli(
      ["--api", open.origin, "verdict", "--run", runId, "--baseline-value", "3", "--wait", "--json"],
      { BYTELAB_HOME: home },
      dir,
    );
    const until = Date.now() + 30_000;
    while (!cli.stderr().includes("waiting: run") && Date.now() < until)
      await new Promise((r) => setTimeout(r, 100));
    expect(cli.stderr()).toContain("waiting: run other/hourglass/s0: QUEUED");
    await transitionRun(db.prisma, runId, "RUNNING", { from: "QUEUED" });
    await ingestMetrics(db.url, [{ runId, name: "test/bpb", step: 4, value: 2.5 }]);
    await transitionRun(db.prisma, runId, "COMPLETED");
    const r = await cli.done;
    expect(r.code, r.stderr).toBe(0);
    expect(verdictSchema.parse(JSON.parse(r.stdout))).toMatchObject({
      verdict: "pass",
      candidate: { mean: 2.5 },
    });
  });

  it("Ctrl-C during a remote long poll: exit 130", async () => {
    const cli = startCli(
      ["--api", open.origin, "sweep", "wait", seeded.sweeps.other],
      { BYTELAB_HOME: home },
      dir,
    );
    const until = Date.now() + 30_000;
    while (!cli.stderr().includes("waiting: sweep") && Date.now() < until)
      await new Promise((r) => setTimeout(r, 100));
    cli.child.kill("SIGINT");
    const r = await cli.done;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain(`stopped waiting (Ctrl-C); sweep ${seeded.sweeps.other} keeps running`);
  });
  it("sweep status --watch follows over the wait route until the end: exit 1 (a run failed)", async () => {
    const cli = startCli(
      ["--api", open.origin, "sweep", "status", seeded.sweeps.other, "--watch", "--json", "--interval", "1"],
      { BYTELAB_HOME: home },
      dir,
    );
    await cli.waitForOutput(/"format":"bytelab\.sweep-status\/1"/);
    await transitionRun(db.prisma, seeded.other.running, "COMPLETED");
    const r = await cli.done;
    expect(r.code, r.stderr).toBe(1);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => sweepStatusSchema.parse(JSON.parse(l)));
    expect(lines[0]!.outcome).toBe("running");
    expect(lines.at(-1)).toMatchObject({ outcome: "failed", counts: { RUNNING: 0, QUEUED: 0, FAILED: 1 } });
  });
});

describe("bytelab --api: changes, errors and exit codes", () => {
  it("submit with an idempotency key: one sweep however often CI retries; cancel; re-run", async () => {
    const spec = writeSpec(dir, "submit.yaml", tinySpecYaml("remote-submit"));
    const key = `ci-${randomBytes(4).toString("hex")}`;
    const first = await remote(open, ["sweep", "submit", spec, "--idempotency-key", key, "--json"]);
    const submitted = parsed(first, submitResultSchema);
    expect(first.code).toBe(0);
    expect(submitted.created).toHaveLength(2);
    const again = parsed(
      await remote(open, ["sweep", "submit", spec, "--idempotency-key", key, "--json"]),
      submitResultSchema,
    );
    expect(again.sweepId).toBe(submitted.sweepId);
    expect(await db.prisma.sweep.count({ where: { name: "remote-submit" } })).toBe(1);
    for (const { runId } of submitted.created) expect(await trainQueue.queue.getJob(runId)).toBeDefined();

    const text = await remote(open, ["sweep", "submit", spec]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`sweep id: ${submitted.sweepId}`);
    expect(text.stdout).toContain("already submitted");

    const cancel = parsed(
      await remote(open, ["sweep", "cancel", submitted.sweepId, "--json"]),
      sweepActionResultSchema,
    );
    expect(cancel).toMatchObject({ action: "cancel", changed: 2 });
    const rerun = await remote(open, ["sweep", "rerun", submitted.sweepId, "--include-cancelled"]);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toContain("2 runs re-run");
    const statuses = await db.prisma.run.findMany({
      where: { sweepId: submitted.sweepId },
      select: { status: true },
    });
    expect(statuses.map((s) => s.status)).toEqual(["QUEUED", "QUEUED"]);
    await remote(open, ["sweep", "cancel", submitted.sweepId]);
  });

  it("an invalid spec: exit 2, each problem with its path, named by the file; nothing written", async () => {
    const bad = writeSpec(
      dir,
      "bad.yaml",
      tinySpecYaml("remote-bad").replace("shorten_factor: 2", "shorten_factr: 2"),
    );
    const r = await remote(open, ["sweep", "submit", bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad} is invalid`);
    expect(r.stderr).toContain('architectures[0].model.shorten_factr: unknown key "shorten_factr"');
    expect(await db.prisma.sweep.count({ where: { name: "remote-bad" } })).toBe(0);
  });

  it("unknown ids: exit 2; a forbidden state change: exit 1", async () => {
    const unknown = await remote(open, ["sweep", "status", "no-such-sweep"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no sweep with id "no-such-sweep"');
    const run = await remote(open, ["runs", "show", "no-such-run"]);
    expect(run.code).toBe(2);
    const conflict = await remote(open, [
      "sweep",
      "cancel",
      seeded.sweeps.base,
      "--run",
      seeded.hnet.base[0],
    ]);
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toContain("there is nothing to cancel");
  });

  it("a server that requires keys: 401 without one, 403 without the scope (exit 2); tokens never printed", async () => {
    const none = await remote(strict, ["sweep", "list"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("pass an API key with --token or BYTELAB_TOKEN");
    const read = await remote(strict, ["sweep", "list", "--json"], keys.read);
    expect(read.code).toBe(0);
    sweepListSchema.parse(JSON.parse(read.stdout));
    const viaEnv = await runCli(
      ["sweep", "list"],
      {
        BYTELAB_HOME: home,
        BYTELAB_API_URL: strict.origin,
        BYTELAB_TOKEN: keys.read,
      },
      dir,
    );
    expect(viaEnv.code).toBe(0);
    const spec = writeSpec(dir, "scope.yaml", tinySpecYaml("remote-scope"));
    const forbidden = await remote(strict, ["sweep", "submit", spec], keys.read);
    expect(forbidden.code).toBe(2);
    expect(forbidden.stderr).toContain("this needs write");
    expect(forbidden.stderr).toContain("--scope write");
    const wrong = await remote(
      strict,
      ["sweep", "list"],
      "blk_00000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    );
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("not valid here");
    for (const r of [none, read, forbidden, wrong, viaEnv])
      for (const secret of [...Object.values(keys), "AAAAAAAAAAAAAAAAAAAA"]) {
        expect(r.stdout).not.toContain(secret.slice(13));
        expect(r.stderr).not.toContain(secret.slice(13));
      }
  });

  it("keys remotely with an admin key: create (secret once), list, revoke; then the revoked key fails", async () => {
    const denied = await remote(strict, ["keys", "list"], keys.write);
    expect(denied.code).toBe(2);
    const created = parsed(
      await remote(strict, ["keys", "create", "--name", "remote-ci", "--json"], keys.admin),
      createdApiKeySchema,
    );
    expect(created.key.scopes).toEqual(["read", "write"]);
    const list = parsed(await remote(strict, ["keys", "list", "--json"], keys.admin), apiKeyListSchema);
    expect(list.keys.map((k) => k.name)).toContain("remote-ci");
    expect(JSON.stringify(list)).not.toContain(created.secret);
    const works = await remote(strict, ["sweep", "list"], created.secret);
    expect(works.code).toBe(0);
    const revoked = await remote(strict, ["keys", "revoke", created.key.prefix], keys.admin);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`revoked API key "remote-ci" (${created.key.prefix})`);
    const after = await remote(strict, ["sweep", "list"], created.secret);
    expect(after.code).toBe(2);
    expect(after.stderr).toContain("was revoked");
  });
});
