/*
 * The optimizer's passes over every parameter (see kernels.h). AdamW here is bit-identical to bytelab's
 * TF.js AdamW (packages/train/src/optim/adamw.ts) on any backend with IEEE float32 ops: the same operations
 * in the same order, each rounded to float32, and no fused multiply-add contraction. The trainer can then
 * take either path at any step (e.g. when a parameter's data is shared) and a resumed run still repeats
 * an uninterrupted one exactly.
 */
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include <math.h>
#include <stdlib.h>

#include "kernels.h"
#include "pool.h"

#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define OPT_CHUNK 32768

typedef struct {
  long param, start, end;
} span;

/* Fixed-size pieces of every tensor, in order (independent of the thread count). Caller frees. */
static span *spans_of(const long *n, long count, long *out_count) {
  long total = 0;
  for (long i = 0; i < count; i++) total += (n[i] + OPT_CHUNK - 1) / OPT_CHUNK;
  span *s = (span *)malloc((size_t)(total ? total : 1) * sizeof(span));
  long k = 0;
  for (long i = 0; i < count; i++)
    for (long a = 0; a < n[i]; a += OPT_CHUNK) s[k++] = (span){i, a, MIN(n[i], a + OPT_CHUNK)};
  *out_count = total;
  return s;
}

typedef struct {
  const float *const *g;
  const span *spans;
  double *part;
  const adam_param *params;
  adam_hyper h;
} opt_job;

static void sumsq_task(void *ctx, long t) {
  const opt_job *j = (const opt_job *)ctx;
  span s = j->spans[t];
  const float *g = j->g[s.param];
  double acc = 0.0;
  for (long i = s.start; i < s.end; i++) acc += (double)g[i] * g[i];
  j->part[t] = acc;
}

double k_sum_squares(const float *const *g, const long *n, long count) {
  long nspans;
  span *spans = spans_of(n, count, &nspans);
  double *part = (double *)malloc((size_t)(nspans ? nspans : 1) * sizeof(double));
  opt_job j = {.g = g, .spans = spans, .part = part};
  parallel_for(nspans, sumsq_task, &j);
  double sum = 0.0;
  for (long t = 0; t < nspans; t++) sum += part[t];
  free(part);
  free(spans);
  return sum;
}

static void adamw_task(void *ctx, long t) {
  const opt_job *j = (const opt_job *)ctx;
  span s = j->spans[t];
  const adam_param *q = &j->params[s.param];
  const adam_hyper h = j->h;
  const float step = q->step, decay = q->decay;
  const int decays = q->decays;
  for (long i = s.start; i < s.end; i++) {
    float g = h.grad_scale_on ? q->g[i] * h.grad_scale : q->g[i];
    /* m = m b1 + g (1 - b1); v = v b2 + g^2 (1 - b2) */
    float m = q->m[i] * h.beta1 + g * h.one_minus_beta1;
    float v = q->v[i] * h.beta2 + (g * g) * h.one_minus_beta2;
    q->m[i] = m;
    q->v[i] = v;
    /* p = (p decay) - (m / (sqrt(v) / sqrt_bc2 + eps)) step */
    float w = decays ? q->p[i] * decay : q->p[i];
    float denom = sqrtf(v) / h.sqrt_bc2 + h.eps;
    q->p[i] = w - (m / denom) * step;
  }
}

void k_adamw(const adam_param *params, long count, adam_hyper hyper) {
  long *n = (long *)malloc((size_t)(count ? count : 1) * sizeof(long));
  for (long i = 0; i < count; i++) n[i] = params[i].n;
  long nspans;
  span *spans = spans_of(n, count, &nspans);
  opt_job j = {.spans = spans, .params = params, .h = hyper};
  parallel_for(nspans, adamw_task, &j);
  free(spans);
  free(n);
}
