import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApiKey } from "@bytelab/service";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openReliabilityEnv, type ReliabilityEnv } from "../reliability/helpers/setup";
import { fastWorkerEnv, startWorkerProcess, type WorkerProcess } from "../reliability/helpers/worker-process";
import { REPO_ROOT } from "../start/start-process";
import { ensureWebBuild, logPath, type RunningWeb, startWebApp } from "../web/web-app";

// docs/ci/gate.sh as a CI job runs it: a shell script with only the CLI and a token, against a running bytelab
// server (next start) with a trainer worker. A good change passes (exit 0); a change whose learning rate
// diverges fails the build (exit 1).

let env: ReliabilityEnv;
let web: RunningWeb | undefined;
let worker: WorkerProcess | undefined;
let token: string;
let dir: string;

/** A gate spec: a tiny flat Transformer, 2 seeds, 40 steps (seconds), learning rate `lr`. */
function gateSpec(name: string, lr: number): string {
  return `kind: sweep
name: ${name}
base: { dataset: brown, seqLen: 32, batchSize: 4, optimizer: { lr: ${lr} }, eval: { interval: 20 } }
architectures:
  - architecture: transformer
    model: { n_layer: 1, n_head: 2, n_embd: 16, block_size: 32 }
seeds: [0, 1]
budget: { steps: 40 }
`;
}

interface Gate {
  code: number | null;
  output: string;
}

function runGate(specFile: string, args: string[], commit: string): Promise<Gate> {
  return new Promise((resolve) => {
    const child = spawn("bash", [join(REPO_ROOT, "docs/ci/gate.sh"), specFile, ...args], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        BYTELAB_API_URL: web!.origin,
        BYTELAB_TOKEN: token,
        GITHUB_SHA: commit,
        DATABASE_URL: "",
        REDIS_URL: "",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => {
      output += d;
    });
    child.stderr.on("data", (d) => {
      output += d;
    });
    child.on("exit", (code) => resolve({ code, output }));
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "bytelab-gate-"));
  await ensureWebBuild(logPath(dir, "build"));
  env = await openReliabilityEnv("ci_gate");
  worker = await startWorkerProcess(
    "gate-worker",
    fastWorkerEnv({
      DATABASE_URL: env.databaseUrl,
      REDIS_URL: env.redisUrl,
      WORKER_QUEUE: env.queueName,
      BYTELAB_HOME: env.home,
    }),
  );
  web = await startWebApp({
    databaseUrl: env.databaseUrl,
    redisUrl: env.redisUrl,
    workerPid: worker.proc.pid!,
    logFile: logPath(dir, "web"),
    env: { BYTELAB_QUEUE: env.queueName, BYTELAB_WORKER_ALIVE_MS: "600000", BYTELAB_AUTH: "required" },
  });
  token = (await createApiKey(env.prisma, { name: "ci", scopes: ["write"] })).secret;
}, 480_000);

afterAll(async () => {
  await web?.stop();
  await worker?.stop();
  await env?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("docs/ci/gate.sh against a running server", () => {
  it("passes a good change (exit 0) and says why", async () => {
    const spec = join(dir, "good.yaml");
    writeFileSync(spec, gateSpec("gate-good", 3e-3));
    // An untrained byte model is at 8 bits per byte; 40 steps get well below.
    const gate = await runGate(spec, ["--baseline-value", "7.5"], "c0ffee1");
    expect(gate.output).toMatch(/sweep \w+/);
    expect(gate.output).toMatch(/verdict: PASS/);
    expect(gate.code, gate.output).toBe(0);
    expect(await env.prisma.run.count({ where: { status: "COMPLETED" } })).toBe(2);
  }, 300_000);

  it("fails a change whose learning rate diverges (exit 1, DIVERGED named)", async () => {
    const spec = join(dir, "bad.yaml");
    writeFileSync(spec, gateSpec("gate-bad", 1e4));
    const gate = await runGate(spec, ["--baseline-value", "7.5"], "badc0de");
    expect(gate.output).toMatch(/verdict: REGRESSION/);
    expect(gate.output).toMatch(/DIVERGED/);
    expect(gate.code, gate.output).toBe(1);
  }, 300_000);

  it("a retried job with the same commit submits nothing new (Idempotency-Key = the commit)", async () => {
    const before = await env.prisma.sweep.count();
    const spec = join(dir, "good.yaml");
    const gate = await runGate(spec, ["--baseline-value", "7.5"], "c0ffee1");
    expect(gate.code, gate.output).toBe(0);
    expect(await env.prisma.sweep.count()).toBe(before);
  }, 300_000);
});
