import { describe, expect, it } from "vitest";
import { planSubmission, type RunSpec, scaleModel } from "../src";

const run = (configHash: string) => ({ configHash, label: configHash }) as RunSpec;

describe("planSubmission", () => {
  it("reuses the most advanced reusable run of a config, never a failed or cancelled one", () => {
    const plan = planSubmission(
      [run("a"), run("b"), run("c")],
      [
        { id: "a-queued", configHash: "a", status: "QUEUED" },
        { id: "a-done", configHash: "a", status: "COMPLETED" },
        { id: "b-failed", configHash: "b", status: "FAILED" },
        { id: "b-cancelled", configHash: "b", status: "CANCELLED" },
      ],
    );
    expect(plan.reuse.map((r) => [r.run.configHash, r.existing.id])).toEqual([["a", "a-done"]]);
    expect(plan.create.map((r) => r.configHash)).toEqual(["b", "c"]);
    expect(
      planSubmission([run("a")], [{ id: "x", configHash: "a", status: "COMPLETED" }], { repeat: true })
        .create,
    ).toHaveLength(1);
  });
});

describe("scaleModel", () => {
  it("H-Net: grows widths by heads at a fixed head width, and every block count by depth", () => {
    const { model } = scaleModel(
      "hnet",
      {
        arch_layout: ["T1", ["T2"], "T1"],
        d_model: [96, 128],
        d_intermediate: [256, 384],
        attn_cfg: { num_heads: [3, 4], rotary_emb_dim: [16, 16], window_size: [-1, -1] },
      },
      { width: 2, depth: 1.5 },
    );
    expect(model).toMatchObject({
      arch_layout: ["T2", ["T3"], "T2"],
      d_model: [192, 256],
      d_intermediate: [512, 768],
      attn_cfg: { num_heads: [6, 8], rotary_emb_dim: [16, 16] },
    });
  });

  it("hourglass and MEGABYTE: widths to multiples of 8, nested depths, zero layers stay zero", () => {
    expect(
      scaleModel("hourglass", { dim: 128, heads: 4, depth: [1, [0, 2, 0], 1] }, { width: 0.5, depth: 0.5 })
        .model,
    ).toEqual({
      dim: 64,
      heads: 2,
      depth: [1, [0, 1, 0], 1],
    });
    expect(
      scaleModel("megabyte", { dim: [128, 96], depth: [2, 2], heads: 4 }, { width: 1.5, depth: 2 }).model,
    ).toEqual({
      dim: [192, 144],
      depth: [4, 4],
      heads: 6,
    });
    expect(
      scaleModel("transformer", { n_embd: 128, n_head: 4, n_layer: 4 }, { width: 1.5, depth: 0.5 }).model,
    ).toEqual({
      n_embd: 192,
      n_head: 6,
      n_layer: 2,
    });
  });
});
