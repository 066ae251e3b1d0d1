import type { Architecture, FlopsPerByte } from "@bytelab/models";
import type { TrainConfig } from "@bytelab/train";
import type { ResolvedBudget } from "./budget";

/** Where in the spec a run came from. */
export interface RunOrigin {
  kind: "sweep" | "ablation" | "ladder";
  /** Architecture entry label (sweep / ladder) or the architecture (ablation). */
  entry: string;
  /** The varied keys and their values (dotted path -> value). */
  assignment: Record<string, unknown>;
  /** Ablation: the variant's name (or the baseline's). */
  variant?: string;
  /** Ladder: the size's name and multipliers. */
  size?: { name: string; width: number; depth: number };
}

/** One concrete run, ready to be written to the database and queued. */
export interface RunSpec {
  /** Unique within the expansion, e.g. "hnet/lr=0.001/s0"; the run's name is `${spec.name}/${label}`. */
  label: string;
  architecture: Architecture;
  seed: number;
  /** The full training config with every default filled in (model config included): what the worker trains. */
  config: TrainConfig;
  /** sha256 of the canonical JSON of `config` (@bytelab/train configHash, as the trainer records it). */
  configHash: string;
  /** Higher runs first. */
  priority: number;
  /** null when the zoo cannot build this architecture yet. */
  paramCount: number | null;
  /** At config.seqLen; H-Net at its ratio-loss targets. null when unknown. */
  flopsPerByte: FlopsPerByte | null;
  budget: ResolvedBudget;
  origin: RunOrigin;
}
