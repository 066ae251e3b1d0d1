export interface ScheduleSpec {
  kind: "cosine" | "wsd" | "constant";
  /** Peak learning rate. */
  lr: number;
  totalSteps: number;
  warmupSteps: number;
  minLrRatio: number;
  /** WSD: fraction of the total steps spent decaying. */
  decayFraction: number;
  decayShape: "linear" | "cosine" | "sqrt";
}

/**
 * Learning rate for optimizer step `step` (0-based: the first update uses step 0).
 * Warmup is linear: lr * (step + 1) / warmupSteps, so the first update never uses lr = 0.
 *   cosine:   after warmup, min + (lr - min) * (1 + cos(pi * p)) / 2, p = progress through the decay phase
 *   wsd:      after warmup, lr until the last decayFraction of steps, then decays to min with decayShape
 *             (linear: 1 - p, cosine: (1 + cos(pi p)) / 2, sqrt: 1 - sqrt(p))
 *   constant: lr after warmup
 */
export function learningRateAt(step: number, s: ScheduleSpec): number {
  if (step < s.warmupSteps) return (s.lr * (step + 1)) / s.warmupSteps;
  const min = s.lr * s.minLrRatio;
  switch (s.kind) {
    case "constant":
      return s.lr;
    case "cosine": {
      const span = Math.max(1, s.totalSteps - 1 - s.warmupSteps);
      const p = clamp01((step - s.warmupSteps) / span);
      return min + ((s.lr - min) * (1 + Math.cos(Math.PI * p))) / 2;
    }
    case "wsd": {
      const decaySteps = Math.max(1, Math.round(s.decayFraction * s.totalSteps));
      const decayStart = Math.max(s.warmupSteps, s.totalSteps - decaySteps);
      if (step < decayStart) return s.lr;
      const span = Math.max(1, s.totalSteps - 1 - decayStart);
      const p = clamp01((step - decayStart) / span);
      return min + (s.lr - min) * decayFactor(p, s.decayShape);
    }
  }
}

function decayFactor(p: number, shape: ScheduleSpec["decayShape"]): number {
  switch (shape) {
    case "linear":
      return 1 - p;
    case "cosine":
      return (1 + Math.cos(Math.PI * p)) / 2;
    case "sqrt":
      return 1 - Math.sqrt(p);
  }
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}
