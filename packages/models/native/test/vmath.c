/* Accuracy check of src/vmath.h against double-precision libm: cc -O2 -march=native test/vmath.c -lm && ./a.out */
#include <math.h>
#include <stdio.h>
#include "../src/vmath.h"

int main(void) {
  double worst_exp_ulp = 0, worst_erf = 0, worst_gelu = 0;
  float at_exp = 0, at_erf = 0;
  for (float x = -87.0f; x <= 88.0f; x = nextafterf(x, 100.0f) + 1e-4f * fabsf(x) + 1e-6f) {
    double ref = exp((double)x);
    float got = vexp(x);
    double ulp = fabs(got - ref) / (nextafterf((float)ref, INFINITY) - (float)ref);
    if (ulp > worst_exp_ulp) { worst_exp_ulp = ulp; at_exp = x; }
  }
  for (float x = -8.0f; x <= 8.0f; x += 1.0f / 4096.0f) {
    double e = fabs((double)verf(x) - erf((double)x));
    if (e > worst_erf) { worst_erf = e; at_erf = x; }
    double g = 0.5 * x * (1.0 + erf(x / sqrt(2.0)));
    float gg = 0.5f * x * (1.0f + verf(x * 0.70710678f));
    if (fabs(gg - g) > worst_gelu) worst_gelu = fabs(gg - g);
  }
  printf("exp: worst %.2f ulp at %g; erf: worst abs %.3g at %g; gelu: worst abs %.3g\n", worst_exp_ulp, at_exp,
         worst_erf, at_erf, worst_gelu);
  printf("exp(-100)=%g exp(100)=%g exp(0)=%g\n", vexp(-100.0f), vexp(100.0f), vexp(0.0f));
  return !(worst_exp_ulp <= 2.5 && worst_erf <= 3e-7);
}
