import { describe, expect, it } from "vitest";
import { InvalidInputError, planSweep, type UntrustedSpecPolicy } from "../src";

// A spec from the network may only read datasets under the server's data roots and may not expand beyond the
// server's limits; the same spec from the local CLI (no policy) is the owner's business.

const policy: UntrustedSpecPolicy = { dataRoots: ["/srv/data"], maxRuns: 10, maxSteps: 1000, maxFlops: 1e18 };

function spec(dataset: string, seeds = [0], steps = 5) {
  return {
    name: "policy",
    base: { dataset, seqLen: 32, batchSize: 2 },
    architectures: [
      { architecture: "transformer", model: { n_layer: 1, n_head: 2, n_embd: 16, block_size: 32 } },
    ],
    seeds,
    budget: { steps },
  };
}

async function refusal(source: ReturnType<typeof spec>) {
  const error = await planSweep(null, { spec: source }, { untrusted: policy }).catch((e) => e);
  expect(error).toBeInstanceOf(InvalidInputError);
  return (error as InvalidInputError).details;
}

describe("untrusted specs", () => {
  it("accept built-in datasets and files under a data root", async () => {
    await expect(planSweep(null, { spec: spec("brown") }, { untrusted: policy })).resolves.toBeTruthy();
    await expect(
      planSweep(null, { spec: spec("file:/srv/data/corpus.txt") }, { untrusted: policy }),
    ).resolves.toBeTruthy();
    await expect(
      planSweep(null, { spec: spec("dir:/srv/data/src/**/*.ts") }, { untrusted: policy }),
    ).resolves.toBeTruthy();
  });

  it("refuse files outside the roots, relative paths and escapes, naming the dataset and the knob", async () => {
    for (const dataset of [
      "file:/etc/passwd",
      "file:notes.txt",
      "dir:/srv/data/../../root",
      "dir:/srv/database/x",
    ]) {
      const [detail] = await refusal(spec(dataset));
      expect(detail?.path).toBe("dataset");
      expect(detail?.issue).toContain(dataset);
      expect(detail?.fix).toContain("BYTELAB_DATA_ROOTS");
    }
    // The local CLI path (no policy) is not limited here.
    await expect(planSweep(null, { spec: spec("file:/etc/hostname") })).resolves.toBeTruthy();
  });

  it("refuse expansions beyond the limits, saying which knob to raise", async () => {
    const runs = await refusal(
      spec(
        "brown",
        Array.from({ length: 11 }, (_, i) => i),
      ),
    );
    expect(runs.map((d) => d.fix).join(" ")).toContain("BYTELAB_MAX_SWEEP_RUNS");
    const steps = await refusal(spec("brown", [0], 2000));
    expect(steps[0]).toMatchObject({ path: "budget" });
    expect(steps[0]?.fix).toContain("BYTELAB_MAX_SWEEP_STEPS");
  });
});
