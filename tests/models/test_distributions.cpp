#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstddef>
#include <vector>

#include "models/Distribution.hpp"
#include "sim/Rng.hpp"

namespace models = orchsim::models;
namespace sim = orchsim::sim;

namespace {

constexpr std::size_t SAMPLE_COUNT = 200000;
// A sample statistic more than 5 standard errors from its true value happens with probability < 6e-7
// (normal approximation): a failure means a bug, not bad luck. The seed is fixed anyway.
constexpr double STANDARD_ERRORS = 5.0;
const double PI = std::acos(-1.0);

std::vector<double> draw(const models::Distribution& dist, std::size_t count)
{
  sim::Rng rng(42, "test");
  std::vector<double> xs(count);
  for (auto& x : xs)
    x = dist.sample(rng);
  return xs;
}

struct SampleMoments {
  double mean = 0.0;
  double variance = 0.0;       // divided by n: the difference from n - 1 is far below the tolerance
  double fourth_central = 0.0; // mu_4, for the standard error of the variance
};

SampleMoments moments_of(const std::vector<double>& xs)
{
  const auto n = static_cast<double>(xs.size());
  SampleMoments m;
  for (double x : xs)
    m.mean += x;
  m.mean /= n;
  for (double x : xs) {
    const double d2 = (x - m.mean) * (x - m.mean);
    m.variance += d2;
    m.fourth_central += d2 * d2;
  }
  m.variance /= n;
  m.fourth_central /= n;
  return m;
}

/** |actual - expected| within `standard_errors` standard errors (plus rounding slack for a zero error). */
bool within(double actual, double expected, double standard_error)
{
  return std::abs(actual - expected) <= STANDARD_ERRORS * standard_error + 1e-12 * std::abs(expected);
}

bool all_non_negative_and_finite(const std::vector<double>& xs)
{
  return std::all_of(xs.begin(), xs.end(), [](double x) { return std::isfinite(x) && x >= 0.0; });
}

/** Draws SAMPLE_COUNT values; checks they are non-negative and that the sample mean is within 5 standard
 *  errors of mean(), the standard error being sqrt(Var / n) with the closed-form variance. */
void check_sample_mean(const models::Distribution& dist)
{
  INFO(dist.describe());
  const auto xs = draw(dist, SAMPLE_COUNT);
  CHECK(all_non_negative_and_finite(xs));
  const auto mean = dist.mean();
  const auto variance = dist.variance();
  REQUIRE(mean);
  REQUIRE(variance);
  const auto sample = moments_of(xs);
  // Standard error of the sample mean: sqrt(Var / n).
  const double mean_se = std::sqrt(*variance / static_cast<double>(SAMPLE_COUNT));
  INFO("sample mean " << sample.mean << ", closed form " << *mean << ", standard error " << mean_se);
  CHECK(within(sample.mean, *mean, mean_se));
}

/** As check_sample_mean, and the sample variance is within 5 standard errors of variance(), the standard
 *  error being sqrt((mu_4 - sigma^4) / n) with mu_4 estimated from the sample. REQUIRES a finite mu_4. */
void check_sample_mean_and_variance(const models::Distribution& dist)
{
  check_sample_mean(dist);
  INFO(dist.describe());
  const auto sample = moments_of(draw(dist, SAMPLE_COUNT));
  const auto variance = dist.variance();
  REQUIRE(variance);
  const double excess = sample.fourth_central - sample.variance * sample.variance;
  const double variance_se = std::sqrt(std::max(0.0, excess) / static_cast<double>(SAMPLE_COUNT));
  INFO("sample variance " << sample.variance << ", closed form " << *variance << ", standard error " << variance_se);
  CHECK(within(sample.variance, *variance, variance_se));
}

double sorted_quantile(const std::vector<double>& sorted, double q)
{
  return sorted[static_cast<std::size_t>(q * static_cast<double>(sorted.size() - 1))];
}

std::vector<models::DistributionPtr> one_of_each()
{
  return {
      models::make_constant(3.0),
      models::make_exponential(2.0),
      models::make_lognormal(-1.0, 0.5),
      models::make_gamma(2.0, 3.0),
      models::make_gamma(0.5, 2.0),
      models::make_weibull(1.5, 2.0),
      models::make_pareto(3.0, 2.0),
      models::make_uniform(2.0, 5.0),
      models::make_empirical({0.1, 0.5, 2.0, 7.0}),
      models::make_histogram({0.0, 1.0, 3.0}, {1.0, 1.0}),
      models::make_mixture({3.0, 1.0}, {models::make_exponential(1.0), models::make_gamma(0.5, 2.0)}),
  };
}

} // namespace

// ---- Sampling: sample moments against the closed forms ---------------------------------------------------

TEST_CASE("models::Distribution: constant sample mean and variance match its closed forms", "[models]")
{
  check_sample_mean_and_variance(*models::make_constant(3.0));
}

TEST_CASE("models::Distribution: exponential sample mean and variance match its closed forms", "[models]")
{
  check_sample_mean_and_variance(*models::make_exponential(2.0));
  check_sample_mean_and_variance(*models::make_exponential(0.001));
}

TEST_CASE("models::Distribution: lognormal sample mean and variance match its closed forms", "[models]")
{
  check_sample_mean_and_variance(*models::make_lognormal(-1.0, 0.5));
  check_sample_mean_and_variance(*models::make_lognormal_mean_sigma(2.0, 0.3));
}

TEST_CASE("models::Distribution: gamma sample mean and variance match its closed forms", "[models]")
{
  check_sample_mean_and_variance(*models::make_gamma(2.0, 3.0)); // Marsaglia–Tsang directly
  check_sample_mean_and_variance(*models::make_gamma(1.0, 1.0));
  check_sample_mean_and_variance(*models::make_gamma(0.5, 2.0)); // shape < 1: boosted by U^(1/shape)
  check_sample_mean_and_variance(*models::make_gamma(9.0, 0.1));
}

TEST_CASE("models::Distribution: weibull sample mean and variance match its closed forms", "[models]")
{
  check_sample_mean_and_variance(*models::make_weibull(1.5, 2.0));
  check_sample_mean_and_variance(*models::make_weibull(0.5, 1.0));
}

TEST_CASE("models::Distribution: pareto sample mean and variance match its closed forms", "[models]")
{
  // Shape 3: finite variance, so the sample mean has a standard error; the fourth moment is infinite, so
  // only the mean is checked. Shape 5: finite fourth moment, so the sample variance is checked too.
  check_sample_mean(*models::make_pareto(3.0, 2.0));
  check_sample_mean_and_variance(*models::make_pareto(5.0, 2.0));
}

TEST_CASE("models::Distribution: uniform sample mean and variance match its closed forms", "[models]")
{
  check_sample_mean_and_variance(*models::make_uniform(2.0, 5.0));
  check_sample_mean_and_variance(*models::make_uniform(4.0, 4.0));
}

TEST_CASE("models::Distribution: empirical sample mean and variance match those of its data", "[models]")
{
  check_sample_mean_and_variance(*models::make_empirical({0.1, 0.5, 2.0, 7.0}));
  check_sample_mean_and_variance(*models::make_empirical({5.0}));
}

TEST_CASE("models::Distribution: histogram sample mean and variance match those of its bins", "[models]")
{
  check_sample_mean_and_variance(*models::make_histogram({0.0, 1.0, 3.0}, {1.0, 1.0}));
  check_sample_mean_and_variance(*models::make_histogram({0.0, 0.1, 0.2, 1.0, 10.0}, {5.0, 0.0, 3.0, 0.5}));
}

TEST_CASE("models::Distribution: mixture sample mean and variance match its closed forms", "[models]")
{
  check_sample_mean_and_variance(
      *models::make_mixture({3.0, 1.0}, {models::make_exponential(1.0), models::make_lognormal(1.0, 0.5)}));
  check_sample_mean_and_variance(
      *models::make_mixture({0.9, 0.1}, {models::make_constant(0.05), models::make_uniform(1.0, 2.0)}));
}

// ---- Sampling: support and determinism -------------------------------------------------------------------

TEST_CASE("models::Distribution: extreme parameters still give finite non-negative draws", "[models]")
{
  const std::vector<models::DistributionPtr> extremes = {
      models::make_pareto(0.02, 1.0),                                    // U^(-50) overflows for small U
      models::make_weibull(0.005, 1.0),                                  // (-ln U)^200 overflows
      models::make_lognormal(0.0, 400.0), models::make_gamma(0.01, 1.0), // U^(100) underflows to 0
      models::make_exponential(1e300),
  };
  for (const auto& dist : extremes) {
    INFO(dist->describe());
    CHECK(all_non_negative_and_finite(draw(*dist, 20000)));
  }
}

TEST_CASE("models::Distribution: two streams with the same seed and name give identical draws", "[models]")
{
  for (const auto& dist : one_of_each()) {
    INFO(dist->describe());
    sim::Rng first(42, "test");
    sim::Rng second(42, "test");
    std::vector<double> a(1000);
    std::vector<double> b(1000);
    for (auto& x : a)
      x = dist->sample(first);
    for (auto& x : b)
      x = dist->sample(second);
    CHECK(a == b);
  }
}

TEST_CASE("models::Distribution: histogram never draws from a zero-weight bin", "[models]")
{
  const auto dist = models::make_histogram({0.0, 1.0, 2.0, 3.0, 4.0}, {0.0, 1.0, 0.0, 2.0});
  const auto xs = draw(*dist, 20000);
  CHECK(std::none_of(xs.begin(), xs.end(), [](double x) { return x < 1.0 || (x >= 2.0 && x < 3.0); }));
  // Bin [3, 4) has two thirds of the weight: binomial standard error sqrt(p (1 - p) / n) ~ 0.0033.
  const auto high = std::count_if(xs.begin(), xs.end(), [](double x) { return x >= 3.0; });
  CHECK(static_cast<double>(high) / 20000.0 == Approx(2.0 / 3.0).margin(5 * 0.0034));
}

TEST_CASE("models::Distribution: mixture never draws from a zero-weight component", "[models]")
{
  const auto dist = models::make_mixture(
      {0.0, 1.0, 0.0}, {models::make_constant(1.0), models::make_constant(2.0), models::make_constant(3.0)});
  const auto xs = draw(*dist, 20000);
  CHECK(std::all_of(xs.begin(), xs.end(), [](double x) { return x == 2.0; }));
}

TEST_CASE("models::Distribution: lognormal from median and p99 has that sample median and p99", "[models]")
{
  const double median = 0.1;
  const double p99 = 0.3;
  auto xs = draw(*models::make_lognormal_median_p99(median, p99), SAMPLE_COUNT);
  std::sort(xs.begin(), xs.end());
  // Standard error of a sample q-quantile: sqrt(q (1 - q) / n) / f(x_q); for a lognormal, relative to x_q,
  // sigma sqrt(q (1 - q) / n) / phi(z_q). With sigma = ln(3) / 2.326 = 0.472: 0.26 % at the median,
  // 0.39 % at p99, so 2 % is at least 5 standard errors.
  CHECK(sorted_quantile(xs, 0.5) == Approx(median).epsilon(0.02));
  CHECK(sorted_quantile(xs, 0.99) == Approx(p99).epsilon(0.02));
}

// ---- Closed forms ----------------------------------------------------------------------------------------

TEST_CASE("models::Distribution: constant and exponential closed forms", "[models]")
{
  CHECK(*models::make_constant(3.0)->mean() == 3.0);
  CHECK(*models::make_constant(3.0)->variance() == 0.0);
  // Exponential: E = m, Var = m^2.
  CHECK(*models::make_exponential(2.0)->mean() == Approx(2.0));
  CHECK(*models::make_exponential(2.0)->variance() == Approx(4.0));
}

TEST_CASE("models::Distribution: lognormal closed forms", "[models]")
{
  // ln X ~ N(0, 1): E = exp(1/2) = 1.6487212707, Var = (e - 1) e = 4.6707742705.
  CHECK(*models::make_lognormal(0.0, 1.0)->mean() == Approx(1.6487212707));
  CHECK(*models::make_lognormal(0.0, 1.0)->variance() == Approx(4.6707742705));
  // mu = ln(mean) - sigma^2/2 gives E = mean; Var = mean^2 (exp(sigma^2) - 1) = 4 (e^0.25 - 1) = 1.1361016667.
  CHECK(*models::make_lognormal_mean_sigma(2.0, 0.5)->mean() == Approx(2.0));
  CHECK(*models::make_lognormal_mean_sigma(2.0, 0.5)->variance() == Approx(1.1361016667));
  // median = exp(mu) = 1 and sigma = ln(10) / z_0.99 with z_0.99 = 2.3263478740: E = exp(sigma^2 / 2).
  const double sigma = std::log(10.0) / 2.3263478740408408;
  CHECK(*models::make_lognormal_median_p99(1.0, 10.0)->mean() == Approx(std::exp(0.5 * sigma * sigma)));
  // Overflowing closed forms are unknown rather than infinite.
  CHECK_FALSE(models::make_lognormal(0.0, 40.0)->variance());
}

TEST_CASE("models::Distribution: gamma closed forms", "[models]")
{
  // Gamma(k, theta): E = k theta = 6, Var = k theta^2 = 18.
  CHECK(*models::make_gamma(2.0, 3.0)->mean() == Approx(6.0));
  CHECK(*models::make_gamma(2.0, 3.0)->variance() == Approx(18.0));
  // k = 0.5, theta = 2 is chi-squared with 1 degree of freedom: E = 1, Var = 2.
  CHECK(*models::make_gamma(0.5, 2.0)->mean() == Approx(1.0));
  CHECK(*models::make_gamma(0.5, 2.0)->variance() == Approx(2.0));
}

TEST_CASE("models::Distribution: weibull closed forms", "[models]")
{
  // Shape 1 is the exponential with mean lambda: E = lambda Gamma(2) = 2, Var = lambda^2 (Gamma(3) - 1) = 4.
  CHECK(*models::make_weibull(1.0, 2.0)->mean() == Approx(2.0));
  CHECK(*models::make_weibull(1.0, 2.0)->variance() == Approx(4.0));
  // Shape 2 is the Rayleigh with sigma = lambda / sqrt(2): E = lambda sqrt(pi) / 2, Var = lambda^2 (1 - pi/4).
  CHECK(*models::make_weibull(2.0, 1.0)->mean() == Approx(std::sqrt(PI) / 2.0));
  CHECK(*models::make_weibull(2.0, 1.0)->variance() == Approx(1.0 - PI / 4.0));
  // Shape 0.5: E = lambda Gamma(3) = 2, Var = lambda^2 (Gamma(5) - Gamma(3)^2) = 24 - 4 = 20.
  CHECK(*models::make_weibull(0.5, 1.0)->mean() == Approx(2.0));
  CHECK(*models::make_weibull(0.5, 1.0)->variance() == Approx(20.0));
}

TEST_CASE("models::Distribution: pareto has a mean only above shape 1 and a variance only above 2", "[models]")
{
  // E = alpha x_m / (alpha - 1) = 1.5 / 0.5 = 3; Var is infinite for alpha <= 2.
  CHECK(*models::make_pareto(1.5, 1.0)->mean() == Approx(3.0));
  CHECK_FALSE(models::make_pareto(1.5, 1.0)->variance());
  // alpha = 3, x_m = 2: E = 6 / 2 = 3, Var = x_m^2 alpha / ((alpha - 1)^2 (alpha - 2)) = 12 / 4 = 3.
  CHECK(*models::make_pareto(3.0, 2.0)->mean() == Approx(3.0));
  CHECK(*models::make_pareto(3.0, 2.0)->variance() == Approx(3.0));
  CHECK_FALSE(models::make_pareto(1.0, 1.0)->mean());
  CHECK_FALSE(models::make_pareto(0.8, 1.0)->mean());
  CHECK_FALSE(models::make_pareto(2.0, 1.0)->variance());
}

TEST_CASE("models::Distribution: uniform closed forms", "[models]")
{
  // E = (a + b) / 2 = 3.5, Var = (b - a)^2 / 12 = 0.75.
  CHECK(*models::make_uniform(2.0, 5.0)->mean() == Approx(3.5));
  CHECK(*models::make_uniform(2.0, 5.0)->variance() == Approx(0.75));
}

TEST_CASE("models::Distribution: empirical and histogram moments come from their data", "[models]")
{
  // {1, 2, 3, 4} drawn uniformly: E = 2.5, Var = (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25 (divide by n).
  CHECK(*models::make_empirical({1.0, 2.0, 3.0, 4.0})->mean() == Approx(2.5));
  CHECK(*models::make_empirical({1.0, 2.0, 3.0, 4.0})->variance() == Approx(1.25));
  // Half on U[0, 1), half on U[1, 3): E = (0.5 + 2) / 2 = 1.25;
  // E[X^2] = (1/3 + (1 + 3 + 9)/3) / 2 = 7/3, so Var = 7/3 - 25/16 = 37/48.
  const auto hist = models::make_histogram({0.0, 1.0, 3.0}, {1.0, 1.0});
  CHECK(*hist->mean() == Approx(1.25));
  CHECK(*hist->variance() == Approx(37.0 / 48.0));
}

TEST_CASE("models::Distribution: mixture moments come from its components' moments", "[models]")
{
  // Equal parts of constants 1 and 3: E = 2, Var = sum w_i (v_i + m_i^2) - E^2 = (1 + 9) / 2 - 4 = 1.
  const auto two_points = models::make_mixture({1.0, 1.0}, {models::make_constant(1.0), models::make_constant(3.0)});
  CHECK(*two_points->mean() == Approx(2.0));
  CHECK(*two_points->variance() == Approx(1.0));
  // 3:1 of exponential(1) (m 1, v 1) and uniform(2, 5) (m 3.5, v 0.75):
  // E = 0.75 + 0.875 = 1.625; Var = 0.75 (1 + 1) + 0.25 (0.75 + 12.25) - 1.625^2 = 4.75 - 2.640625 = 2.109375.
  const auto weighted =
      models::make_mixture({3.0, 1.0}, {models::make_exponential(1.0), models::make_uniform(2.0, 5.0)});
  CHECK(*weighted->mean() == Approx(1.625));
  CHECK(*weighted->variance() == Approx(2.109375));
  // A component without a variance: the mixture has a mean (0.5 * 1 + 0.5 * 3 = 2) but no variance.
  const auto heavy = models::make_mixture({1.0, 1.0}, {models::make_constant(1.0), models::make_pareto(1.5, 1.0)});
  CHECK(*heavy->mean() == Approx(2.0));
  CHECK_FALSE(heavy->variance());
  // A component without a mean: neither.
  const auto heavier = models::make_mixture({1.0, 1.0}, {models::make_constant(1.0), models::make_pareto(0.8, 1.0)});
  CHECK_FALSE(heavier->mean());
  CHECK_FALSE(heavier->variance());
}

TEST_CASE("models::Distribution: describe() names the distribution and its parameters", "[models]")
{
  CHECK(models::make_constant(3.0)->describe() == "constant(value=3)");
  CHECK(models::make_exponential(1.0)->describe() == "exponential(mean=1)");
  CHECK(models::make_lognormal(-1.0, 0.5)->describe() == "lognormal(mu=-1, sigma=0.5)");
  CHECK(models::make_gamma(2.0, 3.0)->describe() == "gamma(shape=2, scale=3)");
  CHECK(models::make_weibull(1.5, 0.25)->describe() == "weibull(shape=1.5, scale=0.25)");
  CHECK(models::make_pareto(1.5, 1.0)->describe() == "pareto(shape=1.5, scale=1)");
  CHECK(models::make_uniform(0.0, 0.001)->describe() == "uniform(min=0, max=0.001)");
  CHECK(models::make_empirical({1.0, 2.0, 3.0, 4.0})->describe() == "empirical(n=4, mean=2.5)");
  CHECK(models::make_histogram({0.0, 1.0, 3.0}, {1.0, 1.0})->describe() == "histogram(bins=2, range=[0, 3])");
  CHECK(models::make_mixture({3.0, 1.0}, {models::make_exponential(1.0), models::make_constant(5.0)})->describe() ==
        "mixture(0.75*exponential(mean=1), 0.25*constant(value=5))");
}
