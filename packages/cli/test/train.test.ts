import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "../../..");
const BIN = join(ROOT, "node_modules/.bin/bytelab");
const dir = mkdtempSync(join(tmpdir(), "bytelab-cli-train-"));
const corpusPath = join(dir, "corpus.txt");
writeFileSync(
  corpusPath,
  Array.from({ length: 600 }, (_, i) => `Line ${i}: the quick brown fox jumps over the lazy dog.\n`).join(""),
);

/** Runs the real `bytelab` executable (as `npx bytelab` does) and returns its exit code and output. */
function bytelab(args: string[], timeout = 240_000) {
  const r = spawnSync(BIN, args, { cwd: dir, timeout, env: { ...process.env, NO_COLOR: "1" } });
  return {
    code: r.status,
    stdout: r.stdout.toString("utf8"),
    stderr: r.stderr.toString("utf8"),
    raw: r.stdout,
  };
}

// A tiny transformer, short sequences and few eval windows keep each process to a few seconds.
const tiny = join(dir, "tiny.json");
writeFileSync(
  tiny,
  JSON.stringify({
    architecture: "transformer",
    model: { n_layer: 1, n_head: 2, n_embd: 32, block_size: 32 },
    seqLen: 32,
    batchSize: 4,
    logInterval: 1,
    eval: {
      interval: 3,
      windows: 4,
      testWindows: 4,
      batchSize: 4,
      robustness: { rates: [0.05], windows: 2 },
    },
    checkpoint: { interval: 3, keep: 2 },
  }),
);

describe("bytelab train (real process)", () => {
  const out = join(dir, "run");

  it("trains, writes metrics.jsonl with the expected fields, run.json and a checkpoint", () => {
    const r = bytelab([
      "train",
      "--arch",
      "transformer",
      "--config",
      tiny,
      "--dataset",
      `file:${corpusPath}`,
      "--steps",
      "5",
      "--out",
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/run COMPLETED after 5 steps/);
    expect(r.stdout).toMatch(/unigram entropy of file:.*bits\/byte/);
    expect(r.stderr).toMatch(/step 5\/5/); // plain log lines when not a TTY
    const records = readFileSync(join(out, "metrics.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const train = records.filter((x) => x.kind === "train");
    expect(train.map((x) => x.step)).toEqual([1, 2, 3, 4, 5]);
    for (const rec of train) {
      expect(Object.keys(rec).sort()).toEqual(["bytesSeen", "flops", "kind", "metrics", "step", "wallTime"]);
      for (const k of [
        "train/loss",
        "train/bpb",
        "lr",
        "grad_norm",
        "throughput/bytes_per_s",
        "memory/bytes",
      ])
        expect(typeof rec.metrics[k], k).toBe("number");
      expect(rec.bytesSeen).toBe(rec.step * 4 * 32);
      expect(rec.flops).toBeGreaterThan(0);
    }
    expect(records.filter((x) => x.kind === "eval").map((x) => x.step)).toEqual([3, 5]);
    expect(records.some((x) => x.kind === "test" && typeof x.metrics["test/bpb"] === "number")).toBe(true);
    const run = JSON.parse(readFileSync(join(out, "run.json"), "utf8"));
    expect(run.status).toBe("COMPLETED");
    expect(run.config.model.n_embd).toBe(32);
    expect(run.configHash).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(join(out, "checkpoints", "latest"), "utf8").trim()).toBe("step-000000005");
    expect(existsSync(join(out, "checkpoints", "step-000000005", "weights.bin"))).toBe(true);
  });

  it("--resume continues the run to more steps", () => {
    const r = bytelab(["train", "--resume", out, "--steps", "7"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/resuming at step 5/);
    expect(r.stdout).toMatch(/run COMPLETED after 7 steps/);
    const records = readFileSync(join(out, "metrics.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(records.filter((x) => x.kind === "train").map((x) => x.step)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(readFileSync(join(out, "checkpoints", "latest"), "utf8").trim()).toBe("step-000000007");
  });

  it("bytelab sample generates from the checkpoint", () => {
    const args = ["sample", "--checkpoint", out, "--prompt", "The quick", "--bytes", "12", "--seed", "1"];
    const r = bytelab(args);
    expect(r.code, r.stderr).toBe(0);
    // raw bytes: the prompt, 12 sampled bytes (any value, not necessarily UTF-8), a newline
    expect(r.raw.length).toBe("The quick".length + 12 + 1);
    expect(r.stdout.startsWith("The quick")).toBe(true);
    expect(bytelab(args).raw.equals(r.raw)).toBe(true);
    const other = bytelab([...args.slice(0, -1), "2"]);
    expect(other.raw.equals(r.raw)).toBe(false);
  });

  it("exits 1 when the run diverges (the exit-code table: a run failure)", () => {
    const absurd = join(dir, "absurd.json");
    writeFileSync(
      absurd,
      JSON.stringify({
        ...JSON.parse(readFileSync(tiny, "utf8")),
        optimizer: { lr: 1e4 },
        schedule: { warmupSteps: 0 },
      }),
    );
    const r = bytelab([
      "train",
      "--config",
      absurd,
      "--dataset",
      `file:${corpusPath}`,
      "--steps",
      "30",
      "--out",
      join(dir, "diverged"),
      "--no-progress",
    ]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^run DIVERGED after \d+ steps/m);
  });

  it("rejects bad flags with exit 2 and a message naming the flag", () => {
    const steps = bytelab(["train", "--arch", "transformer", "--steps", "abc"]);
    expect(steps.code).toBe(2);
    expect(steps.stderr).toMatch(/--steps must be an integer >= 1 \(got "abc"\)/);
    const arch = bytelab(["train", "--arch", "rnn", "--steps", "5"]);
    expect(arch.code).toBe(2);
    expect(arch.stderr).toMatch(/--arch/);
    expect(arch.stderr).toMatch(/transformer, hourglass, hnet, megabyte/);
    const missing = bytelab(["train", "--steps", "5"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--arch is required/);
    const unknown = bytelab(["train", "--arch", "hnet", "--stepz", "5"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--stepz/);
    const mixed = bytelab(["train", "--resume", out, "--arch", "hnet"]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/--arch cannot be combined with --resume/);
    const badConfig = join(dir, "bad.json");
    writeFileSync(badConfig, JSON.stringify({ architecture: "transformer", optimizer: { lr: -1 } }));
    const cfg = bytelab(["train", "--config", badConfig, "--steps", "5"]);
    expect(cfg.code).toBe(2);
    expect(cfg.stderr).toMatch(/optimizer\.lr/);
  });
});
