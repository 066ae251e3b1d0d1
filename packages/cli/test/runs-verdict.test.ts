import { ingestMetrics, transitionRun } from "@bytelab/db";
import { type RunList, runDetailSchema, runListSchema, verdictSchema } from "@bytelab/service/schemas";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@bytelab/db/testing";
import { COMMITS, type SeededRuns, seedRuns, TEST_BPB } from "./seed-runs";
import { runCli, startCli, tempDir } from "./sweep-helpers";

// `bytelab runs list | show` and `bytelab verdict` as real processes against seeded runs and metric points.

const dir = tempDir("runs-verdict");
let db: TestDatabase;
let seeded: SeededRuns;
let env: Record<string, string>;

const cli = (args: string[]) => runCli(args, env, dir);
const json = async <T>(args: string[], parse: (v: unknown) => T) => {
  const r = await cli([...args, "--json"]);
  expect(r.stderr).toBe("");
  return { code: r.code, value: parse(JSON.parse(r.stdout)) };
};
const runList = (v: unknown) => runListSchema.parse(v);
const verdictOf = (v: unknown) => verdictSchema.parse(v);

beforeAll(async () => {
  db = await createTestDatabase("cli_runs_verdict");
  seeded = await seedRuns(db);
  env = { DATABASE_URL: db.url, BYTELAB_HOME: `${dir}/home` };
});

afterAll(async () => {
  await db?.drop();
});

describe("bytelab runs list", () => {
  it("filters by sweep (id or name) and prints the service's bytelab.run-list/1 object", async () => {
    const byId = await json(["runs", "list", "--sweep", seeded.sweeps.base], runList);
    expect(byId.code).toBe(0);
    expect(byId.value.total).toBe(3);
    expect(byId.value.runs.map((r) => r.id).sort()).toEqual([...seeded.hnet.base].sort());
    const row = byId.value.runs.find((r) => r.id === seeded.hnet.base[1])!;
    expect(row).toMatchObject({
      name: "base/hnet/s1",
      label: "hnet/s1",
      status: "COMPLETED",
      testBpb: TEST_BPB.base[1],
      bestValBpb: TEST_BPB.base[1] + 0.02,
      step: 10,
      totalSteps: 10,
      gitCommit: COMMITS.base,
    });
    const byName = await json(["runs", "list", "--sweep", "base"], runList);
    expect(byName.value.runs.map((r) => r.id).sort()).toEqual([...seeded.hnet.base].sort());
  });

  it("filters by status, architecture, config value and name", async () => {
    const failing = await json(["runs", "list", "--status", "FAILED,running"], runList);
    expect(failing.value.runs.map((r) => r.id).sort()).toEqual(
      [seeded.other.failed, seeded.other.running].sort(),
    );
    const arch = await json(["runs", "list", "--arch", "megabyte", "--arch", "hourglass"], runList);
    expect(arch.value.runs.map((r) => r.architecture).sort()).toEqual(["hourglass", "megabyte"]);
    const config = await json(
      ["runs", "list", "--config", "optimizer.lr=0.001", "--config", "model.dim=64"],
      runList,
    );
    expect(config.value.total).toBe(3);
    expect(config.value.runs.every((r) => r.sweep?.name === "other")).toBe(true);
    const none = await json(["runs", "list", "--config", "model.dim=65"], runList);
    expect(none.value).toMatchObject({ runs: [], total: 0, nextCursor: null });
    const search = await json(["runs", "list", "--search", "WIDE/"], runList);
    expect(search.value.total).toBe(3);
  });

  it("sorts by a metric and pages with the cursor until every run was seen once, in order", async () => {
    const seen: Array<{ id: string; testBpb: number | null }> = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const args = ["runs", "list", "--arch", "hnet", "--sort", "testBpb", "--order", "asc", "--limit", "5"];
      const page: { value: RunList } = await json(cursor ? [...args, "--cursor", cursor] : args, runList);
      expect(page.value.total).toBe(12);
      seen.push(...page.value.runs);
      cursor = page.value.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen.map((r) => r.id)).size).toBe(12);
    const values = seen.map((r) => r.testBpb!);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(values[0]).toBe(1.9);
    expect(values.at(-1)).toBe(2.21);
  });

  it("prints a table with a page footer, and exits 2 for bad filters", async () => {
    const r = await cli([
      "runs",
      "list",
      "--sweep",
      "bad",
      "--sort",
      "name",
      "--order",
      "asc",
      "--limit",
      "2",
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^id +run +status +arch +seed +step +best val +test bpb/m);
    expect(r.stdout).toMatch(/bad\/hnet\/s0 +COMPLETED +hnet +0 +10\/10 +2\.220 +2\.200/);
    expect(r.stdout).toContain("2 of 3 runs");
    expect(r.stdout).toMatch(/more: add --cursor \S+/);

    const status = await cli(["runs", "list", "--status", "DONE"]);
    expect(status.code).toBe(2);
    expect(status.stderr).toContain('--status: "DONE" is not a run status');
    const sort = await cli(["runs", "list", "--sort", "speed"]);
    expect(sort.code).toBe(2);
    expect(sort.stderr).toMatch(/--sort.*speed/);
    const filter = await cli(["runs", "list", "--config", "no equals sign"]);
    expect(filter.code).toBe(2);
    expect(filter.stderr).toContain("use key=value with a dotted config key");
    const cursor = await cli(["runs", "list", "--cursor", "not-a-cursor"]);
    expect(cursor.code).toBe(2);
    expect(cursor.stderr).toContain("cursor: not a cursor from a previous page");
  });
});

describe("bytelab runs show", () => {
  it("prints the bytelab.run/1 object, and a readable summary", async () => {
    const id = seeded.hnet.good[2];
    const r = await json(["runs", "show", id], (v) => runDetailSchema.parse(v));
    expect(r.code).toBe(0);
    expect(r.value.run).toMatchObject({ id, testBpb: TEST_BPB.good[2], status: "COMPLETED" });
    expect(r.value.metrics.map((m) => m.name)).toEqual([
      "test/bpb",
      "throughput/bytes_per_s",
      "train/bpb",
      "val/bpb",
    ]);
    expect(r.value.varying).toEqual([{ key: "seed", value: 2 }]); // what sets it apart in its sweep
    const text = await cli(["runs", "show", id]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`run good/hnet/s2 (${id})`);
    expect(text.stdout).toMatch(/bpb +val 2\.022 \(best 2\.022\), train 2\.002, test 2\.002/);
    expect(text.stdout).toMatch(/test\/bpb +1 +10-10 +2\.002/);
    const missing = await cli(["runs", "show", "no-such-run"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no run with id "no-such-run"; list runs with `bytelab runs list`');
  });
});

describe("bytelab verdict", () => {
  it("pass (exit 0): a sweep against the previous commit's runs, with a Welch interval", async () => {
    const r = await json(["verdict", "--sweep", seeded.sweeps.good, "--baseline-previous-commit"], verdictOf);
    expect(r.code).toBe(0);
    expect(r.value.verdict).toBe("pass");
    expect(r.value.baseline.runs.map((x) => x.id).sort()).toEqual([...seeded.hnet.base].sort());
    expect(r.value.effect?.method).toBe("welch-t");
    expect(r.value.effect?.interval?.upper).toBeLessThanOrEqual(0.02);
    expect(r.value.candidate.mean).toBeCloseTo(2.00133, 4);

    const text = await cli(["verdict", "--sweep", seeded.sweeps.good, "--baseline-previous-commit"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^verdict: PASS$/m);
    expect(text.stdout).toMatch(/reason +test\/bpb is worse by at most/);
    expect(text.stdout).toMatch(/effect +difference .* 95% interval of worse-by: .* \[welch-t\]/);
  });

  it("regression (exit 1): worse than the previous commit by more than the tolerance", async () => {
    const r = await json(["verdict", "--sweep", seeded.sweeps.bad, "--baseline-previous-commit"], verdictOf);
    expect(r.code).toBe(1);
    expect(r.value.verdict).toBe("regression");
    expect(r.value.baseline.runs.map((x) => x.id).sort()).toEqual([...seeded.hnet.good].sort());
    expect(r.value.effect!.worseBy).toBeCloseTo(0.19867, 4);
    const text = await cli(["verdict", "--sweep", seeded.sweeps.bad, "--baseline-previous-commit"]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^verdict: REGRESSION$/m);
    expect(text.stdout).toContain("beyond the tolerance 0.02");
  });

  it("a run against a named run, a fixed value, other metrics, directions and tolerances", async () => {
    const [good0] = seeded.hnet.good;
    const [bad0] = seeded.hnet.bad;
    const pass = await json(["verdict", "--run", good0, "--baseline-run", "base/hnet/s0"], verdictOf);
    expect(pass.code).toBe(0);
    expect(pass.value).toMatchObject({
      verdict: "pass",
      effect: { method: "single-values", interval: null },
    });
    const regression = await json(
      ["verdict", "--run", bad0, "--baseline-run", seeded.hnet.base[0]],
      verdictOf,
    );
    expect(regression.code).toBe(1);
    expect(regression.value.verdict).toBe("regression");
    const tolerant = await json(
      ["verdict", "--run", bad0, "--baseline-value", "2", "--tolerance", "0.5"],
      verdictOf,
    );
    expect(tolerant.code).toBe(0);
    const higher = await json(
      ["verdict", "--run", bad0, "--baseline-value", "2", "--direction", "higher", "--metric", "test/bpb"],
      verdictOf,
    );
    expect(higher.value).toMatchObject({ verdict: "pass", direction: "higher" });
    const val = await json(
      ["verdict", "--run", good0, "--baseline-value", "1.9", "--metric", "val/bpb"],
      verdictOf,
    );
    expect(val.value).toMatchObject({ verdict: "regression", metric: "val/bpb" });
  });

  it("inconclusive fails the gate (exit 1) unless --inconclusive pass; a failed candidate run is a regression", async () => {
    const wide = ["verdict", "--sweep", seeded.sweeps.wide, "--baseline-value", "2"];
    const r = await cli(wide);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^verdict: INCONCLUSIVE$/m);
    expect(r.stdout).toContain("straddles the tolerance");
    expect(r.stdout).toContain("inconclusive fails the gate (exit 1); --inconclusive pass lets it through");
    const lenient = await cli([...wide, "--inconclusive", "pass"]);
    expect(lenient.code).toBe(0);
    const broken = await json(
      ["verdict", "--sweep", seeded.sweeps.other, "--baseline-value", "2"],
      verdictOf,
    );
    expect(broken.code).toBe(1);
    expect(broken.value.verdict).toBe("regression");
    expect(broken.value.reason).toContain("other/transformer/s0 FAILED");
  });

  it("--wait waits for the candidate run to finish, then judges it", async () => {
    const runId = seeded.other.queued;
    const cli = startCli(["verdict", "--run", runId, "--baseline-value", "3", "--wait", "--json"], env, dir);
    const until = Date.now() + 30_000;
    while (!/waiting: run other\/hourglass\/s0: QUEUED/.test(cli.stderr()) && Date.now() < until)
      await new Promise((r) => setTimeout(r, 100));
    expect(cli.stderr()).toContain("waiting: run other/hourglass/s0: QUEUED");
    await transitionRun(db.prisma, runId, "RUNNING", { from: "QUEUED" });
    await ingestMetrics(db.url, [{ runId, name: "test/bpb", step: 4, value: 2.5 }]);
    await transitionRun(db.prisma, runId, "COMPLETED");
    const r = await cli.done;
    expect(r.code).toBe(0);
    const verdict = verdictSchema.parse(JSON.parse(r.stdout));
    expect(verdict).toMatchObject({ verdict: "pass", candidate: { mean: 2.5 } });
  });

  it("exits 2 for a usage error or an unknown id, naming what to give", async () => {
    const none = await cli(["verdict", "--baseline-value", "2"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("say what is judged: --run RUN_ID or --sweep SWEEP_ID");
    const two = await cli(["verdict", "--run", "a", "--baseline-value", "2", "--baseline-previous-commit"]);
    expect(two.code).toBe(2);
    expect(two.stderr).toContain("give one baseline, not --baseline-previous-commit and --baseline-value");
    const tolerance = await cli(["verdict", "--run", "a", "--baseline-value", "2", "--tolerance", "-1"]);
    expect(tolerance.code).toBe(2);
    const unknown = await cli(["verdict", "--sweep", "no-such-sweep", "--baseline-value", "2"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no sweep with id "no-such-sweep"');
    const baseline = await cli(["verdict", "--run", seeded.hnet.good[0], "--baseline-run", "nobody"]);
    expect(baseline.code).toBe(2);
    expect(baseline.stderr).toContain('no baseline run with id or name "nobody"');
    expect(baseline.stderr).toContain("baseline.run: no run has this id or name");
  });
});
