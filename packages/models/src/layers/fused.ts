import * as tf from "@tensorflow/tfjs";

/**
 * Fused kernels (one kernel forward, one backward) for linear layers (bias inside the GEMM), causal
 * self-attention on the packed qkv projection, layer norm, RMSNorm, exact GELU and the next-byte
 * cross-entropy. src/wasm registers them when bytelab's native kernels run (src/wasm/native-kernels.ts);
 * on any other backend, or without the addon, these return null and the callers run their composite ops.
 * Both compute the same function (tested against the cpu backend, gradients by finite differences).
 * Kernel names are strings here so this layer does not load the wasm package.
 */
const NORM = "BytelabNorm";
const NORM_GRAD = "BytelabNormGrad";
const GELU = "BytelabGelu";
const GELU_GRAD = "BytelabGeluGrad";
const CROSS_ENTROPY = "BytelabCrossEntropy";
const CROSS_ENTROPY_GRAD = "BytelabCrossEntropyGrad";
const LINEAR = "BytelabLinear";
const LINEAR_GRAD = "BytelabLinearGrad";
const ATTENTION_PACKED = "BytelabCausalAttentionPacked";
const ATTENTION_PACKED_GRAD = "BytelabCausalAttentionPackedGrad";
const ROTARY = "BytelabRotary";
const ROTARY_GRAD = "BytelabRotaryGrad";
const SWIGLU = "BytelabSwiGLU";
const SWIGLU_GRAD = "BytelabSwiGLUGrad";

function registered(forward: string, backward: string): boolean {
  const backend = tf.getBackend();
  return Boolean(tf.getKernel(forward, backend) && tf.getKernel(backward, backend));
}

/** Whether the current backend runs the fused norm / GELU / cross-entropy kernels. */
export function fusedKernelsAvailable(): boolean {
  return (
    registered(NORM, NORM_GRAD) &&
    registered(GELU, GELU_GRAD) &&
    registered(CROSS_ENTROPY, CROSS_ENTROPY_GRAD)
  );
}

/**
 * LayerNorm (kind 0: (x - mean) rstd w + b), RMSNorm (kind 1: x rstd w, rstd = 1 / sqrt(mean(x^2) + eps))
 * or MEGABYTE's clamped RMSNorm (kind 2: x w / max(||x|| / sqrt(D), eps)) over the last axis as one
 * kernel, or null when not available for these inputs. weight (and bias): D values.
 */
export function fusedNorm(
  x: tf.Tensor,
  weight: tf.Tensor,
  bias: tf.Tensor | undefined,
  eps: number,
  kind: 0 | 1 | 2,
): tf.Tensor | null {
  const d = x.shape[x.rank - 1];
  if (
    x.rank < 1 ||
    x.dtype !== "float32" ||
    weight.size !== d ||
    (bias && bias.size !== d) ||
    !registered(NORM, NORM_GRAD)
  )
    return null;
  const hasBias = bias !== undefined;
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const [xi, wi, bi] = args as tf.Tensor[];
    const inputs: tf.NamedTensorMap = hasBias ? { x: xi!, w: wi!, b: bi! } : { x: xi!, w: wi! };
    const [y, mean, rstd] = tf.engine().runKernel(NORM, inputs, { eps, kind }) as tf.Tensor[];
    save([xi!, wi!, mean!, rstd!]);
    return {
      value: y!,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sw, sm, sr] = saved;
        const grads = tf
          .engine()
          .runKernel(
            NORM_GRAD,
            { x: sx!, w: sw!, mean: sm!, rstd: sr!, dy },
            { eps, kind, hasBias },
          ) as tf.Tensor[];
        // dw (and db) come back with the weight's shape.
        return grads;
      },
    };
  });
  return hasBias ? f(x, weight, bias!) : f(x, weight);
}

/** Exact GELU as one kernel, or null when not available. */
export function fusedGelu(x: tf.Tensor): tf.Tensor | null {
  if (x.dtype !== "float32" || !registered(GELU, GELU_GRAD)) return null;
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const xi = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    save([xi]);
    return {
      value: tf.engine().runKernel(GELU, { x: xi }) as tf.Tensor,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.engine().runKernel(GELU_GRAD, { x: saved[0]!, dy }) as tf.Tensor,
    };
  });
  return f(x);
}

/**
 * Mean next-byte cross-entropy (nats) as one kernel: logits [..., V] float32, targets [...] int32. The
 * gradient is (softmax - onehot) * dy / rows, recomputed from the logits. Null when not available.
 */
export function fusedCrossEntropy(logits: tf.Tensor, targets: tf.Tensor): tf.Scalar | null {
  if (logits.dtype !== "float32" || !registered(CROSS_ENTROPY, CROSS_ENTROPY_GRAD)) return null;
  const ids = targets.dtype === "int32" ? targets : targets.toInt();
  try {
    const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const li = args[0] as tf.Tensor;
      const save = args[1] as tf.GradSaveFunc;
      save([li, ids]);
      return {
        value: tf.engine().runKernel(CROSS_ENTROPY, { logits: li, targets: ids }) as tf.Scalar,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
          tf
            .engine()
            .runKernel(CROSS_ENTROPY_GRAD, { logits: saved[0]!, targets: saved[1]!, dy }) as tf.Tensor,
      };
    });
    return f(logits) as tf.Scalar;
  } finally {
    if (ids !== targets) ids.dispose();
  }
}

/**
 * y = x W^T + b as one kernel (x [..., in], W [out, in], b [out] optional); the gradient is one kernel
 * too (dx, dW and db together). Null when not available.
 */
export function fusedLinear(x: tf.Tensor, weight: tf.Tensor, bias?: tf.Tensor): tf.Tensor | null {
  if (
    x.dtype !== "float32" ||
    weight.dtype !== "float32" ||
    weight.rank !== 2 ||
    x.rank < 1 ||
    x.shape[x.rank - 1] !== weight.shape[1] ||
    (bias && (bias.dtype !== "float32" || bias.size !== weight.shape[0])) ||
    !registered(LINEAR, LINEAR_GRAD)
  )
    return null;
  const hasBias = bias !== undefined;
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const [xi, wi, bi] = args as tf.Tensor[];
    save([xi!, wi!]);
    const inputs: tf.NamedTensorMap = hasBias ? { x: xi!, w: wi!, b: bi! } : { x: xi!, w: wi! };
    return {
      value: tf.engine().runKernel(LINEAR, inputs) as tf.Tensor,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const grads = tf
          .engine()
          .runKernel(LINEAR_GRAD, { x: saved[0]!, w: saved[1]!, dy }, { hasBias }) as tf.Tensor[];
        // db comes back as [out]; hand it back in the bias's own shape.
        if (hasBias && grads[2] && bias && grads[2].shape.join() !== bias.shape.join())
          grads[2] = grads[2].reshape(bias.shape);
        return grads;
      },
    };
  });
  return hasBias ? f(x, weight, bias!) : f(x, weight);
}

/**
 * Causal self-attention on the packed projection qkv [B, T, 3 * heads * Dh] (q, k, v side by side, as a
 * `c_attn` layer outputs them) -> [B, T, heads * Dh] with heads merged, as one kernel each way (no split,
 * head transposes or merge). Null when not available (the caller splits heads and runs causalAttention).
 */
export function fusedCausalSelfAttention(qkv: tf.Tensor3D, heads: number, scale: number): tf.Tensor3D | null {
  if (
    qkv.dtype !== "float32" ||
    qkv.shape[2] % (3 * heads) !== 0 ||
    !registered(ATTENTION_PACKED, ATTENTION_PACKED_GRAD)
  )
    return null;
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const xi = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    const [out, pT] = tf.engine().runKernel(ATTENTION_PACKED, { qkv: xi }, { heads, scale }) as tf.Tensor[];
    save([xi, pT!]);
    return {
      value: out!,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf
          .engine()
          .runKernel(
            ATTENTION_PACKED_GRAD,
            { qkv: saved[0]!, pT: saved[1]!, dy },
            { heads, scale },
          ) as tf.Tensor,
    };
  });
  return f(qkv) as tf.Tensor3D;
}

/**
 * Rotary embedding (src/layers/rotary.ts's convention) as one kernel each way: x [..., T, Dh], cos / sin
 * [T, rd/2] (constants: no gradient flows to them). Null when not available.
 */
export function fusedRotary(x: tf.Tensor, cos: tf.Tensor2D, sin: tf.Tensor2D): tf.Tensor | null {
  if (x.dtype !== "float32" || cos.dtype !== "float32" || x.rank < 2 || !registered(ROTARY, ROTARY_GRAD))
    return null;
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const xi = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    save([cos, sin]); // the tables may be disposed before the backward pass runs
    return {
      value: tf.engine().runKernel(ROTARY, { x: xi, cos, sin }) as tf.Tensor,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.engine().runKernel(ROTARY_GRAD, { x: dy, cos: saved[0]!, sin: saved[1]! }) as tf.Tensor,
    };
  });
  return f(x);
}

/**
 * SwiGLU on packed halves as one kernel each way: h [..., 2H] -> silu(gate) * up [..., H], where the gate
 * is the first half (gateFirst) or the second. Null when not available.
 */
export function fusedSwiGLU(h: tf.Tensor, gateFirst: boolean): tf.Tensor | null {
  if (
    h.dtype !== "float32" ||
    h.rank < 1 ||
    h.shape[h.rank - 1]! % 2 !== 0 ||
    !registered(SWIGLU, SWIGLU_GRAD)
  )
    return null;
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const hi = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    save([hi]);
    return {
      value: tf.engine().runKernel(SWIGLU, { h: hi }, { gateFirst }) as tf.Tensor,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.engine().runKernel(SWIGLU_GRAD, { h: saved[0]!, dy }, { gateFirst }) as tf.Tensor,
    };
  });
  return f(h);
}
