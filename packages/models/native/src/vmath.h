/*
 * Branch-free float32 exp and erf that compilers vectorise inside loops (libm's expf / erff are calls,
 * one element at a time). Accuracy (checked in test/vmath.c against double-precision libm over the ranges
 * bytelab uses): exp within 1 ulp on [-87, 88] (0 below, +inf above); erf within 3e-7 absolute (GELU
 * built on it within 5e-7; the tanh approximation the references reject is ~2e-4 off).
 */
#ifndef BYTELAB_VMATH_H
#define BYTELAB_VMATH_H

#include <stdint.h>
#include <string.h>

static inline float bits_to_float(int32_t i) {
  float f;
  memcpy(&f, &i, sizeof f);
  return f;
}

/* exp(x): x = n ln2 + r (Cody-Waite, |r| <= ln2/2), exp(r) by a degree-6 polynomial, times 2^n. */
static inline float vexp(float x) {
  const float hi = 88.3762626647949f, lo = -87.3365447505531f;
  float xc = x > hi ? hi : (x < lo ? lo : x);
  /* round to nearest by the 1.5 * 2^23 trick (plain adds: vectorises without -ffast-math) */
  float n = (xc * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  float r = xc - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  /* 2^n through the exponent bits; n in [-126, 127] after the clamp */
  float scale = bits_to_float(((int32_t)n + 127) << 23);
  float y = p * scale;
  y = x < lo ? 0.0f : y;
  y = x > hi ? __builtin_inff() : y;
  return y;
}

/*
 * erf(x): |x| < 0.5 by its Taylor series in x^2 (relative accuracy near 0), else 1 - t P(t) exp(-x^2)
 * with t = 1 / (1 + p|x|) (Abramowitz & Stegun 7.1.26). Both branches are computed and one is selected,
 * so loops over arrays vectorise. `exp_minus_x2` = exp(-x^2), shared with callers that need it too.
 */
static inline float verf_with_exp(float x, float exp_minus_x2) {
  float ax = x < 0.0f ? -x : x;
  /* small |x|: erf(x) = 2/sqrt(pi) (x - x^3/3 + x^5/10 - x^7/42 + x^9/216 - x^11/1320 + x^13/9360) */
  float z = x * x;
  float s = 1.0f / 9360.0f;
  s = s * z - 1.0f / 1320.0f;
  s = s * z + 1.0f / 216.0f;
  s = s * z - 1.0f / 42.0f;
  s = s * z + 1.0f / 10.0f;
  s = s * z - 1.0f / 3.0f;
  s = s * z + 1.0f;
  float small = 1.1283791670955126f * x * s;
  /* large |x| */
  float t = 1.0f / (1.0f + 0.3275911f * ax);
  float q = 1.061405429f;
  q = q * t - 1.453152027f;
  q = q * t + 1.421413741f;
  q = q * t - 0.284496736f;
  q = q * t + 0.254829592f;
  float big = 1.0f - q * t * exp_minus_x2;
  big = x < 0.0f ? -big : big;
  return ax < 0.5f ? small : big;
}

static inline float verf(float x) { return verf_with_exp(x, vexp(-x * x)); }

#endif
