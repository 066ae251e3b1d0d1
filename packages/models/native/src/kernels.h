/*
 * bytelab's native CPU kernels. Every pointer is into one float32 / int32 heap (the wasm backend's memory);
 * the caller has checked bounds. Work is split into tasks whose boundaries depend only on the shapes, never
 * on the thread count, so results are bit-identical for any number of threads.
 */
#ifndef BYTELAB_KERNELS_H
#define BYTELAB_KERNELS_H

#include <stdint.h>

/* C[z] = alpha op(A[z]) op(B[z]) + beta C[z], row-major, z < batch; strides in floats (0 broadcasts). */
void k_gemm(const float *a, const float *b, float *c, long batch, long m, long n, long k, int trans_a,
            int trans_b, long stride_a, long stride_b, long stride_c, float alpha, float beta);

/* y [rows, out] = x [rows, in] w^T + b, w: [out, in] (PyTorch's nn.Linear); b may be NULL. */
void k_linear_forward(const float *x, const float *w, const float *b, float *y, long rows, long in, long out);
/* dx = dy w, dw = dy^T x, db = column sums of dy (db may be NULL). */
void k_linear_backward(const float *x, const float *w, const float *dy, float *dx, float *dw, float *db,
                       long rows, long in, long out);

/* Strides (in floats) of a [B, H, T, Dh] view: batch, head, row (the last axis is contiguous). */
typedef struct {
  long b, h, t;
} layout4;

/*
 * Causal softmax attention over B*H slices of T rows: out = softmax(scale q k^T + causal mask) v.
 * q, k, v use layout `in`, out uses `outl`. pT receives P transposed, [B*H, T, T] contiguous (zeros below
 * the diagonal, i.e. key j > query i).
 */
void k_attention_forward(const float *q, const float *k, const float *v, float *out, float *pT, long B, long H,
                         long T, long Dh, layout4 in, layout4 outl, float scale);
/* Gradient of k_attention_forward: dy in layout `outl`; dq, dk, dv (written, not accumulated) in `in`. */
void k_attention_backward(const float *q, const float *k, const float *v, const float *pT, const float *dy,
                          float *dq, float *dk, float *dv, long B, long H, long T, long Dh, layout4 in,
                          layout4 outl, float scale);

/*
 * Norms over the last axis of x [rows, cols]. kind 0: LayerNorm y = (x - mean) rstd w + b (biased variance);
 * kind 1: RMSNorm y = x rstd w with rstd = 1 / sqrt(mean(x^2) + eps); kind 2: clamped RMSNorm (MEGABYTE)
 * y = x w / max(||x|| / sqrt(cols), eps). b may be NULL. `mean` receives the mean (kind 0) or the norm
 * (kind 2; NULL allowed for kind 1); rstd always.
 */
void k_norm_forward(const float *x, const float *w, const float *b, float *y, float *mean, float *rstd,
                    long rows, long cols, float eps, int kind);
/* dx (written), dw and db (written; db may be NULL) from dy and the forward's saved mean / rstd. */
void k_norm_backward(const float *x, const float *w, const float *mean, const float *rstd, const float *dy,
                     float *dx, float *dw, float *db, long rows, long cols, float eps, int kind);

/*
 * Rotary embedding on x [rows, T, Dh] (non-interleaved halves on the first 2 * half channels, the rest
 * passes): y1 = x1 cos - x2 sin, y2 = x1 sin + x2 cos with cos / sin [T, half]; inverse rotates by -angle
 * (the gradient).
 */
void k_rotary(const float *x, const float *cos_t, const float *sin_t, float *y, long rows, long T, long Dh,
              long half, int inverse);

/* SwiGLU on packed halves h [rows, 2H] (gate first, or second): out = silu(gate) * up; and its gradient. */
void k_swiglu_forward(const float *h, float *out, long rows, long H, int gate_first);
void k_swiglu_backward(const float *h, const float *dy, float *dh, long rows, long H, int gate_first);

/* Exact GELU 0.5 x (1 + erf(x / sqrt 2)) and its gradient dx = dy (Phi(x) + x phi(x)). */
void k_gelu_forward(const float *x, float *y, long n);
void k_gelu_backward(const float *x, const float *dy, float *dx, long n);

/* Mean over rows of -log softmax(logits[r])[target[r]]; returns it in double. */
double k_cross_entropy(const float *logits, const int32_t *targets, long rows, long vocab);
/* dlogits = (softmax(logits) - onehot(target)) * scale. */
void k_cross_entropy_backward(const float *logits, const int32_t *targets, float *dlogits, long rows,
                              long vocab, float scale);

/* One parameter's slot in the fused optimizer (float32 constants rounded once from doubles, as TF.js does). */
typedef struct {
  float *p, *m, *v;
  const float *g;
  long n;
  float step;  /* lr_i / (1 - beta1^t) */
  float decay; /* 1 - lr_i * weight_decay */
  int decays;  /* whether decoupled weight decay applies */
} adam_param;

typedef struct {
  float beta1, one_minus_beta1, beta2, one_minus_beta2, sqrt_bc2, eps, grad_scale;
  int grad_scale_on; /* gradients multiplied by grad_scale first (a clip factor != 1) */
} adam_hyper;

/* sum over tensors of sum(g^2), in double, in a fixed order. */
double k_sum_squares(const float *const *g, const long *n, long count);
/*
 * AdamW over every parameter in one pass, in place, bit-identical to packages/train/src/optim/adamw.ts's
 * TF.js ops (see optim.c):
 *   g = grad * grad_scale; m = m b1 + g (1-b1); v = v b2 + g^2 (1-b2);
 *   p = p decay - (m / (sqrt(v) / sqrt_bc2 + eps)) step
 */
void k_adamw(const adam_param *params, long count, adam_hyper hyper);

/*
 * Copies a view of 4-byte elements: dst[sum i_d dst_strides[d]] = src[sum i_d src_strides[d]] over every
 * index of `shape` (rank <= 12; strides in elements; a source stride 0 repeats). Transpose, concat, split,
 * slice and tile are all such copies.
 */
void k_copy(const void *src, void *dst, int rank, const long *shape, const long *src_strides,
            const long *dst_strides);

#endif
