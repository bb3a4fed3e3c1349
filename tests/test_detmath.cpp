// Accuracy and special values of the deterministic exp/log (include/eisim/model/detmath.hpp).
#include "eisim/model/detmath.hpp"

#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

namespace {

using eisim::det_expf;
using eisim::det_log;

constexpr double kE = 2.718281828459045235360287471352662498;  // std::numbers::e is C++20

// Position of a float/double on the number line as an integer, so that the difference of two
// positions counts the representable values between them (ulps).
std::int64_t ordinal(float x) {
  std::int32_t i;
  std::memcpy(&i, &x, sizeof i);
  return i < 0 ? -static_cast<std::int64_t>(i & 0x7fffffff) : i;
}

std::int64_t ordinal(double x) {
  std::int64_t i;
  std::memcpy(&i, &x, sizeof i);
  return i < 0 ? -(i & 0x7fffffffffffffffLL) : i;
}

std::int64_t ulp_distance(float a, float b) { return std::llabs(ordinal(a) - ordinal(b)); }
std::int64_t ulp_distance(double a, double b) { return std::llabs(ordinal(a) - ordinal(b)); }

// Error of y against a more precise reference, in ulps of the float/double nearest to ref.
double float_ulp_error(float y, double ref) {
  int e;
  std::frexp(ref, &e);
  return std::fabs(static_cast<double>(y) - ref) / std::ldexp(1.0, e - 24);
}

double double_ulp_error(double y, long double ref) {
  int e;
  std::frexp(static_cast<double>(ref), &e);
  return static_cast<double>(std::fabs(static_cast<long double>(y) - ref) /
                             std::ldexp(1.0L, e - 53));
}

// ---------------------------------------------------------------- det_expf

struct ExpErrors {
  std::int64_t max_ulps = 0;  // distance to the correctly rounded result
  double max_error = 0;       // versus the double-precision value, in ulps
  float worst_x = 0;
};

void check_exp(float x, ExpErrors& err) {
  const double ref = std::exp(static_cast<double>(x));
  const float y = det_expf(x);
  const std::int64_t d = ulp_distance(y, static_cast<float>(ref));
  const double e = float_ulp_error(y, ref);
  if (d > err.max_ulps) err.max_ulps = d;
  if (e > err.max_error) {
    err.max_error = e;
    err.worst_x = x;
  }
}

// The header promises at most 1 ulp from the correctly rounded result (2 ulp is the project's
// requirement; 1 was verified exhaustively over every float in (-87.33, 88.72) when written).
void expect_exp_within_bound(const ExpErrors& err, const char* what) {
  EXPECT_LE(err.max_ulps, 1) << what << ": worst x = " << err.worst_x;
  EXPECT_LT(err.max_error, 1.1) << what << ": worst x = " << err.worst_x;
  std::printf("det_expf %s: max %lld ulp from correctly rounded, max error %.4f ulp at x = %a\n",
              what, static_cast<long long>(err.max_ulps), err.max_error, err.worst_x);
}

TEST(DetExpf, EvenlySpacedSweep) {
  ExpErrors err;
  const int n = 1000000;
  for (int i = 0; i <= n; ++i) {
    const float x = static_cast<float>(-87.0 + 175.0 * i / n);  // [-87, 88]
    check_exp(x, err);
  }
  expect_exp_within_bound(err, "evenly spaced [-87, 88]");
}

TEST(DetExpf, RandomSweep) {
  std::mt19937_64 rng(20240611);
  std::uniform_real_distribution<float> wide(-87.0f, 88.0f);
  std::uniform_real_distribution<float> narrow(-2.0f, 2.0f);  // typical EIF arguments
  ExpErrors err;
  for (int i = 0; i < 1000000; ++i) {
    check_exp(wide(rng), err);
    check_exp(narrow(rng), err);
  }
  // Random bit patterns: every binade of small |x| gets tested too.
  for (int i = 0; i < 1000000; ++i) {
    const std::uint32_t bits = static_cast<std::uint32_t>(rng());
    float x;
    std::memcpy(&x, &bits, sizeof x);
    if (std::fabs(x) <= 87.0f) check_exp(x, err);
  }
  expect_exp_within_bound(err, "random");
}

TEST(DetExpf, SpecialValues) {
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(det_expf(0.0f), 1.0f);
  EXPECT_EQ(det_expf(-0.0f), 1.0f);
  EXPECT_EQ(det_expf(1e-30f), 1.0f);
  EXPECT_EQ(det_expf(inf), inf);
  EXPECT_EQ(det_expf(-inf), 0.0f);
  EXPECT_TRUE(std::isnan(det_expf(std::numeric_limits<float>::quiet_NaN())));
  EXPECT_TRUE(std::isnan(det_expf(-std::numeric_limits<float>::quiet_NaN())));

  // Overflow: x >= 88.72f is +inf; just below it the result is finite.
  EXPECT_EQ(det_expf(88.72f), inf);
  EXPECT_EQ(det_expf(100.0f), inf);
  EXPECT_EQ(det_expf(FLT_MAX), inf);
  const float below_overflow = std::nextafter(88.72f, 0.0f);
  EXPECT_TRUE(std::isfinite(det_expf(below_overflow)));
  EXPECT_LE(ulp_distance(det_expf(below_overflow),
                         static_cast<float>(std::exp(static_cast<double>(below_overflow)))),
            1);

  // Underflow: x <= -87.33f is exactly 0, and no subnormal result is ever produced.
  EXPECT_EQ(det_expf(-87.33f), 0.0f);
  EXPECT_EQ(det_expf(-100.0f), 0.0f);
  EXPECT_EQ(det_expf(-FLT_MAX), 0.0f);
  for (float x = -87.33f; x < -86.0f; x = std::nextafter(x, 0.0f)) {
    const float y = det_expf(x);
    ASSERT_TRUE(y == 0.0f || y >= FLT_MIN) << "subnormal result at x = " << x;
  }
  EXPECT_GE(det_expf(std::nextafter(-87.33f, 0.0f)), FLT_MIN);

  // Exact powers of e are not representable, but a few easy checks of scale:
  EXPECT_LE(ulp_distance(det_expf(1.0f), static_cast<float>(kE)), 1);
  EXPECT_LE(ulp_distance(det_expf(-1.0f), static_cast<float>(1.0 / kE)), 1);
}

// exp must never decrease; the EIF update calls exp((V - V_T)/Delta_T) around 0 and the
// threshold is reached around 30. The grids cross the range-reduction boundaries at
// +-ln2/2 and 43.5*ln2 ~ 30.15, where a polynomial switch could break monotonicity.
TEST(DetExpf, MonotonicAroundZero) {
  const int n = 1 << 26;  // step 2^-26 over [-0.5, 0.5], finer than an ulp of exp near 1
  float prev = det_expf(-0.5f);
  for (int i = 1; i <= n; ++i) {
    const float x = -0.5f + static_cast<float>(i) * 0x1p-26f;
    const float y = det_expf(x);
    ASSERT_LE(prev, y) << "det_expf decreases at x = " << x;
    prev = y;
  }
}

TEST(DetExpf, MonotonicAroundThirty) {
  // Every float in [29, 31].
  float prev = det_expf(29.0f);
  for (float x = std::nextafter(29.0f, 32.0f); x <= 31.0f; x = std::nextafter(x, 32.0f)) {
    const float y = det_expf(x);
    ASSERT_LE(prev, y) << "det_expf decreases at x = " << x;
    prev = y;
  }
}

// ---------------------------------------------------------------- det_log

struct LogErrors {
  std::int64_t max_ulps_vs_std = 0;  // distance to std::log
  double max_error = 0;              // versus long double log, in ulps
  double worst_x = 0;
};

void check_log(double x, LogErrors& err) {
  const double y = det_log(x);
  const long double ref = std::log(static_cast<long double>(x));
  const std::int64_t d = ulp_distance(y, std::log(x));
  const double e = double_ulp_error(y, ref);
  if (d > err.max_ulps_vs_std) err.max_ulps_vs_std = d;
  if (e > err.max_error) {
    err.max_error = e;
    err.worst_x = x;
  }
}

// The header promises an error below 1 ulp; with long double as precise as double (not x86)
// the reference itself is off by up to half an ulp, hence the margin.
void expect_log_within_bound(const LogErrors& err, const char* what) {
  const double bound = std::numeric_limits<long double>::digits > 53 ? 1.0 : 1.5;
  EXPECT_LT(err.max_error, bound) << what << ": worst x = " << err.worst_x;
  EXPECT_LE(err.max_ulps_vs_std, 2) << what << ": worst x = " << err.worst_x;
  std::printf("det_log %s: max %lld ulp from std::log, max error %.4f ulp at x = %a\n", what,
              static_cast<long long>(err.max_ulps_vs_std), err.max_error, err.worst_x);
}

TEST(DetLog, EvenlySpacedSweep) {
  LogErrors err;
  const int n = 1000000;
  for (int i = 1; i <= n; ++i) check_log(4.0 * i / n, err);  // (0, 4]: both sides of 1
  for (int i = 1; i <= n; ++i) check_log(1.0 + (i - n / 2) * 1e-12, err);  // around 1
  expect_log_within_bound(err, "evenly spaced");
}

TEST(DetLog, RandomSweep) {
  std::mt19937_64 rng(7);
  LogErrors err;
  // Random bit patterns: every exponent, subnormals included.
  for (int i = 0; i < 1000000; ++i) {
    const std::uint64_t bits = rng() & 0x7fffffffffffffffULL;
    double x;
    std::memcpy(&x, &bits, sizeof x);
    if (x > 0.0 && std::isfinite(x)) check_log(x, err);
  }
  // Uniform on (0, 1): the inputs of Poisson intervals and geometric skipping.
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int i = 0; i < 1000000; ++i) {
    const double u = unit(rng);
    if (u > 0.0) check_log(u, err);
  }
  // Just below and above 1, where log(x) ~ x - 1 and cancellation would hurt.
  std::uniform_real_distribution<double> tiny(-1e-6, 1e-6);
  for (int i = 0; i < 1000000; ++i) check_log(1.0 + tiny(rng), err);
  expect_log_within_bound(err, "random");
}

TEST(DetLog, SpecialValues) {
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(det_log(1.0), 0.0);
  EXPECT_FALSE(std::signbit(det_log(1.0)));
  EXPECT_EQ(det_log(inf), inf);
  EXPECT_TRUE(std::isnan(det_log(-1.0)));
  EXPECT_TRUE(std::isnan(det_log(-inf)));
  EXPECT_TRUE(std::isnan(det_log(-DBL_MIN)));
  EXPECT_TRUE(std::isnan(det_log(std::numeric_limits<double>::quiet_NaN())));
  const double at_zero = det_log(0.0);
  EXPECT_TRUE(std::isnan(at_zero) || at_zero == -inf);

  // Values close to 1 and extreme magnitudes.
  for (double x : {1.0 - 1e-12, 1.0 + 1e-12, std::nextafter(1.0, 0.0), std::nextafter(1.0, 2.0),
                   1e-300, 1e300, DBL_MIN, DBL_MAX, DBL_TRUE_MIN, 0.5, 2.0, 10.0, kE}) {
    const double e = double_ulp_error(det_log(x), std::log(static_cast<long double>(x)));
    EXPECT_LT(e, 1.0) << "x = " << x;
    EXPECT_LE(ulp_distance(det_log(x), std::log(x)), 1) << "x = " << x;
  }
}

TEST(DetLog, PowersOfTwo) {
  const long double ln2 = 0.693147180559945309417232121458176568L;
  for (int k = -1074; k <= 1023; ++k) {
    const double x = std::ldexp(1.0, k);
    const double expected = static_cast<double>(k * ln2);
    ASSERT_LE(ulp_distance(det_log(x), expected), 1) << "k = " << k;
  }
}

}  // namespace
