import { join } from "node:path";
import { openTrainQueue, type TrainQueue } from "@bytelab/queue";
import { sweepWaitSchema } from "@bytelab/service/schemas";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { freePort } from "../../../scripts/services/free-port";
import { createTestDatabase, type TestDatabase } from "@bytelab/db/testing";
import { hashOf, type SeededRuns, seedRuns } from "./seed-runs";
import {
  type CliResult,
  redisDatabase,
  runCli,
  startCli,
  tempDir,
  tinySpecYaml,
  writeSpec,
} from "./sweep-helpers";

// The one exit-code table, command by command, as real processes: 0 success / pass, 1 run failure or
// regression or conflict, 2 usage error / invalid input / unknown id, 3 service unreachable, 130 Ctrl-C.

const dir = tempDir("exit-codes");
const home = join(dir, "home"); // BYTELAB_HOME without a running stack
const spec = writeSpec(dir, "tiny.yaml", tinySpecYaml("exit-codes"));
let db: TestDatabase;
let seeded: SeededRuns;
let redisUrl: string;
let trainQueue: TrainQueue;
let env: Record<string, string>;
let deadApi: string;
/** A sweep whose runs have all finished, one FAILED. */
let failedSweep: { id: string; failed: string; completed: string };

const bare = (args: string[], extra: Record<string, string> = {}) =>
  runCli(args, { BYTELAB_HOME: home, ...extra }, dir);
const withDb = (args: string[]) => runCli(args, env, dir);

function expectExit(r: CliResult, code: number, what: RegExp | string): void {
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(code);
  if (typeof what === "string") expect(r.stderr).toContain(what);
  else expect(r.stderr).toMatch(what);
}

beforeAll(async () => {
  db = await createTestDatabase("cli_exit_codes");
  seeded = await seedRuns(db);
  redisUrl = redisDatabase(inject("redisUrl"), 14);
  trainQueue = openTrainQueue({ redisUrl });
  await trainQueue.queue.obliterate({ force: true });
  env = { DATABASE_URL: db.url, REDIS_URL: redisUrl, BYTELAB_HOME: home };
  deadApi = `http://127.0.0.1:${await freePort()}`;
  const sweep = await db.prisma.sweep.create({ data: { name: "broken", spec: { kind: "sweep" } } });
  const run = (label: string, status: "FAILED" | "COMPLETED") =>
    db.prisma.run.create({
      data: {
        name: `broken/${label}`,
        sweepId: sweep.id,
        status,
        architecture: "hnet",
        config: { steps: 4 },
        configHash: hashOf(`broken-${label}`),
        seed: 0,
        ...(status === "FAILED" ? { error: "RangeError: out of memory" } : {}),
        finishedAt: new Date(),
      },
    });
  failedSweep = {
    id: sweep.id,
    failed: (await run("a", "FAILED")).id,
    completed: (await run("b", "COMPLETED")).id,
  };
});

afterAll(async () => {
  await trainQueue?.queue.obliterate({ force: true }).catch(() => {});
  await trainQueue?.close();
  await db?.drop();
});

const COMMANDS = [
  ["sweep", "submit"],
  ["sweep", "status"],
  ["sweep", "wait"],
  ["sweep", "list"],
  ["sweep", "cancel"],
  ["sweep", "rerun"],
  ["runs", "list"],
  ["runs", "show"],
  ["verdict"],
  ["keys", "create"],
  ["keys", "list"],
  ["keys", "revoke"],
  ["report"],
  ["train"],
  ["sample"],
  ["golden", "check"],
];

describe("--version and --help", () => {
  it("--version prints the CLI's version, exit 0", async () => {
    const r = await bare(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("every command's --help ends with the same exit-code table, exit 0", async () => {
    const tables = new Set<string>();
    for (const command of COMMANDS) {
      const r = await bare([...command, "--help"]);
      expect(r.code, command.join(" ")).toBe(0);
      const table = r.stdout.slice(r.stdout.indexOf("Exit codes (every command):"));
      expect(table, command.join(" ")).toMatch(/^Exit codes \(every command\):\n {2}0 {4}success/);
      expect(table).toMatch(/\n {2}3 {4}service unreachable/);
      expect(table).toMatch(/\n {2}130 {2}interrupted/);
      tables.add(table);
    }
    expect(tables.size).toBe(1);
  });
});

describe("2: usage errors and invalid input, before any connection", () => {
  it.each([
    [[], "Usage: bytelab"],
    [["nope"], "unknown command 'nope'"],
    [["sweep", "list", "--limit", "0"], "--limit must be an integer in [1, 200]"],
    [["sweep", "status"], "missing required argument 'sweepId'"],
    [["runs", "list", "--order", "up"], "--order"],
    [["verdict", "--run", "x"], "say what it is compared to"],
    [["--token", "blk_secret_token", "sweep", "list"], "--token is for a bytelab server"],
    [
      ["--api", "http://x:1", "--database-url", "postgres://a/b", "sweep", "list"],
      "cannot be combined with --api",
    ],
    [["--api", "ftp://x", "sweep", "list"], "--api must be an http:// or https:// URL"],
    [["sweep", "submit", "no-such.yaml"], "no-such.yaml: no such file"],
  ])("bytelab %j", async (args, message) => {
    const r = await bare(args as string[]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout + r.stderr).toContain(message);
    expect(r.stderr).not.toContain("blk_secret_token");
  });
});

describe("2: unknown ids (nothing written)", () => {
  it.each([
    [["sweep", "status", "nope"], 'no sweep with id "nope"'],
    [["sweep", "wait", "nope"], 'no sweep with id "nope"'],
    [["sweep", "cancel", "nope"], 'no sweep with id "nope"'],
    [["sweep", "rerun", "nope"], 'no sweep with id "nope"'],
    [["runs", "show", "nope"], 'no run with id "nope"'],
    [["report", "nope"], 'no sweep with id "nope"'],
    [["verdict", "--sweep", "nope", "--baseline-value", "1"], 'no sweep with id "nope"'],
    [["keys", "revoke", "nope"], 'no API key with id "nope"'],
  ])("bytelab %j", async (args, message) => {
    const r = await withDb(args as string[]);
    expectExit(r, 2, message);
  });

  it("--run of another sweep is a usage error naming the run's own sweep", async () => {
    const r = await withDb(["sweep", "cancel", seeded.sweeps.good, "--run", seeded.hnet.base[0]]);
    expectExit(
      r,
      2,
      `is not a run of sweep ${seeded.sweeps.good} (it belongs to sweep ${seeded.sweeps.base}`,
    );
  });
});

describe("3: service unreachable, with the fix", () => {
  const local = [
    ["sweep", "list"],
    ["sweep", "status", "x"],
    ["sweep", "wait", "x"],
    ["runs", "list"],
    ["runs", "show", "x"],
    ["verdict", "--sweep", "x", "--baseline-value", "1"],
    ["keys", "list"],
    ["report", "x"],
  ];
  it.each(local)("no Postgres found (no URL, no stack): bytelab %s %s", async (...args) => {
    const r = await bare(args);
    expectExit(r, 3, "Fix: start the local stack with `npm start` or set DATABASE_URL and REDIS_URL");
  });

  it("Postgres that does not answer, Redis that does not answer", async () => {
    const pg = await bare(["runs", "list"], { DATABASE_URL: "postgres://u:secret@127.0.0.1:9/x" });
    expectExit(pg, 3, /cannot reach Postgres at 127\.0\.0\.1:9\/x \(from DATABASE_URL\)/);
    expect(pg.stderr).not.toContain("secret");
    const redis = await bare(["sweep", "rerun", failedSweep.id], {
      DATABASE_URL: db.url,
      REDIS_URL: "redis://127.0.0.1:9",
    });
    expectExit(redis, 3, "cannot reach Redis at 127.0.0.1:9 (from REDIS_URL)");
    const submit = await bare(["sweep", "submit", spec], {
      DATABASE_URL: db.url,
      REDIS_URL: "redis://127.0.0.1:9",
    });
    expectExit(submit, 3, "cannot reach Redis");
    expect(await db.prisma.sweep.count({ where: { name: "exit-codes" } })).toBe(0);
  });

  it.each([
    ...local,
    ["sweep", "submit", spec],
    ["sweep", "cancel", "x"],
    ["keys", "create", "--name", "ci"],
  ])("no API server at --api: bytelab %s %s", async (...args) => {
    const r = await bare(["--api", deadApi, "--token", "blk_00000000_tokenthatmustnotbeprinted", ...args]);
    expectExit(r, 3, `cannot reach the bytelab server at ${deadApi} (from --api): connection refused`);
    expect(r.stderr).not.toContain("tokenthatmustnotbeprinted");
  });

  it("BYTELAB_API_URL and a DNS name that does not resolve", async () => {
    const r = await bare(["sweep", "list"], { BYTELAB_API_URL: "http://bytelab.invalid:3000/api/v1/" });
    expectExit(r, 3, "cannot reach the bytelab server at http://bytelab.invalid:3000 (from BYTELAB_API_URL)");
    expect(r.stderr).toMatch(/does not resolve|could not be resolved/);
  });
});

describe("1: run failures and conflicts; 0: success", () => {
  it("sweep wait: 0 when every run completed, 1 when one failed, 1 when --timeout comes first", async () => {
    const ok = await withDb(["sweep", "wait", seeded.sweeps.base]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`sweep ${seeded.sweeps.base} finished: passed (3 runs: 3 completed)`);
    const failed = await withDb(["sweep", "wait", failedSweep.id, "--json"]);
    expect(failed.code).toBe(1);
    const result = sweepWaitSchema.parse(JSON.parse(failed.stdout));
    expect(result).toMatchObject({ finished: true, status: { outcome: "failed" } });
    const late = await withDb(["sweep", "wait", seeded.sweeps.other, "--timeout", "1"]);
    expect(late.code).toBe(1);
    expect(late.stdout).toMatch(/still running after \d+ s/);
  });

  it("cancel or re-run a run whose state forbids it: a conflict, exit 1", async () => {
    const cancel = await withDb(["sweep", "cancel", failedSweep.id, "--run", failedSweep.completed]);
    expectExit(cancel, 1, "has already finished (COMPLETED); there is nothing to cancel");
    const rerun = await withDb(["sweep", "rerun", failedSweep.id, "--run", failedSweep.completed]);
    expectExit(rerun, 1, "cannot be re-run: it completed");
  });

  it("sweep rerun: the FAILED run goes back to QUEUED with a job, exit 0", async () => {
    const r = await withDb(["sweep", "rerun", failedSweep.id]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`re-run: a (${failedSweep.failed}), was FAILED; queued again`);
    expect(r.stdout).toContain("1 run re-run");
    const run = await db.prisma.run.findUniqueOrThrow({ where: { id: failedSweep.failed } });
    expect(run.status).toBe("QUEUED");
    expect(await trainQueue.queue.getJob(failedSweep.failed)).toBeDefined();
    const again = await withDb(["sweep", "rerun", failedSweep.id]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("nothing to re-run");
  });
});

describe("130: Ctrl-C", () => {
  it("sweep wait stops waiting with 130; the sweep keeps running", async () => {
    const cli = startCli(["sweep", "wait", seeded.sweeps.other], env, dir);
    const until = Date.now() + 30_000;
    while (!cli.stderr().includes("waiting: sweep") && Date.now() < until)
      await new Promise((r) => setTimeout(r, 100));
    expect(cli.stderr()).toContain(
      `waiting: sweep ${seeded.sweeps.other}: 3 runs: 1 queued, 1 running, 1 failed`,
    );
    cli.child.kill("SIGINT");
    const r = await cli.done;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain(`stopped waiting (Ctrl-C); sweep ${seeded.sweeps.other} keeps running`);
  });
});
