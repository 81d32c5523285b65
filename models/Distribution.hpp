// models/Distribution.hpp
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/Rng.hpp"

namespace orchsim::models {

/** A distribution of non-negative values: service times in seconds, think times, token counts.
 *  Immutable after construction and shared between users; all randomness comes from the stream
 *  passed to sample(), so a draw is deterministic for a given stream state.
 *  Constructors REQUIRE valid parameters (the scenario loader checks them and reports bad input). */
class Distribution {
public:
  virtual ~Distribution() = default;
  /** One draw. Never negative, never NaN. */
  virtual double sample(sim::Rng& rng) const = 0;
  /** Mean, where finite and known in closed form. */
  virtual std::optional<double> mean() const = 0;
  /** Variance, where finite and known in closed form (M/G/1 needs it: Pollaczek–Khinchine). */
  virtual std::optional<double> variance() const = 0;
  /** One line for `orchsim explain`, e.g. "exponential(mean=1)". */
  virtual std::string describe() const = 0;
};

using DistributionPtr = std::shared_ptr<const Distribution>;

/** Factories. Each REQUIRES the parameter constraints named; values in the caller's unit. */
DistributionPtr make_constant(double value);                          // value >= 0
DistributionPtr make_exponential(double mean);                        // mean > 0
DistributionPtr make_lognormal(double mu, double sigma);              // ln X ~ N(mu, sigma^2), sigma >= 0
DistributionPtr make_lognormal_mean_sigma(double mean, double sigma); // mean > 0: mu = ln(mean) - sigma^2/2
DistributionPtr make_lognormal_median_p99(double median, double p99); // 0 < median <= p99
DistributionPtr make_gamma(double shape, double scale);               // shape > 0, scale > 0
DistributionPtr make_weibull(double shape, double scale);             // shape > 0, scale > 0
DistributionPtr make_pareto(double shape, double scale);              // shape (alpha) > 0, scale (x_m) > 0
DistributionPtr make_uniform(double min, double max);                 // 0 <= min <= max
/** Draws one of `samples` uniformly. REQUIRES: non-empty, all >= 0. */
DistributionPtr make_empirical(std::vector<double> samples);
/** A histogram: bin i is [edges[i], edges[i+1]) drawn with probability weights[i] / sum, uniform inside.
 *  REQUIRES: edges.size() == weights.size() + 1, edges non-decreasing and >= 0, weights >= 0, sum > 0. */
DistributionPtr make_histogram(std::vector<double> edges, const std::vector<double>& weights);
/** Picks component i with probability weights[i] / sum, then draws from it.
 *  REQUIRES: same non-zero size, weights >= 0, sum > 0. */
DistributionPtr make_mixture(const std::vector<double>& weights, std::vector<DistributionPtr> components);

} // namespace orchsim::models
