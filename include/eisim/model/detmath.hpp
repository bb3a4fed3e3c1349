// Deterministic transcendental functions: the same bits on the host and on the GPU.
//
// The deterministic mode (docs/architecture.md, "The determinism contract") needs the CPU and GPU backends to produce identical
// spike trains, so exp and log may not come from libm or CUDA's math library, whose results
// differ in the last bit. These use only IEEE correctly-rounded operations (+ - * /,
// comparisons, int<->float conversions) and integer/bit operations, each a*b+c written as two
// separately rounded operations, so g++ -ffp-contract=off and nvcc --fmad=false agree exactly.
// Constants are hexadecimal literals so that no compiler has to round a decimal string; inf and
// NaN are built from their bits because std::numeric_limits is host-only under nvcc.
#pragma once

#include <cstdint>
#include <cstring>

#include "eisim/model/hd.hpp"

namespace eisim {

namespace detmath_detail {

// Bit casts: CUDA intrinsics in device code, memcpy on the host (optimised to a register move).
EISIM_HD std::int32_t float_bits(float x) {
#if defined(__CUDA_ARCH__)
  return __float_as_int(x);
#else
  std::int32_t i;
  std::memcpy(&i, &x, sizeof i);
  return i;
#endif
}

EISIM_HD float bits_float(std::int32_t i) {
#if defined(__CUDA_ARCH__)
  return __int_as_float(i);
#else
  float x;
  std::memcpy(&x, &i, sizeof x);
  return x;
#endif
}

EISIM_HD std::int64_t double_bits(double x) {
#if defined(__CUDA_ARCH__)
  return __double_as_longlong(x);
#else
  std::int64_t i;
  std::memcpy(&i, &x, sizeof i);
  return i;
#endif
}

EISIM_HD double bits_double(std::int64_t i) {
#if defined(__CUDA_ARCH__)
  return __longlong_as_double(i);
#else
  double x;
  std::memcpy(&x, &i, sizeof x);
  return x;
#endif
}

// c ? a : b without a branch. g++ turns a float ternary into a branch and sinks the code that
// computes its operand into it, after which it no longer vectorises the calling loop.
EISIM_HD float select(bool c, float a, float b) {
  const std::int32_t mask = -static_cast<std::int32_t>(c);  // all ones or all zeros
  return bits_float((float_bits(a) & mask) | (float_bits(b) & ~mask));
}

}  // namespace detmath_detail

// exp(x) in single precision, at most 1 ulp from the correctly rounded result (checked over
// every float in (-87.33, 88.72); about 1.02 ulp from the exact value at worst) and monotonic.
// x >= 88.72f gives +inf, x <= -87.33f gives 0 (never a subnormal), NaN gives NaN,
// det_expf(0) == 1 exactly. Branch-free so that a plain loop over it vectorises.
EISIM_HD float det_expf(float x) {
  using namespace detmath_detail;
  // x = n*ln2 + r with n = round(x/ln2), |r| <= ln2/2 (plus a rounding sliver).
  // Adding 1.5*2^23 rounds t to an integer (ties to even, exact for |t| < 2^22) that lands in
  // the low mantissa bits. This IEEE addition replaces floor(), which g++ inlines (and so
  // vectorises) only under -fno-trapping-math; n is converted back from the integer rather
  // than computed as (t + SHIFT) - SHIFT, which -ffast-math would fold to t.
  // The input is not clamped with float ternaries: g++ would propagate the clamp constants
  // through the whole body and then refuse to if-convert the loop. Instead n is clamped as an
  // integer (so the exponent arithmetic below stays in range for any x, NaN included; the
  // subtraction is done unsigned for the same reason), and the results for x outside
  // (-87.33, 88.72) and for NaN, garbage until then, are replaced at the end.
  const float t = x * 0x1.715476p+0f;  // 1/ln2 rounded to float
  const float SHIFT = 0x1.8p23f;
  std::int32_t ni = static_cast<std::int32_t>(static_cast<std::uint32_t>(float_bits(t + SHIFT)) -
                                              static_cast<std::uint32_t>(float_bits(SHIFT)));
  ni = ni < -126 ? -126 : ni;
  ni = ni > 128 ? 128 : ni;
  const float n = static_cast<float>(ni);
  // Cody-Waite: ln2 = LN2_HI + LN2_LO. LN2_HI has 15 significant bits, so n*LN2_HI is exact
  // for |n| <= 2^8 and x - n*LN2_HI loses nothing; LN2_LO is (ln2 - LN2_HI) rounded to float.
  const float LN2_HI = 0x1.62e4p-1f;
  const float LN2_LO = 0x1.7f7d1cp-20f;
  const float r = (x - n * LN2_HI) - n * LN2_LO;

  // exp(r) = 1 + r + r^2 * q(r), q the Taylor series 1/2! + r/3! + ... + r^5/7! (coefficients
  // 1/k! rounded to float). For |r| <= 0.347 the truncation error is r^8/8! < 6e-9, 0.1 ulp.
  // Summing 1 + (r + r^2*q) last keeps the rounding error of the small terms below 1 ulp.
  float q = 0x1.a01a02p-13f;    // 1/7!
  q = q * r + 0x1.6c16c2p-10f;  // 1/6!
  q = q * r + 0x1.111112p-7f;   // 1/5!
  q = q * r + 0x1.555556p-5f;   // 1/4!
  q = q * r + 0x1.555556p-3f;   // 1/3!
  q = q * r + 0.5f;             // 1/2!
  const float r2 = r * r;
  const float p = 1.0f + (r + r2 * q);

  // Scale by 2^n, n in [-126, 128]. 2^128 is not a float, so split 2^n = 2^a * 2^b with
  // a = n>>1, b = n-a, both normal powers of two built from their exponent bits; each product
  // is exact because the result is normal (x > -87.33 keeps exp(x) >= FLT_MIN).
  const std::int32_t a = ni >> 1;
  const std::int32_t b = ni - a;
  const float result = (p * bits_float((a + 127) << 23)) * bits_float((b + 127) << 23);

  const float inf = bits_float(0x7f800000);
  float y = select(x >= 88.72f, inf, result);
  y = select(x <= -87.33f, 0.0f, y);
  return select(x != x, x, y);  // NaN in, NaN out
}

// Natural logarithm in double precision, error below 1 ulp (0.86 ulp the largest measured in
// 6*10^7 samples, see tests/test_detmath.cpp).
// x < 0 or NaN gives NaN, x == 0 gives -inf, +inf gives +inf, det_log(1) == 0 exactly.
// Subnormal inputs are handled. Not on a hot path, so plain branches are fine here.
EISIM_HD double det_log(double x) {
  using namespace detmath_detail;
  const double inf = bits_double(0x7ff0000000000000LL);
  if (x != x || x < 0.0) return bits_double(0x7ff8000000000000LL);  // quiet NaN
  if (x == 0.0) return -inf;
  if (x == inf) return x;

  // Write x = m * 2^k with m in [sqrt(1/2), sqrt(2)).
  std::int32_t k = 0;
  if (x < 0x1p-1022) {  // subnormal: scale into the normal range first (exact)
    x = x * 0x1p54;
    k = -54;
  }
  const std::int64_t bits = double_bits(x);
  const std::int64_t mant = bits & 0x000fffffffffffffLL;
  k += static_cast<std::int32_t>(bits >> 52) - 1023;
  // 0x6a09e667f3bcd are the fraction bits of sqrt(2) rounded to double; mantissas at or above
  // it are halved (exponent field 1022 instead of 1023) so that m < sqrt(2).
  const bool halve = mant >= 0x6a09e667f3bcdLL;
  const double m = bits_double(mant | (halve ? 0x3fe0000000000000LL : 0x3ff0000000000000LL));
  if (halve) k += 1;

  // log(m) = log(1+f) = 2*atanh(s) with s = f/(2+f), |s| <= 3-2*sqrt(2) < 0.1716.
  // f = m - 1 is exact (Sterbenz). Following fdlibm's e_log.c, the identity
  //   2*atanh(s) = 2s + s*R = f - hfsq + s*(hfsq + R),   hfsq = f*f/2,
  // keeps the exactly known f as the leading term; the rounding errors of the division and of
  // R only enter through the small correction s*(hfsq + R).
  const double f = m - 1.0;
  const double s = f / (2.0 + f);
  const double z = s * s;
  // R = sum_{j=1..10} 2/(2j+1) z^j (atanh Taylor series, coefficients rounded to double).
  // The first omitted term is below 2^-62 relative to the result, i.e. negligible.
  double R = 0x1.8618618618618p-4;  // 2/21
  R = R * z + 0x1.af286bca1af28p-4;  // 2/19
  R = R * z + 0x1.e1e1e1e1e1e1ep-4;  // 2/17
  R = R * z + 0x1.1111111111111p-3;  // 2/15
  R = R * z + 0x1.3b13b13b13b14p-3;  // 2/13
  R = R * z + 0x1.745d1745d1746p-3;  // 2/11
  R = R * z + 0x1.c71c71c71c71cp-3;  // 2/9
  R = R * z + 0x1.2492492492492p-2;  // 2/7
  R = R * z + 0x1.999999999999ap-2;  // 2/5
  R = R * z + 0x1.5555555555555p-1;  // 2/3
  R = R * z;
  const double hfsq = 0.5 * f * f;

  // k*ln2 with ln2 = LN2_HI + LN2_LO (fdlibm's split): LN2_HI has 32 trailing zero bits, so
  // k*LN2_HI is exact for every exponent; the small parts are summed first, the exact large
  // term last, so the result is rounded once at the end to within about 1 ulp.
  const double LN2_HI = 0x1.62e42feep-1;
  const double LN2_LO = 0x1.a39ef35793c76p-33;
  const double dk = static_cast<double>(k);
  return dk * LN2_HI - ((hfsq - (s * (hfsq + R) + dk * LN2_LO)) - f);
}

}  // namespace eisim
