import { SeededRng } from "@bytelab/train";
import { describe, expect, it } from "vitest";
import {
  type AshaConfig,
  ashaConfigSchema,
  decideAsha,
  type MetricObservation,
  rungFlops,
  rungReached,
  rungsCrossed,
  valueAtRung,
} from "../src";

const config = (over: Partial<AshaConfig> = {}): AshaConfig =>
  ashaConfigSchema.parse({ minFlops: 1e9, eta: 3, ...over });

/**
 * Asynchronous simulation: runs with different speeds report their loss every tick; whenever a report
 * crosses a rung, ASHA decides with what has been reported so far, and a stopped run reports no more.
 */
function simulate(n: number, cfg: AshaConfig, budget: number, seed: number) {
  const rng = new SeededRng(seed);
  const runs = Array.from({ length: n }, (_, i) => ({
    id: `run-${String(i).padStart(3, "0")}`,
    final: 1 + rng.next(), // the loss it converges to
    speed: (1 + 4 * rng.next()) * 5e7, // FLOPs per tick
  }));
  const histories = new Map<string, MetricObservation[]>(runs.map((r) => [r.id, []]));
  const stoppedAt = new Map<string, number>();
  const decisions: Array<{ id: string; rung: number; action: string; flops: number }> = [];
  for (let tick = 1; stoppedAt.size < n; tick++) {
    let active = 0;
    for (const r of runs) {
      if (stoppedAt.has(r.id)) continue;
      const history = histories.get(r.id)!;
      const previous = history.at(-1)?.flops ?? 0;
      if (previous >= budget) continue;
      active++;
      const flops = Math.min(budget, r.speed * tick);
      const loss = r.final + 3 * Math.sqrt(1e9 / (flops + 1e9)) + 0.01 * (rng.next() - 0.5);
      history.push({ flops, value: loss });
      if (rungsCrossed(cfg, previous, flops).length === 0) continue;
      const d = decideAsha(cfg, r.id, histories);
      decisions.push({ id: r.id, rung: d.rung!, action: d.action, flops });
      if (d.action === "stop") stoppedAt.set(r.id, d.rung);
    }
    if (active === 0) break;
  }
  return { runs, histories, stoppedAt, decisions };
}

describe("ASHA rungs in training FLOPs", () => {
  it("places rungs at minFlops x eta^k, exact at the boundaries, capped by maxRungs", () => {
    const c = config();
    expect([0, 1, 2, 3].map((k) => rungFlops(c, k))).toEqual([1e9, 3e9, 9e9, 2.7e10]);
    expect(rungReached(c, 9.99e8)).toBe(-1);
    expect(rungReached(c, 1e9)).toBe(0);
    expect(rungReached(c, 8.99e9)).toBe(1);
    expect(rungReached(c, 9e9)).toBe(2);
    expect(rungReached(c, 2.7e10)).toBe(3);
    expect(rungReached(config({ maxRungs: 2 }), 1e12)).toBe(1);
    expect(rungsCrossed(c, 5e8, 3.5e9)).toEqual([0, 1]);
    expect(rungsCrossed(c, 1e9, 2e9)).toEqual([]);
  });

  it("takes a run's value at its first report at or past the rung", () => {
    const h = [
      { flops: 5e8, value: 9 },
      { flops: 1.2e9, value: 5 },
      { flops: 1.1e9, value: 6 },
      { flops: 4e9, value: 3 },
    ];
    expect(valueAtRung(config(), h, 0)).toBe(6);
    expect(valueAtRung(config(), h, 1)).toBe(3);
    expect(valueAtRung(config(), h, 2)).toBeUndefined();
  });
});

describe("decideAsha", () => {
  it("never stops a run before its first rung, however bad", () => {
    const histories = {
      good: [{ flops: 2e9, value: 0.1 }],
      bad: [{ flops: 9e8, value: 100 }],
    };
    expect(decideAsha(config(), "bad", histories)).toMatchObject({ action: "continue", rung: null });
  });

  it("stops exactly the runs outside the top max(1, floor(n/eta)) at their rung, with the rung and the reason", () => {
    const values = [5, 1, 4, 2, 3, 6, 0.5];
    const histories = Object.fromEntries(values.map((v, i) => [`r${i}`, [{ flops: 1.5e9, value: v }]]));
    const promotable = Math.floor(values.length / 3); // 2
    const sorted = [...values].sort((a, b) => a - b);
    values.forEach((v, i) => {
      const d = decideAsha(config(), `r${i}`, histories);
      const shouldContinue = sorted.indexOf(v) < promotable;
      expect(d.action).toBe(shouldContinue ? "continue" : "stop");
      if (d.action === "stop") {
        expect(d).toMatchObject({ rung: 0, rungFlops: 1e9, value: v, competitors: 7, promotable: 2 });
        expect(d.reason).toContain("ranks");
      }
    });
  });

  it("promotes the first run at a rung (asynchronous), and waits for minRunsPerRung when asked", () => {
    const alone = { a: [{ flops: 1e9, value: 9 }] };
    expect(decideAsha(config(), "a", alone).action).toBe("continue");
    const two = { a: [{ flops: 1e9, value: 9 }], b: [{ flops: 1e9, value: 1 }] };
    expect(decideAsha(config(), "a", two).action).toBe("stop");
    expect(decideAsha(config({ minRunsPerRung: 3 }), "a", two)).toMatchObject({
      action: "continue",
      rung: 0,
    });
  });

  it("breaks ties by run id, whatever order the runs are listed in", () => {
    const ids = ["d", "b", "e", "a", "c", "f"];
    const decide = (order: string[]) => {
      const histories = new Map(order.map((id) => [id, [{ flops: 1e9, value: 1 }]]));
      return ids.map((id) => decideAsha(config(), id, histories).action);
    };
    const forward = decide(ids);
    expect(decide([...ids].reverse())).toEqual(forward);
    expect(ids.filter((_, i) => forward[i] === "continue").sort()).toEqual(["a", "b"]);
  });

  it("ranks non-finite values last and honours mode max", () => {
    const histories = {
      nan: [{ flops: 1e9, value: null }],
      low: [{ flops: 1e9, value: 0.2 }],
      high: [{ flops: 1e9, value: 0.9 }],
    };
    expect(decideAsha(config(), "nan", histories).action).toBe("stop");
    expect(decideAsha(config(), "low", histories).action).toBe("continue");
    expect(decideAsha(config({ mode: "max" }), "high", histories).action).toBe("continue");
    expect(decideAsha(config({ mode: "max" }), "low", histories).action).toBe("stop");
  });
});

describe("ASHA on synthetic learning curves", () => {
  const cfg = config({ maxRungs: 3 });
  const budget = 2.7e10;

  it("promotes about 1/eta of the runs at each rung, and stops runs only on the report that crossed a rung", () => {
    // 243 runs, 6 seeds. Arrivals at rung 0 are in random order with respect to quality, so each seed's
    // fraction is close to 1/eta (slightly above: the first arrivals at a rung are promoted on little
    // evidence, which is ASHA's trade for never waiting). Deeper rungs see fewer runs, so they are checked
    // on the mean over seeds.
    const seeds = [1, 2, 3, 4, 5, 6];
    const fractions = seeds.map((seed) => {
      const { histories, stoppedAt, decisions } = simulate(243, cfg, budget, seed);
      for (const [id, rung] of stoppedAt) {
        const maxFlops = histories.get(id)!.at(-1)!.flops;
        expect(maxFlops).toBeGreaterThanOrEqual(rungFlops(cfg, rung));
        expect(maxFlops).toBeLessThan(rungFlops(cfg, rung) + 2.5e8 + 1); // one tick of the fastest run
      }
      return [0, 1, 2].map((k) => {
        const reached = [...histories.values()].filter((h) => rungReached(cfg, h.at(-1)!.flops) >= k).length;
        const atRung = decisions.filter((d) => d.rung === k);
        expect(atRung).toHaveLength(reached); // one decision per run reaching the rung
        return atRung.filter((d) => d.action === "continue").length / reached;
      });
    });
    const shown = fractions.map((f) => f.map((x) => x.toFixed(3)).join(" ")).join(" | ");
    for (const f of fractions) expect(Math.abs(f[0]! - 1 / 3), shown).toBeLessThan(0.06);
    for (let k = 0; k < 3; k++) {
      const mean = fractions.reduce((s, f) => s + f[k]!, 0) / seeds.length;
      expect(Math.abs(mean - 1 / 3), `rung ${k}: ${shown}`).toBeLessThan(0.08);
    }
  });

  it("keeps the best runs: every run whose final loss is in the best 3 of 81 survives rung 0", () => {
    const { runs, stoppedAt } = simulate(81, cfg, budget, 4);
    const best = [...runs].sort((a, b) => a.final - b.final).slice(0, 3);
    for (const r of best) expect(stoppedAt.get(r.id) ?? 99).toBeGreaterThan(0);
  });
});
