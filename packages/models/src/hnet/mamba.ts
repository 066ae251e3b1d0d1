import * as tf from "@tensorflow/tfjs";
import { linear, silu } from "../layers";
import type { ParamStore } from "../params";

/** Mamba-2 sizes of one level (mamba_ssm.Mamba2 with HNet's ssm_cfg; d_ssm = d_inner, no MLP split). */
export interface MambaShape {
  dModel: number;
  /** d_inner = expand * d_model. */
  dInner: number;
  /** Heads = d_inner / headdim. */
  heads: number;
  headdim: number;
  dState: number;
  ngroups: number;
  dConv: number;
  normEps: number;
}

export function mambaShape(
  dModel: number,
  ssm: { expand: number; headdim: number; d_state: number; ngroups: number; d_conv: number },
  normEps: number,
): MambaShape {
  const dInner = ssm.expand * dModel;
  if (dInner % ssm.headdim !== 0)
    throw new Error(
      `hnet: Mamba-2 d_inner = expand * d_model = ${dInner} is not divisible by ssm_cfg.headdim ${ssm.headdim}`,
    );
  const heads = dInner / ssm.headdim;
  if (heads % ssm.ngroups !== 0)
    throw new Error(`hnet: Mamba-2 heads ${heads} are not divisible by ssm_cfg.ngroups ${ssm.ngroups}`);
  return {
    dModel,
    dInner,
    heads,
    headdim: ssm.headdim,
    dState: ssm.d_state,
    ngroups: ssm.ngroups,
    dConv: ssm.d_conv,
    normEps,
  };
}

/**
 * Creates `${p}.{dt_bias, A_log, D, in_proj.weight, conv1d.weight, conv1d.bias, norm.weight, out_proj.weight}`
 * (state_dict order) with mamba_ssm's init: dt = exp(U(log 1e-3, log 1e-1)) floored at 1e-4 and stored as
 * softplus^-1(dt), A = U(1, 16) stored as log, D = 1, conv1d PyTorch's default U(+-1/sqrt(d_conv)),
 * norm 1, in_proj / out_proj normal as every HNet Linear (out_proj with the residual-scaled std).
 */
export function createMambaParams(
  params: ParamStore,
  p: string,
  s: MambaShape,
  init: { std: number; outStd: number },
): void {
  const convDim = s.dInner + 2 * s.ngroups * s.dState;
  const inProj = 2 * s.dInner + 2 * s.ngroups * s.dState + s.heads;
  const dtBias = params.create(`${p}.dt_bias`, [s.heads], { kind: "uniform", limit: 1 });
  const aLog = params.create(`${p}.A_log`, [s.heads], { kind: "uniform", limit: 1 });
  tf.tidy(() => {
    // Map the seeded U(-1, 1) draws to mamba_ssm's distributions.
    const u01 = dtBias.add(1).div(2);
    const dt = u01
      .mul(Math.log(0.1) - Math.log(0.001))
      .add(Math.log(0.001))
      .exp()
      .maximum(1e-4);
    dtBias.assign(dt.add(tf.log(tf.scalar(1).sub(tf.exp(dt.neg()))))); // softplus^-1(dt) = dt + log(1 - e^-dt)
    aLog.assign(aLog.add(1).div(2).mul(15).add(1).log());
  });
  params.create(`${p}.D`, [s.heads], { kind: "ones" });
  params.create(`${p}.in_proj.weight`, [inProj, s.dModel], { kind: "normal", std: init.std });
  const bound = 1 / Math.sqrt(s.dConv);
  params.create(`${p}.conv1d.weight`, [convDim, 1, s.dConv], { kind: "uniform", limit: bound });
  params.create(`${p}.conv1d.bias`, [convDim], { kind: "uniform", limit: bound });
  params.create(`${p}.norm.weight`, [s.dInner], { kind: "ones" });
  params.create(`${p}.out_proj.weight`, [s.dModel, s.dInner], { kind: "normal", std: init.outStd });
}

/** Causal depthwise conv1d with bias: out[t, c] = bias[c] + sum_i w[c, 0, i] x[t - (k-1) + i, c]. x: [B, T, C]. */
function causalDepthwiseConv(x: tf.Tensor3D, weight: tf.Tensor, bias: tf.Tensor): tf.Tensor3D {
  const [b, t, c] = x.shape;
  const k = weight.shape[2]!;
  const w = weight.reshape([c, k]); // [C, k]
  const padded = x.pad([
    [0, 0],
    [k - 1, 0],
    [0, 0],
  ]); // [B, T+k-1, C]
  let out: tf.Tensor = bias; // [C], broadcast
  for (let i = 0; i < k; i++) {
    const tap = w.slice([0, i], [c, 1]).reshape([c]); // [C]
    out = padded.slice([0, i, 0], [b, t, c]).mul(tap).add(out);
  }
  return out as tf.Tensor3D;
}

/**
 * Mamba-2 mixer (mamba_ssm.Mamba2, fixture note 12). x: [B, T, D] -> [B, T, D].
 *   in_proj -> [z | xBC | dt]; xBC -> causal depthwise conv -> SiLU -> [x | B | C];
 *   dt = softplus(dt + dt_bias), A = -exp(A_log);
 *   per head h: S_t = exp(dt_t A_h) S_{t-1} + dt_t x_t B_t^T, y_t = S_t C_t + D_h x_t;
 *   y = norm.weight * RMSNorm(y * silu(z)) (per group), out_proj.
 *
 * The scan is evaluated in its quadratic ("SSD") form, like attention:
 *   y_t = sum_{s<=t} (C_t . B_s) exp(sum_{r=s+1..t} dt_r A) dt_s x_s,
 * with the decay exponents as segment sums computed by one cumsum per column over a strictly-lower masked
 * [T, T] matrix (the stable "segsum"), so no large cumulative sums are subtracted (the difference of two
 * float32 prefix sums would lose ~ulp(sum_t dt A) ~ 1e-4 after a few hundred steps). Memory is O(B H T^2),
 * the same order as the dense attention of the 'T' blocks. It is causal, so rows padded at the end are safe.
 */
export function mamba2Mixer(params: ParamStore, p: string, s: MambaShape, x: tf.Tensor3D): tf.Tensor3D {
  const [b, t] = x.shape;
  const { dInner, heads, headdim, dState, ngroups } = s;
  const gn = ngroups * dState;
  const proj = linear(x, params.get(`${p}.in_proj.weight`)); // [B, T, 2 di + 2 G N + H]
  const [z, xBC, dtRaw] = tf.split(proj, [dInner, dInner + 2 * gn, heads], -1) as [
    tf.Tensor,
    tf.Tensor,
    tf.Tensor,
  ];
  const conv = silu(
    causalDepthwiseConv(xBC as tf.Tensor3D, params.get(`${p}.conv1d.weight`), params.get(`${p}.conv1d.bias`)),
  ); // [B, T, di + 2GN]
  const [xs, Bm, Cm] = tf.split(conv, [dInner, gn, gn], -1) as [tf.Tensor, tf.Tensor, tf.Tensor];

  const dt = tf.softplus(dtRaw.add(params.get(`${p}.dt_bias`))); // [B, T, H]
  const A = params.get(`${p}.A_log`).exp().neg(); // [H]
  const decay = dt.mul(A).transpose([0, 2, 1]); // [B, H, T]: dt_t A_h

  // segsum[b, h, t, s] = sum_{r=s+1..t} decay[r] for t >= s: cumsum over t of decay[t] masked to t > s.
  const strictLower = tf.linalg.bandPart(tf.ones([t, t]), -1, 0).sub(tf.eye(t)); // [T, T]: 1 where t > s
  const lower = tf.linalg.bandPart(tf.ones([t, t]), -1, 0); // [T, T]: 1 where t >= s
  const segsum = tf.cumsum(decay.expandDims(-1).mul(strictLower), 2); // [B, H, T, T]
  const L = segsum.exp().mul(lower); // [B, H, T, T]: exp(segsum) on and below the diagonal, 0 above

  const headsPerGroup = heads / ngroups;
  const Bg = Bm.reshape([b, t, ngroups, dState]).transpose([0, 2, 1, 3]); // [B, G, T, N]
  const Cg = Cm.reshape([b, t, ngroups, dState]).transpose([0, 2, 1, 3]); // [B, G, T, N]
  const CB = tf.matMul(Cg, Bg, false, true); // [B, G, T, T]: C_t . B_s
  // Head h reads group floor(h / (H/G)); broadcasting (not tile, whose rank-5 gradient TF.js lacks).
  const weights =
    ngroups === 1
      ? CB.mul(L) // [B, 1, T, T] * [B, H, T, T]
      : L.reshape([b, ngroups, headsPerGroup, t, t]).mul(CB.expandDims(2)).reshape([b, heads, t, t]); // [B, H, T, T]
  const xh = xs.reshape([b, t, heads, headdim]); // [B, T, H, P]
  const u = xh.mul(dt.expandDims(-1)).transpose([0, 2, 1, 3]); // [B, H, T, P]: dt_s x_s
  const ySsm = tf.matMul(weights, u).transpose([0, 2, 1, 3]); // [B, T, H, P]
  const y = ySsm.add(xh.mul(params.get(`${p}.D`).reshape([heads, 1]))).reshape([b, t, dInner]); // [B, T, di]

  // Gated RMSNorm (norm_before_gate = False), per group of di / G channels.
  const gated = y.mul(silu(z)).reshape([b, t, ngroups, dInner / ngroups]); // [B, T, G, di/G]
  const normed = gated
    .mul(gated.square().mean(-1, true).add(s.normEps).rsqrt())
    .reshape([b, t, dInner])
    .mul(params.get(`${p}.norm.weight`)); // [B, T, di]
  return linear(normed, params.get(`${p}.out_proj.weight`)) as tf.Tensor3D; // [B, T, D]
}
