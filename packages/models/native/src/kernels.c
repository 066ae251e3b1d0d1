#include "kernels.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "blas.h"
#include "pool.h"
#include "vmath.h"

#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* Per-thread scratch that grows as needed (attention's T x T tiles), so no kernel call allocates. */
static __thread float *scratch_buf = NULL;
static __thread size_t scratch_cap = 0;

static float *scratch(size_t floats) {
  if (floats > scratch_cap) {
    free(scratch_buf);
    scratch_buf = (float *)malloc(floats * sizeof(float));
    scratch_cap = scratch_buf ? floats : 0;
  }
  return scratch_buf;
}

static void sgemm(int ta, int tb, long m, long n, long k, float alpha, const float *a, long lda, const float *b,
                  long ldb, float beta, float *c, long ldc) {
  if (m <= 0 || n <= 0) return;
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (blasint)m,
              (blasint)n, (blasint)k, alpha, a, (blasint)lda, b, (blasint)ldb, beta, c, (blasint)ldc);
}

/* ---------------------------------------------------------------------------------------------- GEMM */

typedef struct {
  const float *a, *b;
  float *c;
  long m, n, k, sa, sb, sc, chunks, chunk;
  int ta, tb, split_m;
  float alpha, beta;
  const float *bias; /* optional: C starts as this row (n values) on every row, then beta = 1 */
} gemm_job;

static void gemm_task(void *ctx, long t) {
  const gemm_job *j = (const gemm_job *)ctx;
  long z = t / j->chunks, ci = t % j->chunks;
  const float *a = j->a + z * j->sa;
  const float *b = j->b + z * j->sb;
  float *c = j->c + z * j->sc;
  long lda = j->ta ? j->m : j->k; /* A stored [m, k], or [k, m] when transposed */
  long ldb = j->tb ? j->k : j->n; /* B stored [k, n], or [n, k] when transposed */
  long m = j->m, n = j->n, col0 = 0;
  if (j->chunks > 1) {
    long lo = ci * j->chunk;
    if (j->split_m) {
      m = MIN(j->m, lo + j->chunk) - lo;
      a += j->ta ? lo : lo * lda;
      c += lo * j->n;
    } else {
      n = MIN(j->n, lo + j->chunk) - lo;
      b += j->tb ? lo * ldb : lo;
      c += lo;
      col0 = lo;
    }
  }
  float beta = j->beta;
  if (j->bias) {
    for (long r = 0; r < m; r++) memcpy(c + r * j->n, j->bias + col0, (size_t)n * sizeof(float));
    beta = 1.0f;
  }
  sgemm(j->ta, j->tb, m, n, j->k, j->alpha, a, lda, b, ldb, beta, c, j->n);
}

typedef struct {
  const gemm_job *g;
  float *part;
  long kc, pieces;
} ksplit_job;

/* Piece p of a K-split product: part[p] = alpha op(A)[:, k0:k1] op(B)[k0:k1, :]. */
static void gemm_ksplit_task(void *ctx, long p) {
  const ksplit_job *s = (const ksplit_job *)ctx;
  const gemm_job *j = s->g;
  long k0 = p * s->kc, k1 = MIN(j->k, k0 + s->kc);
  long lda = j->ta ? j->m : j->k, ldb = j->tb ? j->k : j->n;
  const float *a = j->a + (j->ta ? k0 * lda : k0); /* op(A) columns k0.. : rows of A when transposed */
  const float *b = j->b + (j->tb ? k0 : k0 * ldb);
  sgemm(j->ta, j->tb, j->m, j->n, k1 - k0, j->alpha, a, lda, b, ldb, 0.0f, s->part + p * j->m * j->n, j->n);
}

static void gemm_run(const float *a, const float *b, float *c, long batch, long m, long n, long k, int trans_a,
                     int trans_b, long stride_a, long stride_b, long stride_c, float alpha, float beta,
                     const float *bias) {
  gemm_job j = {a, b, c, m, n, k, stride_a, stride_b, stride_c, 1, 0, trans_a, trans_b, 1, alpha, beta, bias};
  double flops = 2.0 * (double)m * (double)n * (double)k;
  /*
   * Split one product along its longer side into chunks of >= 256 rows / columns (each chunk repacks the
   * other operand, so chunks stay large), at most 8. Boundaries depend on the shape only.
   */
  if (batch < 4 && flops >= 4e6) {
    long big = MAX(m, n);
    long chunk = MAX(256, (((big + 7) / 8) + 15) / 16 * 16);
    if (big >= 2 * chunk || big >= 512) {
      if (big < 2 * chunk) chunk = ((big + 1) / 2 + 15) / 16 * 16;
      j.split_m = m >= n;
      j.chunk = chunk;
      j.chunks = (big + chunk - 1) / chunk;
    }
  }
  /*
   * A small output with a long inner dimension (a weight gradient dW = dy^T x: out x in over every row):
   * split K instead, into fixed pieces of >= 512 whose partial products are summed in order afterwards.
   */
  if (j.chunks == 1 && batch == 1 && beta == 0.0f && !bias && k >= 1024 && flops >= 8e6) {
    long pieces = MIN(8, k / 512);
    long kc = ((k + pieces - 1) / pieces + 15) / 16 * 16;
    pieces = (k + kc - 1) / kc;
    float *part = (float *)malloc((size_t)pieces * m * n * sizeof(float));
    if (part) {
      ksplit_job ks = {&j, part, kc, pieces};
      parallel_for(pieces, gemm_ksplit_task, &ks);
      for (long i = 0; i < m * n; i++) {
        float acc = part[i];
        for (long p = 1; p < pieces; p++) acc += part[p * m * n + i];
        c[i] = acc;
      }
      free(part);
      return;
    }
  }
  long tasks = batch * j.chunks;
  if (flops * (double)batch < 2e5) {
    for (long t = 0; t < tasks; t++) gemm_task(&j, t);
  } else {
    parallel_for(tasks, gemm_task, &j);
  }
}

void k_gemm(const float *a, const float *b, float *c, long batch, long m, long n, long k, int trans_a,
            int trans_b, long stride_a, long stride_b, long stride_c, float alpha, float beta) {
  gemm_run(a, b, c, batch, m, n, k, trans_a, trans_b, stride_a, stride_b, stride_c, alpha, beta, NULL);
}

/* ------------------------------------------------------------------------------------------ linear */

void k_linear_forward(const float *x, const float *w, const float *b, float *y, long rows, long in, long out) {
  /* y [rows, out] = x [rows, in] w^T (w: [out, in]) (+ b) */
  gemm_run(x, w, y, 1, rows, out, in, 0, 1, 0, 0, 0, 1.0f, 0.0f, b);
}

#define COLSUM_COLS 64

typedef struct {
  const float *dy;
  float *db;
  long rows, cols;
} colsum_job;

static void colsum_task(void *ctx, long t) {
  const colsum_job *j = (const colsum_job *)ctx;
  long c0 = t * COLSUM_COLS, c1 = MIN(j->cols, c0 + COLSUM_COLS), w = c1 - c0;
  double acc[COLSUM_COLS];
  for (long i = 0; i < w; i++) acc[i] = 0.0;
  for (long r = 0; r < j->rows; r++) {
    const float *row = j->dy + r * j->cols + c0;
    for (long i = 0; i < w; i++) acc[i] += row[i];
  }
  for (long i = 0; i < w; i++) j->db[c0 + i] = (float)acc[i];
}

void k_linear_backward(const float *x, const float *w, const float *dy, float *dx, float *dw, float *db,
                       long rows, long in, long out) {
  /* dx [rows, in] = dy [rows, out] w [out, in]; dw [out, in] = dy^T x; db = column sums of dy */
  gemm_run(dy, w, dx, 1, rows, in, out, 0, 0, 0, 0, 0, 1.0f, 0.0f, NULL);
  gemm_run(dy, x, dw, 1, out, in, rows, 1, 0, 0, 0, 0, 1.0f, 0.0f, NULL);
  if (db) {
    colsum_job j = {dy, db, rows, out};
    parallel_for((out + COLSUM_COLS - 1) / COLSUM_COLS, colsum_task, &j);
  }
}

/* ----------------------------------------------------------------------------------------- attention */

/* Causal blocks: query block [i0, i1) only meets keys [0, i1). */
#define ATT_BLOCK 64

typedef struct {
  const float *q, *k, *v, *pT, *dy;
  float *out, *pTw, *dq, *dk, *dv;
  long B, H, T, Dh;
  layout4 in, outl;
  float scale;
} attn_job;

static void attn_forward_task(void *ctx, long z) {
  const attn_job *j = (const attn_job *)ctx;
  long b = z / j->H, h = z % j->H, T = j->T, Dh = j->Dh;
  const float *qs = j->q + b * j->in.b + h * j->in.h;
  const float *ks = j->k + b * j->in.b + h * j->in.h;
  const float *vs = j->v + b * j->in.b + h * j->in.h;
  float *os = j->out + b * j->outl.b + h * j->outl.h;
  float *P = j->pTw + z * T * T; /* P^T: row j = key, column i = query */
  long ld = j->in.t;
  /* S^T = scale k q^T, column block by column block (causal: keys < i1 only). */
  for (long i0 = 0; i0 < T; i0 += ATT_BLOCK) {
    long i1 = MIN(T, i0 + ATT_BLOCK);
    sgemm(0, 1, i1, i1 - i0, Dh, j->scale, ks, ld, qs + i0 * ld, ld, 0.0f, P + i0, T);
  }
  /* Softmax down each column i over keys j <= i; zeros where j > i. */
  float *m = scratch(2 * (size_t)T);
  float *s = m + T;
  for (long i = 0; i < T; i++) {
    m[i] = -INFINITY;
    s[i] = 0.0f;
  }
  for (long r = 0; r < T; r++) {
    const float *row = P + r * T;
    for (long i = r; i < T; i++) m[i] = row[i] > m[i] ? row[i] : m[i];
  }
  for (long r = 0; r < T; r++) {
    float *row = P + r * T;
    memset(row, 0, (size_t)r * sizeof(float));
    for (long i = r; i < T; i++) {
      float e = vexp(row[i] - m[i]);
      row[i] = e;
      s[i] += e;
    }
  }
  for (long i = 0; i < T; i++) s[i] = 1.0f / s[i];
  for (long r = 0; r < T; r++) {
    float *row = P + r * T;
    for (long i = r; i < T; i++) row[i] *= s[i];
  }
  /* out[i0:i1] = (P^T[0:i1, i0:i1])^T v[0:i1] */
  for (long i0 = 0; i0 < T; i0 += ATT_BLOCK) {
    long i1 = MIN(T, i0 + ATT_BLOCK);
    sgemm(1, 0, i1 - i0, Dh, i1, 1.0f, P + i0, T, vs, ld, 0.0f, os + i0 * j->outl.t, j->outl.t);
  }
}

void k_attention_forward(const float *q, const float *k, const float *v, float *out, float *pT, long B, long H,
                         long T, long Dh, layout4 in, layout4 outl, float scale) {
  attn_job j = {q, k, v, NULL, NULL, out, pT, NULL, NULL, NULL, B, H, T, Dh, in, outl, scale};
  parallel_for(B * H, attn_forward_task, &j);
}

static void attn_backward_task(void *ctx, long z) {
  const attn_job *j = (const attn_job *)ctx;
  long b = z / j->H, h = z % j->H, T = j->T, Dh = j->Dh;
  long ib = b * j->in.b + h * j->in.h, ob = b * j->outl.b + h * j->outl.h;
  const float *qs = j->q + ib, *ks = j->k + ib, *vs = j->v + ib;
  const float *dys = j->dy + ob;
  float *dqs = j->dq + ib, *dks = j->dk + ib, *dvs = j->dv + ib;
  const float *P = j->pT + z * T * T;
  long ld = j->in.t, ldo = j->outl.t;
  float *G = scratch((size_t)T * T + T);
  float *D = G + T * T;
  /* dP^T = v dO^T, column blocks (keys < i1). */
  for (long i0 = 0; i0 < T; i0 += ATT_BLOCK) {
    long i1 = MIN(T, i0 + ATT_BLOCK);
    sgemm(0, 1, i1, i1 - i0, Dh, 1.0f, vs, ld, dys + i0 * ldo, ldo, 0.0f, G + i0, T);
  }
  /* dv[j0:j1] = P^T[j0:j1, j0:T] dO[j0:T] (queries i >= j0). */
  for (long j0 = 0; j0 < T; j0 += ATT_BLOCK) {
    long j1 = MIN(T, j0 + ATT_BLOCK);
    sgemm(0, 0, j1 - j0, Dh, T - j0, 1.0f, P + j0 * T + j0, T, dys + j0 * ldo, ldo, 0.0f, dvs + j0 * ld, ld);
  }
  /* D_i = sum_j P_ij dP_ij; dS^T = P^T (dP^T - D), zeros where j > i (scale goes into the GEMMs below). */
  for (long i = 0; i < T; i++) D[i] = 0.0f;
  for (long r = 0; r < T; r++) {
    const float *p = P + r * T;
    const float *g = G + r * T;
    for (long i = r; i < T; i++) D[i] += p[i] * g[i];
  }
  for (long r = 0; r < T; r++) {
    const float *p = P + r * T;
    float *g = G + r * T;
    memset(g, 0, (size_t)r * sizeof(float));
    for (long i = r; i < T; i++) g[i] = p[i] * (g[i] - D[i]);
  }
  for (long j0 = 0; j0 < T; j0 += ATT_BLOCK) {
    long j1 = MIN(T, j0 + ATT_BLOCK);
    /* dk[j0:j1] = scale dS^T[j0:j1, j0:T] q[j0:T] */
    sgemm(0, 0, j1 - j0, Dh, T - j0, j->scale, G + j0 * T + j0, T, qs + j0 * ld, ld, 0.0f, dks + j0 * ld, ld);
  }
  for (long i0 = 0; i0 < T; i0 += ATT_BLOCK) {
    long i1 = MIN(T, i0 + ATT_BLOCK);
    /* dq[i0:i1] = scale (dS^T[0:i1, i0:i1])^T k[0:i1] */
    sgemm(1, 0, i1 - i0, Dh, i1, j->scale, G + i0, T, ks, ld, 0.0f, dqs + i0 * ld, ld);
  }
}

void k_attention_backward(const float *q, const float *k, const float *v, const float *pT, const float *dy,
                          float *dq, float *dk, float *dv, long B, long H, long T, long Dh, layout4 in,
                          layout4 outl, float scale) {
  attn_job j = {q, k, v, pT, dy, NULL, NULL, dq, dk, dv, B, H, T, Dh, in, outl, scale};
  parallel_for(B * H, attn_backward_task, &j);
}

/* -------------------------------------------------------------------------------------------- norms */

#define NORM_ROWS 32

typedef struct {
  const float *x, *w, *b, *mean_in, *rstd_in, *dy;
  float *y, *mean, *rstd, *dx, *part;
  long rows, cols;
  float eps;
  int kind;
} norm_job;

static void norm_forward_task(void *ctx, long t) {
  const norm_job *j = (const norm_job *)ctx;
  long r1 = MIN(j->rows, (t + 1) * NORM_ROWS), D = j->cols;
  const float *w = j->w, *b = j->b;
  for (long r = t * NORM_ROWS; r < r1; r++) {
    const float *x = j->x + r * D;
    float *y = j->y + r * D;
    /* Vectorised sums (the order is fixed by the build, so results repeat exactly). */
    if (j->kind == 0) {
      float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
      for (long i = 0; i < D; i++) sum += x[i];
      float mu = sum / (float)D;
      float sq = 0.0f;
#pragma omp simd reduction(+ : sq)
      for (long i = 0; i < D; i++) sq += (x[i] - mu) * (x[i] - mu);
      float rs = 1.0f / sqrtf(sq / (float)D + j->eps);
      j->mean[r] = mu;
      j->rstd[r] = rs;
      if (b) {
        for (long i = 0; i < D; i++) y[i] = (x[i] - mu) * rs * w[i] + b[i];
      } else {
        for (long i = 0; i < D; i++) y[i] = (x[i] - mu) * rs * w[i];
      }
    } else {
      float sq = 0.0f;
#pragma omp simd reduction(+ : sq)
      for (long i = 0; i < D; i++) sq += x[i] * x[i];
      float rs;
      if (j->kind == 1) {
        rs = 1.0f / sqrtf(sq / (float)D + j->eps);
      } else {
        /* kind 2: x / max(||x|| / sqrt(D), eps); the norm is kept (in mean) to tell clamped rows apart */
        float norm = sqrtf(sq / (float)D);
        j->mean[r] = norm;
        rs = 1.0f / (norm > j->eps ? norm : j->eps);
      }
      j->rstd[r] = rs;
      for (long i = 0; i < D; i++) y[i] = x[i] * rs * w[i];
    }
  }
}

void k_norm_forward(const float *x, const float *w, const float *b, float *y, float *mean, float *rstd,
                    long rows, long cols, float eps, int kind) {
  norm_job j = {x, w, b, NULL, NULL, NULL, y, mean, rstd, NULL, NULL, rows, cols, eps, kind};
  parallel_for((rows + NORM_ROWS - 1) / NORM_ROWS, norm_forward_task, &j);
}

static void norm_backward_task(void *ctx, long t) {
  const norm_job *j = (const norm_job *)ctx;
  long r1 = MIN(j->rows, (t + 1) * NORM_ROWS), D = j->cols;
  const float *w = j->w;
  float *pw = j->part + t * 2 * D; /* this chunk's dw and db partial sums */
  float *pb = pw + D;
  for (long i = 0; i < 2 * D; i++) pw[i] = 0.0f;
  for (long r = t * NORM_ROWS; r < r1; r++) {
    const float *x = j->x + r * D, *dy = j->dy + r * D;
    float *dx = j->dx + r * D;
    float mu = j->kind == 0 ? j->mean_in[r] : 0.0f; /* kind 2 keeps the norm there, not a mean */
    float rs = j->rstd_in[r];
    float sg = 0.0f, sgx = 0.0f;
#pragma omp simd reduction(+ : sg, sgx)
    for (long i = 0; i < D; i++) {
      float xh = (x[i] - mu) * rs;
      float g = dy[i] * w[i];
      sg += g;
      sgx += g * xh;
    }
    for (long i = 0; i < D; i++) {
      float xh = (x[i] - mu) * rs;
      pw[i] += dy[i] * xh;
      pb[i] += dy[i];
    }
    float mg = j->kind == 0 ? sg / (float)D : 0.0f;
    /* A clamped row (kind 2, norm <= eps) is x * (1/eps) * w: no term through the norm. */
    float mgx = j->kind == 2 && j->mean_in[r] <= j->eps ? 0.0f : sgx / (float)D;
    for (long i = 0; i < D; i++) {
      float xh = (x[i] - mu) * rs;
      dx[i] = rs * (dy[i] * w[i] - mg - xh * mgx);
    }
  }
}

void k_norm_backward(const float *x, const float *w, const float *mean, const float *rstd, const float *dy,
                     float *dx, float *dw, float *db, long rows, long cols, float eps, int kind) {
  long chunks = (rows + NORM_ROWS - 1) / NORM_ROWS;
  float *part = (float *)malloc((size_t)chunks * 2 * cols * sizeof(float));
  norm_job j = {x, w, NULL, mean, rstd, dy, NULL, NULL, NULL, dx, part, rows, cols, eps, kind};
  parallel_for(chunks, norm_backward_task, &j);
  /* Chunk partials summed in chunk order (deterministic). */
  for (long i = 0; i < cols; i++) {
    double sw = 0.0, sb = 0.0;
    for (long t = 0; t < chunks; t++) {
      sw += part[t * 2 * cols + i];
      sb += part[t * 2 * cols + cols + i];
    }
    dw[i] = (float)sw;
    if (db) db[i] = (float)sb;
  }
  free(part);
}

/* --------------------------------------------------------------------------------------------- GELU */

#define ELEM_CHUNK 16384

typedef struct {
  const float *x, *dy;
  float *y;
  long n;
} elem_job;

static void gelu_forward_task(void *ctx, long t) {
  const elem_job *j = (const elem_job *)ctx;
  long i1 = MIN(j->n, (t + 1) * ELEM_CHUNK);
  const float *x = j->x;
  float *y = j->y;
  for (long i = t * ELEM_CHUNK; i < i1; i++) {
    float u = x[i] * (float)M_SQRT1_2;
    y[i] = 0.5f * x[i] * (1.0f + verf(u));
  }
}

static void gelu_backward_task(void *ctx, long t) {
  const elem_job *j = (const elem_job *)ctx;
  long i1 = MIN(j->n, (t + 1) * ELEM_CHUNK);
  const float inv_sqrt_2pi = 0.3989422804014327f;
  const float *xs = j->x, *dy = j->dy;
  float *dx = j->y;
  for (long i = t * ELEM_CHUNK; i < i1; i++) {
    float x = xs[i];
    float e = vexp(-0.5f * x * x); /* exp(-u^2) for u = x / sqrt 2: erf's and the density's */
    float cdf = 0.5f * (1.0f + verf_with_exp(x * (float)M_SQRT1_2, e));
    dx[i] = dy[i] * (cdf + x * (inv_sqrt_2pi * e));
  }
}

void k_gelu_forward(const float *x, float *y, long n) {
  elem_job j = {x, NULL, y, n};
  parallel_for((n + ELEM_CHUNK - 1) / ELEM_CHUNK, gelu_forward_task, &j);
}

void k_gelu_backward(const float *x, const float *dy, float *dx, long n) {
  elem_job j = {x, dy, dx, n};
  parallel_for((n + ELEM_CHUNK - 1) / ELEM_CHUNK, gelu_backward_task, &j);
}

/* ------------------------------------------------------------------------------------ cross-entropy */

#define CE_ROWS 64

typedef struct {
  const float *logits;
  const int32_t *targets;
  float *dlogits;
  double *part;
  long rows, vocab;
  float scale;
} ce_job;

static float row_logsumexp(const float *l, long V) {
  float mx = l[0];
#pragma omp simd reduction(max : mx)
  for (long i = 1; i < V; i++) mx = l[i] > mx ? l[i] : mx;
  float s = 0.0f;
#pragma omp simd reduction(+ : s)
  for (long i = 0; i < V; i++) s += vexp(l[i] - mx);
  return mx + logf(s);
}

static void ce_forward_task(void *ctx, long t) {
  const ce_job *j = (const ce_job *)ctx;
  long r1 = MIN(j->rows, (t + 1) * CE_ROWS), V = j->vocab;
  double sum = 0.0;
  for (long r = t * CE_ROWS; r < r1; r++) {
    const float *l = j->logits + r * V;
    int32_t y = j->targets[r];
    if (y < 0 || y >= V) {
      sum = NAN;
      continue;
    }
    sum += (double)(row_logsumexp(l, V) - l[y]);
  }
  j->part[t] = sum;
}

static void ce_backward_task(void *ctx, long t) {
  const ce_job *j = (const ce_job *)ctx;
  long r1 = MIN(j->rows, (t + 1) * CE_ROWS), V = j->vocab;
  for (long r = t * CE_ROWS; r < r1; r++) {
    const float *l = j->logits + r * V;
    float *d = j->dlogits + r * V;
    float lse = row_logsumexp(l, V);
    for (long i = 0; i < V; i++) d[i] = vexp(l[i] - lse) * j->scale;
    int32_t y = j->targets[r];
    if (y >= 0 && y < V) d[y] -= j->scale;
  }
}

double k_cross_entropy(const float *logits, const int32_t *targets, long rows, long vocab) {
  long chunks = (rows + CE_ROWS - 1) / CE_ROWS;
  double *part = (double *)malloc((size_t)(chunks ? chunks : 1) * sizeof(double));
  ce_job j = {logits, targets, NULL, part, rows, vocab, 0.0f};
  parallel_for(chunks, ce_forward_task, &j);
  double sum = 0.0;
  for (long t = 0; t < chunks; t++) sum += part[t];
  free(part);
  return rows > 0 ? sum / (double)rows : NAN;
}

void k_cross_entropy_backward(const float *logits, const int32_t *targets, float *dlogits, long rows,
                              long vocab, float scale) {
  ce_job j = {logits, targets, dlogits, NULL, rows, vocab, scale};
  parallel_for((rows + CE_ROWS - 1) / CE_ROWS, ce_backward_task, &j);
}


/* -------------------------------------------------------------------------------------------- copies */

#define COPY_MAX_RANK 12
#define COPY_TASK_ELEMS 65536

typedef struct {
  const uint32_t *src;
  uint32_t *dst;
  int rank; /* after merging; the last dimension is the innermost */
  long shape[COPY_MAX_RANK], ss[COPY_MAX_RANK], ds[COPY_MAX_RANK];
  long outer_per_task, outer; /* tasks split the product of all dimensions but the last */
} copy_job;

static void copy_task(void *ctx, long t) {
  const copy_job *j = (const copy_job *)ctx;
  int r = j->rank;
  long inner = j->shape[r - 1], sin = j->ss[r - 1], din = j->ds[r - 1];
  long o0 = t * j->outer_per_task, o1 = MIN(j->outer, o0 + j->outer_per_task);
  for (long o = o0; o < o1; o++) {
    /* offsets of outer index o (row-major over dimensions 0..r-2) */
    long rest = o, so = 0, dof = 0;
    for (int d = r - 2; d >= 0; d--) {
      long i = rest % j->shape[d];
      rest /= j->shape[d];
      so += i * j->ss[d];
      dof += i * j->ds[d];
    }
    const uint32_t *s = j->src + so;
    uint32_t *dd = j->dst + dof;
    if (sin == 1 && din == 1) {
      memcpy(dd, s, (size_t)inner * 4);
    } else if (sin == 0) {
      for (long i = 0; i < inner; i++) dd[i * din] = s[0];
    } else {
      for (long i = 0; i < inner; i++) dd[i * din] = s[i * sin];
    }
  }
}

void k_copy(const void *src, void *dst, int rank, const long *shape, const long *src_strides,
            const long *dst_strides) {
  copy_job j;
  memset(&j, 0, sizeof j);
  j.src = (const uint32_t *)src;
  j.dst = (uint32_t *)dst;
  long total = 1;
  for (int d = 0; d < rank; d++) total *= shape[d];
  if (total == 0) return;
  /* Drop size-1 dimensions, then merge neighbours that are contiguous in both source and destination. */
  int r = 0;
  for (int d = 0; d < rank; d++) {
    if (shape[d] == 1) continue;
    if (r > 0 && j.ss[r - 1] == src_strides[d] * shape[d] && j.ds[r - 1] == dst_strides[d] * shape[d]) {
      j.shape[r - 1] *= shape[d];
      j.ss[r - 1] = src_strides[d];
      j.ds[r - 1] = dst_strides[d];
      continue;
    }
    j.shape[r] = shape[d];
    j.ss[r] = src_strides[d];
    j.ds[r] = dst_strides[d];
    r++;
  }
  if (r == 0) {
    j.shape[0] = 1;
    j.ss[0] = j.ds[0] = 1;
    r = 1;
  }
  j.rank = r;
  j.outer = total / j.shape[r - 1];
  long inner = j.shape[r - 1];
  j.outer_per_task = MAX(1, COPY_TASK_ELEMS / MAX(1, inner));
  long tasks = (j.outer + j.outer_per_task - 1) / j.outer_per_task;
  if (total < 32768) {
    for (long t = 0; t < tasks; t++) copy_task(&j, t);
  } else {
    parallel_for(tasks, copy_task, &j);
  }
}

/* ------------------------------------------------------------------------------------------- rotary */

typedef struct {
  const float *x, *cos, *sin;
  float *y;
  long rows, T, Dh, half;
  float sign; /* +1 forward, -1 gradient (rotation by -angle) */
} rotary_job;

#define ROTARY_ROWS 8

static void rotary_task(void *ctx, long t) {
  const rotary_job *j = (const rotary_job *)ctx;
  long T = j->T, Dh = j->Dh, h = j->half;
  long r1 = MIN(j->rows, (t + 1) * ROTARY_ROWS);
  const float sg = j->sign;
  for (long r = t * ROTARY_ROWS; r < r1; r++) {
    for (long p = 0; p < T; p++) {
      const float *x = j->x + (r * T + p) * Dh;
      float *y = j->y + (r * T + p) * Dh;
      const float *c = j->cos + p * h, *s = j->sin + p * h;
      for (long i = 0; i < h; i++) {
        float x1 = x[i], x2 = x[i + h], si = sg * s[i];
        y[i] = x1 * c[i] - x2 * si;
        y[i + h] = x1 * si + x2 * c[i];
      }
      for (long i = 2 * h; i < Dh; i++) y[i] = x[i];
    }
  }
}

void k_rotary(const float *x, const float *cos_t, const float *sin_t, float *y, long rows, long T, long Dh,
              long half, int inverse) {
  rotary_job j = {x, cos_t, sin_t, y, rows, T, Dh, half, inverse ? -1.0f : 1.0f};
  parallel_for((rows + ROTARY_ROWS - 1) / ROTARY_ROWS, rotary_task, &j);
}

/* ------------------------------------------------------------------------------------------- SwiGLU */

typedef struct {
  const float *h, *dy;
  float *out;
  long rows, H;
  int gate_first;
} swiglu_job;

#define SWIGLU_ROWS 16

static void swiglu_forward_task(void *ctx, long t) {
  const swiglu_job *j = (const swiglu_job *)ctx;
  long H = j->H, r1 = MIN(j->rows, (t + 1) * SWIGLU_ROWS);
  for (long r = t * SWIGLU_ROWS; r < r1; r++) {
    const float *g = j->h + r * 2 * H + (j->gate_first ? 0 : H);
    const float *u = j->h + r * 2 * H + (j->gate_first ? H : 0);
    float *o = j->out + r * H;
    for (long i = 0; i < H; i++) {
      float sig = 1.0f / (1.0f + vexp(-g[i]));
      o[i] = g[i] * sig * u[i];
    }
  }
}

static void swiglu_backward_task(void *ctx, long t) {
  const swiglu_job *j = (const swiglu_job *)ctx;
  long H = j->H, r1 = MIN(j->rows, (t + 1) * SWIGLU_ROWS);
  for (long r = t * SWIGLU_ROWS; r < r1; r++) {
    const float *g = j->h + r * 2 * H + (j->gate_first ? 0 : H);
    const float *u = j->h + r * 2 * H + (j->gate_first ? H : 0);
    float *dg = j->out + r * 2 * H + (j->gate_first ? 0 : H);
    float *du = j->out + r * 2 * H + (j->gate_first ? H : 0);
    const float *dy = j->dy + r * H;
    for (long i = 0; i < H; i++) {
      float sig = 1.0f / (1.0f + vexp(-g[i]));
      float silu = g[i] * sig;
      du[i] = dy[i] * silu;
      /* d silu / dg = sig (1 + g (1 - sig)) */
      dg[i] = dy[i] * u[i] * sig * (1.0f + g[i] * (1.0f - sig));
    }
  }
}

void k_swiglu_forward(const float *h, float *out, long rows, long H, int gate_first) {
  swiglu_job j = {h, NULL, out, rows, H, gate_first};
  parallel_for((rows + SWIGLU_ROWS - 1) / SWIGLU_ROWS, swiglu_forward_task, &j);
}

void k_swiglu_backward(const float *h, const float *dy, float *dh, long rows, long H, int gate_first) {
  swiglu_job j = {h, dy, dh, rows, H, gate_first};
  parallel_for((rows + SWIGLU_ROWS - 1) / SWIGLU_ROWS, swiglu_backward_task, &j);
}
