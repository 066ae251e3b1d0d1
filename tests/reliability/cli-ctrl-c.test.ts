import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

// `bytelab train` and Ctrl-C, as a real process receiving a real SIGINT (spawned from Node, so the signal's
// default disposition applies, as in a terminal): the first Ctrl-C saves a checkpoint within one step and
// exits 130; a second one ends the process at once, even in the middle of a step.

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "packages/cli/bin/bytelab.mjs");
const dir = mkdtempSync(join(tmpdir(), "bytelab-ctrl-c-"));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

function config(name: string, over: Record<string, unknown>): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(
    path,
    JSON.stringify({
      architecture: "transformer",
      logInterval: 1,
      eval: { interval: 0, windows: 2, testWindows: 2, batchSize: 2, robustness: { rates: [] } },
      checkpoint: { interval: 1_000_000, keep: 1 },
      ...over,
    }),
  );
  return path;
}

interface Started {
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

function bytelab(args: string[]): Started {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let text = "";
  child.stdout?.on("data", (c: Buffer) => {
    text += c.toString();
  });
  child.stderr?.on("data", (c: Buffer) => {
    text += c.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  let done = false;
  void exited.then(() => {
    done = true;
  });
  const waitFor = async (pattern: RegExp, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(text)) {
      if (done) throw new Error(`bytelab exited before printing ${pattern}:\n${text}`);
      if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${text}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { child, output: () => text, exited, waitFor };
}

describe("bytelab train and Ctrl-C (a real SIGINT)", () => {
  it("saves a checkpoint within one step and exits 130; --resume continues from it", async () => {
    const tiny = config("tiny", {
      model: { n_layer: 1, n_head: 2, n_embd: 16, block_size: 16 },
      seqLen: 16,
      batchSize: 2,
    });
    const out = join(dir, "tiny-run");
    const run = bytelab(["train", "--config", tiny, "--steps", "1000000", "--out", out, "--no-progress"]);
    await run.waitFor(/step 30\//); // training for real: progress lines every 10 steps
    const sentAt = Date.now();
    run.child.kill("SIGINT");
    const exit = await run.exited;
    expect(exit.code, run.output()).toBe(130);
    expect(exit.at - sentAt, "exits within a step (plus the checkpoint), not after 1e6 steps").toBeLessThan(
      10_000,
    );
    expect(run.output()).toMatch(/interrupted: saving a checkpoint/);
    const step = Number(/run CANCELLED after (\d+) steps/.exec(run.output())?.[1]);
    expect(step).toBeGreaterThanOrEqual(30);
    expect(readFileSync(join(out, "checkpoints", "latest"), "utf8").trim()).toBe(
      `step-${String(step).padStart(9, "0")}`,
    );
    const meta = JSON.parse(readFileSync(join(out, "run.json"), "utf8")) as { status: string };
    expect(meta.status).toBe("CANCELLED");

    const resumed = spawnSync(
      process.execPath,
      [BIN, "train", "--resume", out, "--steps", String(step + 3), "--no-progress"],
      {
        cwd: dir,
        env: { ...process.env, NO_COLOR: "1" },
        encoding: "utf8",
        timeout: 120_000,
      },
    );
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(new RegExp(`run COMPLETED after ${step + 3} steps`));
  });

  it("a second Ctrl-C during the step quits without waiting for the checkpoint", async () => {
    // Steps of about a second or more: both presses arrive while the first step runs.
    const slow = config("slow", {
      model: { n_layer: 2, n_head: 4, n_embd: 128, block_size: 512 },
      seqLen: 512,
      batchSize: 8,
    });
    const out = join(dir, "slow-run");
    const run = bytelab(["train", "--config", slow, "--steps", "1000", "--out", out, "--no-progress"]);
    await run.waitFor(/^training: /m, 120_000);
    const firstAt = Date.now();
    run.child.kill("SIGINT");
    await new Promise((r) => setTimeout(r, 100));
    run.child.kill("SIGINT");
    const exit = await run.exited;
    expect(exit.code, run.output()).toBe(130);
    expect(exit.at - firstAt, "at the end of the step it was in").toBeLessThan(30_000);
    expect(run.output()).not.toMatch(/run CANCELLED/);
    expect(existsSync(join(out, "checkpoints", "latest")), "no checkpoint written").toBe(false);
  });

  it("after the first Ctrl-C is handled, SIGINT has its default action again (a second one kills at once)", async () => {
    const tiny = config("tiny2", {
      model: { n_layer: 1, n_head: 2, n_embd: 16, block_size: 16 },
      seqLen: 16,
      batchSize: 2,
    });
    const run = bytelab([
      "train",
      "--config",
      tiny,
      "--steps",
      "1000000",
      "--out",
      join(dir, "t2"),
      "--no-progress",
    ]);
    await run.waitFor(/step 20\//);
    const caught = () => {
      const status = readFileSync(`/proc/${run.child.pid}/status`, "utf8");
      return (BigInt(`0x${/^SigCgt:\s*([0-9a-f]+)/m.exec(status)![1]}`) & 2n) !== 0n; // bit 1: SIGINT (2)
    };
    expect(caught(), "while training, Ctrl-C is handled by bytelab").toBe(true);
    // Freeze the process right after its handler ran: the checkpoint write that follows would end it quickly.
    run.child.kill("SIGINT");
    await run.waitFor(/interrupted: saving a checkpoint/, 10_000);
    run.child.kill("SIGSTOP");
    try {
      if (run.child.exitCode === null && existsSync(`/proc/${run.child.pid}/status`))
        expect(caught(), "after the first Ctrl-C").toBe(false);
    } finally {
      run.child.kill("SIGCONT");
    }
    const exit = await run.exited;
    expect([130, null]).toContain(exit.code);
  });
});
