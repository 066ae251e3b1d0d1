import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const CHILD = join(import.meta.dirname, "tfjs-banner-child.ts");
const BANNER = /looks like you are running TensorFlow\.js in Node/;

/** stdout + stderr of a fresh Node process (a TF.js that has not printed the banner yet). */
function child(mode: "loud" | "quiet", pick: "lazy" | "explicit"): string {
  const r = spawnSync(process.execPath, ["--import", "tsx", CHILD, mode, pick], {
    encoding: "utf8",
    env: { ...process.env, NODE_OPTIONS: "" },
  });
  if (r.status !== 0) throw new Error(`child exited with ${r.status}: ${r.stderr}`);
  return `${r.stdout}${r.stderr}`;
}

describe("quietTfjsNodeBanner", () => {
  it("has something to silence: TF.js prints its tfjs-node banner without it", () => {
    expect(child("loud", "lazy")).toMatch(BANNER);
  });

  it.each(["lazy", "explicit"] as const)("silences it when the CPU backend is picked %s", (pick) => {
    const out = child("quiet", pick);
    expect(out).toContain("backend cpu");
    expect(out).not.toMatch(BANNER);
  });
});
