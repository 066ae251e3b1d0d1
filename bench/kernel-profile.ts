import * as tf from "@tensorflow/tfjs";

/**
 * Per-kernel time on one backend: every kernel registered for it is re-registered wrapped in a timer
 * (kernels are looked up per call, so this takes effect at once). Kernels that call other kernels through
 * the engine would be counted twice; bytelab's kernels call the stock ones directly, so none does.
 * `stop()` restores the original registrations. The clock is this process's CPU time (user + system), so
 * a shared, loaded host does not inflate it the way wall time is (run single-threaded to read it as work:
 * with more threads it sums every thread's time, waiting included); `wallMs` has the wall times.
 */
export class KernelProfiler {
  readonly ms = new Map<string, number>();
  readonly wallMs = new Map<string, number>();
  readonly calls = new Map<string, number>();
  private readonly originals: tf.KernelConfig[] = [];

  constructor(private readonly backendName: string) {}

  start(): void {
    if (this.originals.length) return;
    for (const config of tf.getKernelsForBackend(this.backendName)) {
      this.originals.push(config);
      const name = config.kernelName;
      const inner = config.kernelFunc;
      tf.unregisterKernel(name, this.backendName);
      tf.registerKernel({
        kernelName: name,
        backendName: this.backendName,
        kernelFunc: ((args: Parameters<tf.KernelFunc>[0]) => {
          const c0 = process.cpuUsage();
          const t0 = performance.now();
          try {
            return inner(args);
          } finally {
            const wall = performance.now() - t0;
            const c = process.cpuUsage(c0);
            this.ms.set(name, (this.ms.get(name) ?? 0) + (c.user + c.system) / 1000);
            this.wallMs.set(name, (this.wallMs.get(name) ?? 0) + wall);
            this.calls.set(name, (this.calls.get(name) ?? 0) + 1);
          }
        }) as tf.KernelFunc,
      });
    }
  }

  stop(): void {
    for (const config of this.originals) {
      tf.unregisterKernel(config.kernelName, this.backendName);
      // setupFunc already ran when the backend started; registering without it avoids running it twice.
      tf.registerKernel({
        kernelName: config.kernelName,
        backendName: this.backendName,
        kernelFunc: config.kernelFunc,
      });
    }
    this.originals.length = 0;
  }

  reset(): void {
    this.ms.clear();
    this.wallMs.clear();
    this.calls.clear();
  }

  total(): number {
    let s = 0;
    for (const v of this.ms.values()) s += v;
    return s;
  }
}

export const CATEGORIES = [
  "matmul",
  "attention",
  "norm/elementwise",
  "cross-entropy",
  "gather",
  "copies",
] as const;
export type Category = (typeof CATEGORIES)[number];

const MATMUL = /^(BatchMatMul|_FusedMatMul|BytelabMatMul.*|BytelabLinear.*)$/;
const ATTENTION = /^(BytelabCausalAttention.*|Softmax)$/;
const GATHER = /^(GatherV2|GatherNd|UnsortedSegmentSum|ScatterNd|OneHot|BytelabGather.*|BytelabScatter.*)$/;
const COPIES =
  /^(Transpose|Slice|SplitV|Concat|Tile|PadV2|Pack|Unpack|StridedSlice|Reverse|Cast|Reshape|Identity|ExpandDims)$/;
const LOSS = /^(BytelabCrossEntropy.*)$/;

/** Which part of a training step a kernel belongs to. */
export function categoryOf(kernel: string): Category {
  if (MATMUL.test(kernel)) return "matmul";
  if (ATTENTION.test(kernel)) return "attention";
  if (GATHER.test(kernel)) return "gather";
  if (COPIES.test(kernel)) return "copies";
  if (LOSS.test(kernel)) return "cross-entropy";
  return "norm/elementwise";
}
