/*
 * N-API entry points of bytelab's native CPU kernels (see ../README.md).
 *
 * Every kernel works in place on one heap: the wasm backend's memory, handed over with setHeap(buffer)
 * (again whenever the memory grows and its ArrayBuffer changes). Arguments are byte offsets into that heap
 * and sizes; every range a kernel touches is checked against the heap's length first (a RangeError, never a
 * stray write). Calls are synchronous: the JS thread waits while the thread pool works.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blas.h"
#include "kernels.h"
#include "pool.h"

static uint8_t *heap = NULL;
static size_t heap_len = 0;

/*
 * The heap pointer and the thread pool are per process, so one JS thread owns the kernels at a time: a
 * second environment (a worker_thread loading the addon while another one holds it) gets an object whose
 * `unavailable` says so, and bytelab falls back to the wasm kernels there.
 */
static atomic_int owned = 0;

#define MAX_ARGS 24

typedef struct {
  napi_env env;
  double v[MAX_ARGS];
  napi_value raw[MAX_ARGS];
  size_t n;
} args_t;

static napi_value throw_range(napi_env env, const char *message) {
  napi_throw_range_error(env, "ERR_BYTELAB_NATIVE", message);
  return NULL;
}

/* Reads `want` numeric arguments (or fewer, when `raw_ok` lets later ones be objects). */
static int read_args(napi_env env, napi_callback_info info, args_t *a, size_t want) {
  a->env = env;
  a->n = MAX_ARGS;
  if (napi_get_cb_info(env, info, &a->n, a->raw, NULL, NULL) != napi_ok) return 0;
  if (a->n < want) {
    char msg[96];
    snprintf(msg, sizeof msg, "expected %zu arguments, got %zu", want, a->n);
    napi_throw_type_error(env, "ERR_BYTELAB_NATIVE", msg);
    return 0;
  }
  for (size_t i = 0; i < want; i++) {
    napi_valuetype t;
    napi_typeof(env, a->raw[i], &t);
    if (t != napi_number) {
      char msg[64];
      snprintf(msg, sizeof msg, "argument %zu must be a number", i);
      napi_throw_type_error(env, "ERR_BYTELAB_NATIVE", msg);
      return 0;
    }
    napi_get_value_double(env, a->raw[i], &a->v[i]);
  }
  return 1;
}

/* Pointer for a byte offset after checking that [offset, offset + 4 * floats) lies in the heap. */
static void *at(double offset, double floats, int *ok) {
  if (!heap || !(offset >= 0) || !(floats >= 0) || fmod(offset, 4.0) != 0.0 ||
      offset + 4.0 * floats > (double)heap_len) {
    *ok = 0;
    return NULL;
  }
  return heap + (size_t)offset;
}

static napi_value undefined(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

static napi_value number(napi_env env, double x) {
  napi_value r;
  napi_create_double(env, x, &r);
  return r;
}

/* setHeap(buffer: ArrayBuffer) */
static napi_value set_heap(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  napi_get_cb_info(env, info, &argc, &arg, NULL, NULL);
  bool is_ab = false;
  if (argc < 1 || napi_is_arraybuffer(env, arg, &is_ab) != napi_ok || !is_ab) {
    napi_throw_type_error(env, "ERR_BYTELAB_NATIVE", "setHeap expects an ArrayBuffer");
    return NULL;
  }
  void *data = NULL;
  size_t len = 0;
  napi_get_arraybuffer_info(env, arg, &data, &len);
  heap = (uint8_t *)data;
  heap_len = len;
  return undefined(env);
}

/* setThreads(n) -> threads now */
static napi_value set_threads(napi_env env, napi_callback_info info) {
  args_t a;
  if (!read_args(env, info, &a, 1)) return NULL;
  pool_set_threads((int)a.v[0]);
  return number(env, pool_threads());
}

static napi_value get_threads(napi_env env, napi_callback_info info) {
  (void)info;
  return number(env, pool_threads());
}

/* info() -> { blas, core, threads } */
static napi_value get_info(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value obj, s;
  napi_create_object(env, &obj);
  napi_create_string_utf8(env, BYTELAB_BLAS_NAME, NAPI_AUTO_LENGTH, &s);
  napi_set_named_property(env, obj, "blas", s);
#ifdef BYTELAB_OPENBLAS
  napi_create_string_utf8(env, openblas_get_config(), NAPI_AUTO_LENGTH, &s);
  napi_set_named_property(env, obj, "config", s);
  napi_create_string_utf8(env, openblas_get_corename(), NAPI_AUTO_LENGTH, &s);
  napi_set_named_property(env, obj, "core", s);
#endif
  napi_set_named_property(env, obj, "threads", number(env, pool_threads()));
  return obj;
}

/* gemm(a, b, c, batch, m, n, k, transA, transB, strideA, strideB, strideC, alpha, beta); strides in floats */
static napi_value gemm(napi_env env, napi_callback_info info) {
  args_t a;
  if (!read_args(env, info, &a, 14)) return NULL;
  double batch = a.v[3], m = a.v[4], n = a.v[5], k = a.v[6];
  double sa = a.v[9], sb = a.v[10], sc = a.v[11];
  if (batch < 1 || m < 0 || n < 0 || k < 0) return throw_range(env, "gemm: bad sizes");
  int ok = 1;
  const float *pa = at(a.v[0], (batch - 1) * sa + m * k, &ok);
  const float *pb = at(a.v[1], (batch - 1) * sb + k * n, &ok);
  float *pc = at(a.v[2], (batch - 1) * sc + m * n, &ok);
  if (!ok) return throw_range(env, "gemm: operand outside the heap");
  k_gemm(pa, pb, pc, (long)batch, (long)m, (long)n, (long)k, a.v[7] != 0, a.v[8] != 0, (long)sa, (long)sb,
         (long)sc, (float)a.v[12], (float)a.v[13]);
  return undefined(env);
}

/* linearForward(x, w, b|-1, y, rows, in, out) */
static napi_value linear_forward(napi_env env, napi_callback_info info) {
  args_t a;
  if (!read_args(env, info, &a, 7)) return NULL;
  double rows = a.v[4], in = a.v[5], out = a.v[6];
  if (rows < 0 || in < 0 || out < 0) return throw_range(env, "linear: bad sizes");
  int ok = 1;
  const float *x = at(a.v[0], rows * in, &ok), *w = at(a.v[1], out * in, &ok);
  const float *b = a.v[2] < 0 ? NULL : at(a.v[2], out, &ok);
  float *y = at(a.v[3], rows * out, &ok);
  if (!ok) return throw_range(env, "linear: operand outside the heap");
  k_linear_forward(x, w, b, y, (long)rows, (long)in, (long)out);
  return undefined(env);
}

/* linearBackward(x, w, dy, dx, dw, db|-1, rows, in, out) */
static napi_value linear_backward(napi_env env, napi_callback_info info) {
  args_t a;
  if (!read_args(env, info, &a, 9)) return NULL;
  double rows = a.v[6], in = a.v[7], out = a.v[8];
  if (rows < 0 || in < 0 || out < 0) return throw_range(env, "linear: bad sizes");
  int ok = 1;
  const float *x = at(a.v[0], rows * in, &ok), *w = at(a.v[1], out * in, &ok);
  const float *dy = at(a.v[2], rows * out, &ok);
  float *dx = at(a.v[3], rows * in, &ok), *dw = at(a.v[4], out * in, &ok);
  float *db = a.v[5] < 0 ? NULL : at(a.v[5], out, &ok);
  if (!ok) return throw_range(env, "linear: operand outside the heap");
  k_linear_backward(x, w, dy, dx, dw, db, (long)rows, (long)in, (long)out);
  return undefined(env);
}

/* Floats spanned by a [B, H, T, Dh] view with strides l. */
static double extent(double B, double H, double T, double Dh, layout4 l) {
  return (B - 1) * l.b + (H - 1) * l.h + (T - 1) * l.t + Dh;
}

/*
 * attentionForward(q, k, v, out, pT, B, H, T, Dh, inB, inH, inT, outB, outH, outT, scale)
 * attentionBackward(q, k, v, pT, dy, dq, dk, dv, B, H, T, Dh, inB, inH, inT, outB, outH, outT, scale)
 */
static napi_value attention_forward(napi_env env, napi_callback_info info) {
  args_t a;
  if (!read_args(env, info, &a, 16)) return NULL;
  double B = a.v[5], H = a.v[6], T = a.v[7], Dh = a.v[8];
  if (B < 1 || H < 1 || T < 1 || Dh < 1) return throw_range(env, "attention: bad sizes");
  layout4 in = {(long)a.v[9], (long)a.v[10], (long)a.v[11]};
  layout4 out = {(long)a.v[12], (long)a.v[13], (long)a.v[14]};
  double ein = extent(B, H, T, Dh, in), eout = extent(B, H, T, Dh, out);
  int ok = 1;
  const float *q = at(a.v[0], ein, &ok), *k = at(a.v[1], ein, &ok), *v = at(a.v[2], ein, &ok);
  float *o = at(a.v[3], eout, &ok), *pT = at(a.v[4], B * H * T * T, &ok);
  if (!ok) return throw_range(env, "attention: operand outside the heap");
  k_attention_forward(q, k, v, o, pT, (long)B, (long)H, (long)T, (long)Dh, in, out, (float)a.v[15]);
  return undefined(env);
}

static napi_value attention_backward(napi_env env, napi_callback_info info) {
  args_t a;
  if (!read_args(env, info, &a, 19)) return NULL;
  double B = a.v[8], H = a.v[9], T = a.v[10], Dh = a.v[11];
  if (B < 1 || H < 1 || T < 1 || Dh < 1) return throw_range(env, "attention: bad sizes");
  layout4 in = {(long)a.v[12], (long)a.v[13], (long)a.v[14]};
  layout4 out = {(long)a.v[15], (long)a.v[16], (long)a.v[17]};
  double ein = extent(B, H, T, Dh, in), eout = extent(B, H, T, Dh, out);
  int ok = 1;
  const float *q = at(a.v[0], ein, &ok), *k = at(a.v[1], ein, &ok), *v = at(a.v[2], ein, &ok);
  const float *pT = at(a.v[3], B * H * T * T, &ok), *dy = at(a.v[4], eout, &ok);
  float *dq = at(a.v[5], ein, &ok), *dk = at(a.v[6], ein, &ok), *dv = at(a.v[7], ein, &ok);
  if (!ok) return throw_range(env, "attention: operand outside the heap");
  k_attention_backward(q, k, v, pT, dy, dq, dk, dv, (long)B, (long)H, (long)T, (long)Dh, in, out,
                       (float)a.v[18]);
  return undefined(env);
}

/* normForward(x, w, b|-1, y, mean|-1, rstd, rows, cols, eps, kind) */
static napi_value norm_forward(napi_env env, napi_callback_info info) {
  args_t a;
  if (!read_args(env, info, &a, 10)) return NULL;
  double rows = a.v[6], cols = a.v[7];
  int kind = (int)a.v[9];
  if (rows < 0 || cols < 1 || kind < 0 || kind > 2) return throw_range(env, "norm: bad sizes or kind");
  int ok = 1;
  const float *x = at(a.v[0], rows * cols, &ok), *w = at(a.v[1], cols, &ok);
  const float *b = a.v[2] < 0 ? NULL : at(a.v[2], cols, &ok);
  float *y = at(a.v[3], rows * cols, &ok);
  float *mean = a.v[4] < 0 ? NULL : at(a.v[4], rows, &ok);
  float *rstd = at(a.v[5], rows, &ok);
  if (kind != 1 && !mean) ok = 0;
  if (!ok) return throw_range(env, "norm: operand outside the heap");
  k_norm_forward(x, w, b, y, mean, rstd, (long)rows, (long)cols, (float)a.v[8], kind);
  return undefined(env);
}

/* normBackward(x, w, mean|-1, rstd, dy, dx, dw, db|-1, rows, cols, kind, eps) */
static napi_value norm_backward(napi_env env, napi_callback_info info) {
  args_t a;
  if (!read_args(env, info, &a, 12)) return NULL;
  double rows = a.v[8], cols = a.v[9];
  int kind = (int)a.v[10];
  if (rows < 0 || cols < 1 || kind < 0 || kind > 2) return throw_range(env, "norm: bad sizes or kind");
  int ok = 1;
  const float *x = at(a.v[0], rows * cols, &ok), *w = at(a.v[1], cols, &ok);
  const float *mean = a.v[2] < 0 ? NULL : at(a.v[2], rows, &ok);
  const float *rstd = at(a.v[3], rows, &ok), *dy = at(a.v[4], rows * cols, &ok);
  float *dx = at(a.v[5], rows * cols, &ok), *dw = at(a.v[6], cols, &ok);
  float *db = a.v[7] < 0 ? NULL : at(a.v[7], cols, &ok);
  if (kind != 1 && !mean) ok = 0;
  if (!ok) return throw_range(env, "norm: operand outside the heap");
  k_norm_backward(x, w, mean, rstd, dy, dx, dw, db, (long)rows, (long)cols, (float)a.v[11], kind);
  return undefined(env);
}

/* rotary(x, cos, sin, y, rows, T, Dh, half, inverse) */
static napi_value rotary(napi_env env, napi_callback_info info) {
  args_t a;
  if (!read_args(env, info, &a, 9)) return NULL;
  double rows = a.v[4], T = a.v[5], Dh = a.v[6], half = a.v[7];
  if (rows < 0 || T < 0 || Dh < 1 || half < 0 || 2 * half > Dh) return throw_range(env, "rotary: bad sizes");
  int ok = 1;
  const float *x = at(a.v[0], rows * T * Dh, &ok), *c = at(a.v[1], T * half, &ok), *s = at(a.v[2], T * half, &ok);
  float *y = at(a.v[3], rows * T * Dh, &ok);
  if (!ok) return throw_range(env, "rotary: operand outside the heap");
  k_rotary(x, c, s, y, (long)rows, (long)T, (long)Dh, (long)half, a.v[8] != 0);
  return undefined(env);
}

/* swiglu(h, out, rows, H, gateFirst); swigluGrad(h, dy, dh, rows, H, gateFirst) */
static napi_value swiglu_forward(napi_env env, napi_callback_info info) {
  args_t a;
  if (!read_args(env, info, &a, 5)) return NULL;
  double rows = a.v[2], H = a.v[3];
  if (rows < 0 || H < 0) return throw_range(env, "swiglu: bad sizes");
  int ok = 1;
  const float *h = at(a.v[0], rows * 2 * H, &ok);
  float *o = at(a.v[1], rows * H, &ok);
  if (!ok) return throw_range(env, "swiglu: operand outside the heap");
  k_swiglu_forward(h, o, (long)rows, (long)H, a.v[4] != 0);
  return undefined(env);
}

static napi_value swiglu_backward(napi_env env, napi_callback_info info) {
  args_t a;
  if (!read_args(env, info, &a, 6)) return NULL;
  double rows = a.v[3], H = a.v[4];
  if (rows < 0 || H < 0) return throw_range(env, "swiglu: bad sizes");
  int ok = 1;
  const float *h = at(a.v[0], rows * 2 * H, &ok), *dy = at(a.v[1], rows * H, &ok);
  float *dh = at(a.v[2], rows * 2 * H, &ok);
  if (!ok) return throw_range(env, "swiglu: operand outside the heap");
  k_swiglu_backward(h, dy, dh, (long)rows, (long)H, a.v[5] != 0);
  return undefined(env);
}

/* gelu(x, y, n); geluGrad(x, dy, dx, n) */
static napi_value gelu_forward(napi_env env, napi_callback_info info) {
  args_t a;
  if (!read_args(env, info, &a, 3)) return NULL;
  int ok = 1;
  const float *x = at(a.v[0], a.v[2], &ok);
  float *y = at(a.v[1], a.v[2], &ok);
  if (!ok) return throw_range(env, "gelu: operand outside the heap");
  k_gelu_forward(x, y, (long)a.v[2]);
  return undefined(env);
}

static napi_value gelu_backward(napi_env env, napi_callback_info info) {
  args_t a;
  if (!read_args(env, info, &a, 4)) return NULL;
  int ok = 1;
  const float *x = at(a.v[0], a.v[3], &ok), *dy = at(a.v[1], a.v[3], &ok);
  float *dx = at(a.v[2], a.v[3], &ok);
  if (!ok) return throw_range(env, "gelu: operand outside the heap");
  k_gelu_backward(x, dy, dx, (long)a.v[3]);
  return undefined(env);
}

/* crossEntropy(logits, targets, rows, vocab) -> mean nats; crossEntropyGrad(logits, targets, dlogits, rows, vocab, scale) */
static napi_value cross_entropy(napi_env env, napi_callback_info info) {
  args_t a;
  if (!read_args(env, info, &a, 4)) return NULL;
  double rows = a.v[2], vocab = a.v[3];
  if (rows < 1 || vocab < 1) return throw_range(env, "crossEntropy: bad sizes");
  int ok = 1;
  const float *l = at(a.v[0], rows * vocab, &ok);
  const int32_t *t = at(a.v[1], rows, &ok);
  if (!ok) return throw_range(env, "crossEntropy: operand outside the heap");
  return number(env, k_cross_entropy(l, t, (long)rows, (long)vocab));
}

static napi_value cross_entropy_backward(napi_env env, napi_callback_info info) {
  args_t a;
  if (!read_args(env, info, &a, 6)) return NULL;
  double rows = a.v[3], vocab = a.v[4];
  if (rows < 1 || vocab < 1) return throw_range(env, "crossEntropy: bad sizes");
  int ok = 1;
  const float *l = at(a.v[0], rows * vocab, &ok);
  const int32_t *t = at(a.v[1], rows, &ok);
  float *d = at(a.v[2], rows * vocab, &ok);
  if (!ok) return throw_range(env, "crossEntropy: operand outside the heap");
  k_cross_entropy_backward(l, t, d, (long)rows, (long)vocab, (float)a.v[5]);
  return undefined(env);
}

/* The Float64Array argument at index i: its values and length. (Defined below.) */
static const double *f64_array(napi_env env, napi_value v, size_t *len);

/*
 * copy(src, dst, table: Float64Array [shape..., srcStrides..., dstStrides...]) for 4-byte elements; the
 * rank is table.length / 3. Every index of the view is bounds-checked through its extreme offsets.
 */
static napi_value copy_view(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 3) return throw_range(env, "copy expects 3 arguments");
  double so, dofs;
  if (napi_get_value_double(env, argv[0], &so) != napi_ok || napi_get_value_double(env, argv[1], &dofs) != napi_ok)
    return throw_range(env, "copy: offsets must be numbers");
  size_t len = 0;
  const double *t = f64_array(env, argv[2], &len);
  if (!t || len % 3 || len / 3 > 12) return throw_range(env, "copy expects a Float64Array of 3 x rank (<= 12) values");
  int rank = (int)(len / 3);
  long shape[12], ss[12], ds[12];
  double smax = 0, dmax = 0, total = 1;
  for (int d = 0; d < rank; d++) {
    shape[d] = (long)t[d];
    ss[d] = (long)t[rank + d];
    ds[d] = (long)t[2 * rank + d];
    if (t[d] < 0 || t[rank + d] < 0 || t[2 * rank + d] < 0) return throw_range(env, "copy: negative size or stride");
    total *= t[d];
    if (t[d] > 0) {
      smax += (t[d] - 1) * t[rank + d];
      dmax += (t[d] - 1) * t[2 * rank + d];
    }
  }
  if (total == 0) return undefined(env);
  int ok = 1;
  const void *src = at(so, smax + 1, &ok);
  void *dst = at(dofs, dmax + 1, &ok);
  if (!ok) return throw_range(env, "copy: view outside the heap");
  k_copy(src, dst, rank, shape, ss, ds);
  return undefined(env);
}

/* The Float64Array argument at index i: its values and length. */
static const double *f64_array(napi_env env, napi_value v, size_t *len) {
  bool is_ta = false;
  if (napi_is_typedarray(env, v, &is_ta) != napi_ok || !is_ta) return NULL;
  napi_typedarray_type type;
  void *data;
  napi_get_typedarray_info(env, v, &type, len, &data, NULL, NULL);
  return type == napi_float64_array ? (const double *)data : NULL;
}

/* sumSquares(table: Float64Array [offset, n]*) -> sum of squares of every element (double) */
static napi_value sum_squares(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  napi_get_cb_info(env, info, &argc, &arg, NULL, NULL);
  size_t len = 0;
  const double *t = argc ? f64_array(env, arg, &len) : NULL;
  if (!t || len % 2) return throw_range(env, "sumSquares expects a Float64Array of [offset, count] pairs");
  long count = (long)(len / 2);
  const float **g = malloc(sizeof(float *) * (count ? count : 1));
  long *n = malloc(sizeof(long) * (count ? count : 1));
  int ok = 1;
  for (long i = 0; i < count; i++) {
    g[i] = at(t[2 * i], t[2 * i + 1], &ok);
    n[i] = (long)t[2 * i + 1];
  }
  double s = ok ? k_sum_squares(g, n, count) : 0.0;
  free(g);
  free(n);
  if (!ok) return throw_range(env, "sumSquares: tensor outside the heap");
  return number(env, s);
}

/*
 * adamw(table: Float64Array [p, g, m, v, n, step, decay, decays]*, beta1, oneMinusBeta1, beta2,
 *       oneMinusBeta2, sqrtBc2, eps, gradScale)
 * p, m, v are updated in place. Every constant is rounded to float32 here, once, as TF.js rounds scalars.
 */
#define ADAM_ROW 8
static napi_value adamw(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 8) return throw_range(env, "adamw expects 8 arguments");
  size_t len = 0;
  const double *t = f64_array(env, argv[0], &len);
  if (!t || len % ADAM_ROW) return throw_range(env, "adamw expects a Float64Array of 8-value rows");
  double h[7];
  for (int i = 0; i < 7; i++) {
    if (napi_get_value_double(env, argv[1 + i], &h[i]) != napi_ok)
      return throw_range(env, "adamw: hyper-parameters must be numbers");
  }
  adam_hyper hyper = {(float)h[0], (float)h[1], (float)h[2], (float)h[3], (float)h[4], (float)h[5], (float)h[6],
                      h[6] != 1.0};
  long count = (long)(len / ADAM_ROW);
  adam_param *ps = malloc(sizeof(adam_param) * (count ? count : 1));
  int ok = 1;
  for (long i = 0; i < count; i++) {
    const double *r = t + ADAM_ROW * i;
    ps[i].p = at(r[0], r[4], &ok);
    ps[i].g = at(r[1], r[4], &ok);
    ps[i].m = at(r[2], r[4], &ok);
    ps[i].v = at(r[3], r[4], &ok);
    ps[i].n = (long)r[4];
    ps[i].step = (float)r[5];
    ps[i].decay = (float)r[6];
    ps[i].decays = r[7] != 0.0;
  }
  if (ok) k_adamw(ps, count, hyper);
  free(ps);
  if (!ok) return throw_range(env, "adamw: tensor outside the heap");
  return undefined(env);
}

static void cleanup(void *arg) {
  (void)arg;
  pool_shutdown();
  heap = NULL;
  heap_len = 0;
  atomic_store(&owned, 0);
}

static napi_value init(napi_env env, napi_value exports) {
  int expected = 0;
  if (!atomic_compare_exchange_strong(&owned, &expected, 1)) {
    napi_value why;
    napi_create_string_utf8(env, "in use by another JS thread of this process (one owner per process)",
                            NAPI_AUTO_LENGTH, &why);
    napi_set_named_property(env, exports, "unavailable", why);
    return exports;
  }
#ifdef BYTELAB_OPENBLAS
  /* bytelab's pool splits the work; each BLAS call runs on the thread that makes it. */
  openblas_set_num_threads(1);
#endif
  napi_property_descriptor props[] = {
      {"setHeap", NULL, set_heap, NULL, NULL, NULL, napi_default, NULL},
      {"setThreads", NULL, set_threads, NULL, NULL, NULL, napi_default, NULL},
      {"threads", NULL, get_threads, NULL, NULL, NULL, napi_default, NULL},
      {"info", NULL, get_info, NULL, NULL, NULL, napi_default, NULL},
      {"gemm", NULL, gemm, NULL, NULL, NULL, napi_default, NULL},
      {"linearForward", NULL, linear_forward, NULL, NULL, NULL, napi_default, NULL},
      {"linearBackward", NULL, linear_backward, NULL, NULL, NULL, napi_default, NULL},
      {"attentionForward", NULL, attention_forward, NULL, NULL, NULL, napi_default, NULL},
      {"attentionBackward", NULL, attention_backward, NULL, NULL, NULL, napi_default, NULL},
      {"normForward", NULL, norm_forward, NULL, NULL, NULL, napi_default, NULL},
      {"normBackward", NULL, norm_backward, NULL, NULL, NULL, napi_default, NULL},
      {"gelu", NULL, gelu_forward, NULL, NULL, NULL, napi_default, NULL},
      {"rotary", NULL, rotary, NULL, NULL, NULL, napi_default, NULL},
      {"swiglu", NULL, swiglu_forward, NULL, NULL, NULL, napi_default, NULL},
      {"swigluGrad", NULL, swiglu_backward, NULL, NULL, NULL, napi_default, NULL},
      {"geluGrad", NULL, gelu_backward, NULL, NULL, NULL, napi_default, NULL},
      {"crossEntropy", NULL, cross_entropy, NULL, NULL, NULL, napi_default, NULL},
      {"crossEntropyGrad", NULL, cross_entropy_backward, NULL, NULL, NULL, napi_default, NULL},
      {"sumSquares", NULL, sum_squares, NULL, NULL, NULL, napi_default, NULL},
      {"copy", NULL, copy_view, NULL, NULL, NULL, napi_default, NULL},
      {"adamw", NULL, adamw, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  napi_add_env_cleanup_hook(env, cleanup, NULL);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
