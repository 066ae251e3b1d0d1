/**
 * Special functions for the Student t and normal distributions: log-gamma, the regularised
 * incomplete beta function I_x(a, b) and the regularised incomplete gamma functions P(a, x), Q(a, x).
 * Continued fractions are evaluated with the modified Lentz method; accuracy is about 1e-14 relative
 * in the ranges the package uses (tested through the distributions' closed forms and table values).
 */

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
const TINY = 1e-300;
const EPSILON = 1e-15;
const MAX_ITERATIONS = 10_000;
/** Stirling series coefficients B_2k / (2k (2k - 1)) for k = 1..7 (Bernoulli numbers 1/6, -1/30, 1/42, ...). */
const STIRLING = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156];
/** Below this, ln Γ is shifted up with Γ(x + 1) = x Γ(x) so the Stirling series is accurate to ~1e-16. */
const STIRLING_FROM = 15;

/** ln Γ(x) for x > 0: Stirling's series, after shifting small arguments up by the recurrence. */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma needs x > 0, got ${x}`);
  let shift = 0;
  let product = 1;
  while (x + shift < STIRLING_FROM) {
    product *= x + shift;
    shift++;
  }
  const z = x + shift;
  const inverse = 1 / z;
  const inverse2 = inverse * inverse;
  let correction = 0;
  let power = inverse;
  for (const c of STIRLING) {
    correction += c * power;
    power *= inverse2;
  }
  return (z - 0.5) * Math.log(z) - z + HALF_LOG_TWO_PI + correction - Math.log(product);
}

/** The continued fraction of I_x(a, b) (converges fast for x < (a + 1) / (a + b + 2)). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= MAX_ITERATIONS; m++) {
    const m2 = 2 * m;
    // even step: d_{2m} = m (b - m) x / ((a + 2m - 1)(a + 2m))
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    // odd step: d_{2m+1} = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1))
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < EPSILON) return h;
  }
  throw new Error(`incomplete beta continued fraction did not converge (a=${a}, b=${b}, x=${x})`);
}

/** The regularised incomplete beta function I_x(a, b) for a, b > 0 and x in [0, 1]. */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0)) throw new RangeError(`incomplete beta needs a, b > 0, got a=${a}, b=${b}`);
  if (!(x >= 0 && x <= 1)) throw new RangeError(`incomplete beta needs x in [0, 1], got ${x}`);
  if (x === 0) return 0;
  if (x === 1) return 1;
  const logFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  const front = Math.exp(logFront);
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x)) / a;
  return 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/**
 * Largest shape a the incomplete gamma functions accept: beyond it exp(-x + a ln x - ln Γ(a)) loses digits to
 * cancellation (1e-6 relative at a = 1e9) and the series needs more than MAX_ITERATIONS terms. The package
 * needs a = 1/2 (the normal tail); tests check a = 1e5 against 40-digit values.
 */
const MAX_GAMMA_SHAPE = 1e6;

function checkGammaShape(a: number): void {
  if (!(a > 0 && a <= MAX_GAMMA_SHAPE))
    throw new RangeError(
      `incomplete gamma needs 0 < a <= ${MAX_GAMMA_SHAPE}, got a=${a}; a larger shape needs an asymptotic expansion`,
    );
}

/** The regularised lower incomplete gamma function P(a, x) for 0 < a <= 1e6, x >= 0. */
export function regularizedGammaP(a: number, x: number): number {
  checkGammaShape(a);
  if (x <= 0) return 0;
  return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x);
}

/** The regularised upper incomplete gamma function Q(a, x) = 1 - P(a, x), accurate in the far tail. */
export function regularizedGammaQ(a: number, x: number): number {
  checkGammaShape(a);
  if (x <= 0) return 1;
  return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x);
}

function gammaSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n <= MAX_ITERATIONS; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPSILON) return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
  }
  throw new Error(`incomplete gamma series did not converge in ${MAX_ITERATIONS} terms (a=${a}, x=${x})`);
}

function gammaContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i <= MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < EPSILON) return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
  }
  throw new Error(
    `incomplete gamma continued fraction did not converge in ${MAX_ITERATIONS} steps (a=${a}, x=${x})`,
  );
}
