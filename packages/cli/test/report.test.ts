import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ingestMetrics } from "@bytelab/db";
import { createTestDatabase, type TestDatabase } from "@bytelab/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPath } from "../src/report/chromium";
import { syntheticSweep } from "../../analysis/test/helpers/report-sweep";

const ROOT = resolve(__dirname, "../../..");
const BIN = join(ROOT, "node_modules/.bin/bytelab");
const CHROMIUM = chromiumPath();
const dir = mkdtempSync(join(tmpdir(), "bytelab-cli-report-"));
const EVIL = `<script>alert("x")</script>`;
const truths = { transformer: { E: 0.9, A: 40, alpha: 0.1 }, hnet: { E: 0.7, A: 210, alpha: 0.14 } };

let db: TestDatabase;
let sweepId: string;

/** Runs the real `bytelab` executable (what `npx bytelab` starts) against the test database. */
function bytelab(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(BIN, args, {
    cwd: dir,
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, DATABASE_URL: db.url, NO_COLOR: "1", ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  db = await createTestDatabase("cli_report");
  const synthetic = syntheticSweep({
    architectures: Object.entries(truths).map(([architecture, truth]) => ({ architecture, truth })),
    computes: [1e14, 1e15, 1e16, 1e17, 1e18],
    seeds: 2,
    noise: 0.002,
    seed: 11,
    steps: 100,
  });
  const sweep = await db.prisma.sweep.create({
    data: { name: "arch compare", description: "report CLI test", spec: { kind: "ladder" } },
  });
  sweepId = sweep.id;
  const points: unknown[] = [];
  for (const run of synthetic.runs) {
    const row = await db.prisma.run.create({
      data: {
        name: run.name,
        sweepId,
        status: "COMPLETED",
        architecture: run.architecture,
        config: run.config as object,
        configHash: run.configHash ?? "hash",
        seed: run.seed,
        paramCount: run.paramCount as bigint,
        flopsPerByte: run.flopsPerByte ?? null,
        backend: "tensorflow",
        gitCommit: "0123456789abcdef0123456789abcdef01234567",
      },
    });
    for (const [name, series] of Object.entries(synthetic.series[run.id]!))
      for (const p of series) points.push({ runId: row.id, name, ...p });
  }
  const diverged = await db.prisma.run.create({
    data: {
      name: EVIL,
      sweepId,
      status: "DIVERGED",
      architecture: "hnet",
      config: {},
      configHash: "d",
      seed: 5,
    },
  });
  points.push(
    { runId: diverged.id, name: "val/bpb", step: 10, value: 2.4, flops: 1e16, bytesSeen: 10, wallTime: 1 },
    {
      runId: diverged.id,
      name: "val/bpb",
      step: 20,
      value: Number.NaN,
      flops: 2e16,
      bytesSeen: 20,
      wallTime: 2,
    },
  );
  await db.prisma.run.create({
    data: {
      name: "transformer/oom",
      sweepId,
      status: "FAILED",
      architecture: "transformer",
      config: {},
      configHash: "f",
      seed: 0,
      error: "RangeError: out of memory",
    },
  });
  await ingestMetrics(db.url, points);
});

afterAll(async () => {
  await db?.drop();
});

describe("bytelab report (real process, real Postgres)", () => {
  it("writes report.html with the architectures, the fits, the failed and diverged runs", () => {
    const out = join(dir, "html");
    const r = bytelab(["report", sweepId, "--out", out, "--resamples", "200", "--budgets", "1e15,1e16"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`report: ${join(out, "report.html")}`);
    const html = readFileSync(join(out, "report.html"), "utf8");
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    expect(report.sweep.id).toBe(sweepId);
    expect(report.summary.architectures).toEqual(["transformer", "hnet"]);
    for (const arch of report.scaling.architectures) {
      const truth = truths[arch.architecture as keyof typeof truths];
      expect(Math.abs(arch.fit.params.alpha - truth.alpha)).toBeLessThan(0.01);
      expect(Math.abs(arch.fit.params.E - truth.E)).toBeLessThan(0.03);
      expect(html).toContain(arch.fit.params.alpha.toFixed(3));
      expect(html).toContain(`${arch.architecture}</td>`);
    }
    expect(report.comparison.rows.map((row: { budget: number }) => row.budget)).toEqual([1e15, 1e16]);
    expect(html).toContain("RangeError: out of memory");
    expect(html).toContain(EVIL.replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;"));
    expect(html).not.toContain(EVIL);
    const divergedRow = report.runs.find((x: { name: string }) => x.name === EVIL);
    expect(divergedRow.fit).toEqual({ used: false, reason: "diverged" });
    expect(html).toContain("tensorflow");
  });

  it.skipIf(!existsSync(CHROMIUM))("renders the charts to PNG with --png", () => {
    const out = join(dir, "png");
    const r = bytelab(["report", sweepId, "--out", out, "--resamples", "50", "--png"]);
    expect(r.code).toBe(0);
    const files = ["scaling.png", "learning-curves-transformer.png", "learning-curves-hnet.png"];
    for (const file of files) {
      const path = join(out, file);
      expect(r.stdout).toContain(`png: ${path}`);
      const bytes = readFileSync(path);
      expect(bytes.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
      // Width and height from the IHDR chunk: the charts are drawn at 2x.
      expect(bytes.readUInt32BE(16)).toBe(2000);
      expect(bytes.readUInt32BE(20)).toBeGreaterThan(600);
      expect(statSync(path).size).toBeGreaterThan(20_000);
    }
  });

  it("still writes the HTML and says why when Chromium is missing", () => {
    const out = join(dir, "no-chromium");
    const r = bytelab(["report", sweepId, "--out", out, "--resamples", "0", "--png"], {
      BYTELAB_CHROMIUM: join(dir, "no-such-chromium"),
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("PNG charts not written: Chromium not found at");
    expect(existsSync(join(out, "report.html"))).toBe(true);
    expect(existsSync(join(out, "scaling.png"))).toBe(false);
  });

  it("exits 2 with a clear message for an unknown sweep id or bad options", () => {
    const unknown = bytelab(["report", "no-such-sweep", "--out", join(dir, "unknown")]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /no sweep with id "no-such-sweep"; list the recent ones with `bytelab sweep list`/,
    );
    expect(unknown.stderr).not.toContain("postgres://");
    expect(existsSync(join(dir, "unknown"))).toBe(false);

    const bad = bytelab(["report", sweepId, "--budgets", "1e15,lots"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--budgets must be a comma-separated list of positive FLOP counts");
  });
});
