#include "models/Distribution.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <limits>

namespace orchsim::models {

namespace {

// z such that Phi(z) = 0.99, the standard normal 99th percentile.
constexpr double Z_P99 = 2.3263478740408408;

/** Compact number for describe(): "%g", so 1 prints as "1" and 0.000125 as "0.000125". */
std::string format_number(double x)
{
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", x);
  return buffer;
}

/** A closed form that overflowed (huge sigma, tiny Weibull shape) is reported as unknown. */
std::optional<double> if_finite(double x)
{
  if (std::isfinite(x))
    return x;
  return std::nullopt;
}

/** Heavy tails can overflow to +inf for extreme parameters; a simulated time must stay finite. */
double clamp_finite(double x)
{
  return std::min(x, std::numeric_limits<double>::max());
}

/** -ln(u) for u in (0, 1]: an Exp(1) variate. Written as 0 - ln(u) so that u == 1 gives +0, not -0. */
double standard_exponential(sim::Rng& rng)
{
  return 0.0 - std::log(rng.uniform_pos());
}

/** Picks index i with probability weights[i] / sum(weights), by binary search on the cumulative sums.
 *  Zero-weight entries are never picked. */
class WeightedIndex {
public:
  explicit WeightedIndex(const std::vector<double>& weights)
  {
    cumulative_.reserve(weights.size());
    double sum = 0.0;
    for (size_t i = 0; i < weights.size(); ++i) {
      if (weights[i] > 0.0) {
        sum += weights[i];
        last_positive_ = i;
      }
      cumulative_.push_back(sum);
    }
  }

  size_t pick(sim::Rng& rng) const
  {
    const double target = rng.uniform() * cumulative_.back();
    // First entry whose cumulative sum exceeds the target: zero-weight entries share their predecessor's
    // sum, so they are skipped. uniform() < 1, but the product can round up to the total: take the last
    // entry that has weight.
    const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), target);
    return it == cumulative_.end() ? last_positive_ : static_cast<size_t>(it - cumulative_.begin());
  }

  double probability(size_t i) const
  {
    const double previous = i == 0 ? 0.0 : cumulative_[i - 1];
    return (cumulative_[i] - previous) / cumulative_.back();
  }

  size_t size() const { return cumulative_.size(); }

private:
  std::vector<double> cumulative_;
  size_t last_positive_ = 0;
};

class Constant final : public Distribution {
public:
  explicit Constant(double value) : value_(value) {}
  double sample(sim::Rng&) const override { return value_; }
  std::optional<double> mean() const override { return value_; }
  std::optional<double> variance() const override { return 0.0; }
  std::string describe() const override { return "constant(value=" + format_number(value_) + ")"; }

private:
  double value_;
};

class Exponential final : public Distribution {
public:
  explicit Exponential(double mean) : mean_(mean) {}
  double sample(sim::Rng& rng) const override { return mean_ * standard_exponential(rng); }
  std::optional<double> mean() const override { return mean_; }
  std::optional<double> variance() const override { return mean_ * mean_; }
  std::string describe() const override { return "exponential(mean=" + format_number(mean_) + ")"; }

private:
  double mean_;
};

class LogNormal final : public Distribution {
public:
  LogNormal(double mu, double sigma) : mu_(mu), sigma_(sigma) {}
  double sample(sim::Rng& rng) const override { return clamp_finite(std::exp(mu_ + sigma_ * rng.normal())); }
  // E = exp(mu + sigma^2/2); Var = (exp(sigma^2) - 1) exp(2 mu + sigma^2).
  std::optional<double> mean() const override { return if_finite(std::exp(mu_ + 0.5 * sigma_ * sigma_)); }
  std::optional<double> variance() const override
  {
    const double s2 = sigma_ * sigma_;
    return if_finite(std::expm1(s2) * std::exp(2.0 * mu_ + s2));
  }
  std::string describe() const override
  {
    return "lognormal(mu=" + format_number(mu_) + ", sigma=" + format_number(sigma_) + ")";
  }

private:
  double mu_;
  double sigma_;
};

/** Marsaglia & Tsang (2000), "A simple method for generating gamma variables", ACM TOMS 26(3).
 *  For shape < 1, draws Gamma(shape + 1) and multiplies by U^(1/shape) (same paper, section 6). */
class Gamma final : public Distribution {
public:
  Gamma(double shape, double scale)
      : shape_(shape), scale_(scale), d_((shape < 1.0 ? shape + 1.0 : shape) - 1.0 / 3.0), c_(1.0 / std::sqrt(9.0 * d_))
  {
  }

  double sample(sim::Rng& rng) const override
  {
    const double y = standard_gamma(rng);
    if (shape_ >= 1.0)
      return clamp_finite(scale_ * y);
    return clamp_finite(scale_ * y * std::pow(rng.uniform_pos(), 1.0 / shape_));
  }
  // E = k theta; Var = k theta^2.
  std::optional<double> mean() const override { return if_finite(shape_ * scale_); }
  std::optional<double> variance() const override { return if_finite(shape_ * scale_ * scale_); }
  std::string describe() const override
  {
    return "gamma(shape=" + format_number(shape_) + ", scale=" + format_number(scale_) + ")";
  }

private:
  /** One Gamma(d + 1/3, 1) draw, d >= 2/3. */
  double standard_gamma(sim::Rng& rng) const
  {
    for (;;) {
      double x;
      double v;
      do {
        x = rng.normal();
        v = 1.0 + c_ * x;
      } while (v <= 0.0);
      v = v * v * v;
      const double u = rng.uniform_pos(); // (0, 1]: its logarithm is finite
      const double x2 = x * x;
      if (u < 1.0 - 0.0331 * x2 * x2) // squeeze: accepts most draws without a logarithm
        return d_ * v;
      if (std::log(u) < 0.5 * x2 + d_ * (1.0 - v + std::log(v)))
        return d_ * v;
    }
  }

  double shape_;
  double scale_;
  double d_;
  double c_;
};

class Weibull final : public Distribution {
public:
  Weibull(double shape, double scale) : shape_(shape), scale_(scale) {}
  // Inversion: F(x) = 1 - exp(-(x/lambda)^k), so x = lambda (-ln U)^(1/k).
  double sample(sim::Rng& rng) const override
  {
    return clamp_finite(scale_ * std::pow(standard_exponential(rng), 1.0 / shape_));
  }
  // E = lambda Gamma(1 + 1/k); Var = lambda^2 (Gamma(1 + 2/k) - Gamma(1 + 1/k)^2).
  std::optional<double> mean() const override { return if_finite(scale_ * std::tgamma(1.0 + 1.0 / shape_)); }
  std::optional<double> variance() const override
  {
    const double g1 = std::tgamma(1.0 + 1.0 / shape_);
    const double g2 = std::tgamma(1.0 + 2.0 / shape_);
    return if_finite(scale_ * scale_ * std::max(0.0, g2 - g1 * g1));
  }
  std::string describe() const override
  {
    return "weibull(shape=" + format_number(shape_) + ", scale=" + format_number(scale_) + ")";
  }

private:
  double shape_;
  double scale_;
};

class Pareto final : public Distribution {
public:
  Pareto(double shape, double scale) : shape_(shape), scale_(scale) {}
  // Inversion: F(x) = 1 - (x_m/x)^alpha, so x = x_m U^(-1/alpha) with U in (0, 1].
  double sample(sim::Rng& rng) const override
  {
    return clamp_finite(scale_ * std::pow(rng.uniform_pos(), -1.0 / shape_));
  }
  // E = alpha x_m / (alpha - 1) for alpha > 1; Var = x_m^2 alpha / ((alpha - 1)^2 (alpha - 2)) for alpha > 2.
  std::optional<double> mean() const override
  {
    if (!(shape_ > 1.0))
      return std::nullopt;
    return if_finite(shape_ * scale_ / (shape_ - 1.0));
  }
  std::optional<double> variance() const override
  {
    if (!(shape_ > 2.0))
      return std::nullopt;
    const double am1 = shape_ - 1.0;
    return if_finite(scale_ * scale_ * shape_ / (am1 * am1 * (shape_ - 2.0)));
  }
  std::string describe() const override
  {
    return "pareto(shape=" + format_number(shape_) + ", scale=" + format_number(scale_) + ")";
  }

private:
  double shape_;
  double scale_;
};

class Uniform final : public Distribution {
public:
  Uniform(double min, double max) : min_(min), max_(max) {}
  double sample(sim::Rng& rng) const override { return min_ + (max_ - min_) * rng.uniform(); }
  // E = (a + b) / 2; Var = (b - a)^2 / 12.
  std::optional<double> mean() const override { return 0.5 * (min_ + max_); }
  std::optional<double> variance() const override { return (max_ - min_) * (max_ - min_) / 12.0; }
  std::string describe() const override
  {
    return "uniform(min=" + format_number(min_) + ", max=" + format_number(max_) + ")";
  }

private:
  double min_;
  double max_;
};

class Empirical final : public Distribution {
public:
  explicit Empirical(std::vector<double> samples) : samples_(std::move(samples))
  {
    // Moments of the discrete uniform distribution over the samples (divide by n, not n - 1).
    const auto n = static_cast<double>(samples_.size());
    double sum = 0.0;
    for (double x : samples_)
      sum += x;
    mean_ = sum / n;
    double squares = 0.0; // two passes: no cancellation when the spread is small next to the mean
    for (double x : samples_)
      squares += (x - mean_) * (x - mean_);
    variance_ = squares / n;
  }

  double sample(sim::Rng& rng) const override { return samples_[rng.below(samples_.size())]; }
  std::optional<double> mean() const override { return if_finite(mean_); }
  std::optional<double> variance() const override { return if_finite(variance_); }
  std::string describe() const override
  {
    return "empirical(n=" + std::to_string(samples_.size()) + ", mean=" + format_number(mean_) + ")";
  }

private:
  std::vector<double> samples_;
  double mean_;
  double variance_;
};

class Histogram final : public Distribution {
public:
  Histogram(std::vector<double> edges, const std::vector<double>& weights) : edges_(std::move(edges)), bins_(weights)
  {
    // Bin i is uniform on [a, b): mean (a + b)/2, variance (b - a)^2/12. By the law of total variance,
    // Var = sum p_i ((b_i - a_i)^2/12 + (mid_i - E)^2).
    mean_ = 0.0;
    for (size_t i = 0; i < bins_.size(); ++i)
      mean_ += bins_.probability(i) * 0.5 * (edges_[i] + edges_[i + 1]);
    variance_ = 0.0;
    for (size_t i = 0; i < bins_.size(); ++i) {
      const double width = edges_[i + 1] - edges_[i];
      const double offset = 0.5 * (edges_[i] + edges_[i + 1]) - mean_;
      variance_ += bins_.probability(i) * (width * width / 12.0 + offset * offset);
    }
  }

  double sample(sim::Rng& rng) const override
  {
    const size_t i = bins_.pick(rng);
    return edges_[i] + (edges_[i + 1] - edges_[i]) * rng.uniform();
  }
  std::optional<double> mean() const override { return if_finite(mean_); }
  std::optional<double> variance() const override { return if_finite(variance_); }
  std::string describe() const override
  {
    return "histogram(bins=" + std::to_string(bins_.size()) + ", range=[" + format_number(edges_.front()) + ", " +
           format_number(edges_.back()) + "])";
  }

private:
  std::vector<double> edges_;
  WeightedIndex bins_;
  double mean_;
  double variance_;
};

class Mixture final : public Distribution {
public:
  Mixture(const std::vector<double>& weights, std::vector<DistributionPtr> components)
      : choice_(weights), components_(std::move(components))
  {
  }

  double sample(sim::Rng& rng) const override { return components_[choice_.pick(rng)]->sample(rng); }

  // E = sum w_i m_i. Components that are never picked (weight 0) do not count.
  std::optional<double> mean() const override
  {
    double sum = 0.0;
    for (size_t i = 0; i < components_.size(); ++i) {
      const double w = choice_.probability(i);
      if (w == 0.0)
        continue;
      const auto m = components_[i]->mean();
      if (!m)
        return std::nullopt;
      sum += w * *m;
    }
    return if_finite(sum);
  }

  // Var = sum w_i (v_i + m_i^2) - E^2, computed as sum w_i (v_i + (m_i - E)^2) to avoid cancellation.
  std::optional<double> variance() const override
  {
    const auto overall_mean = mean();
    if (!overall_mean)
      return std::nullopt;
    double sum = 0.0;
    for (size_t i = 0; i < components_.size(); ++i) {
      const double w = choice_.probability(i);
      if (w == 0.0)
        continue;
      const auto v = components_[i]->variance();
      if (!v)
        return std::nullopt;
      const double offset = *components_[i]->mean() - *overall_mean;
      sum += w * (*v + offset * offset);
    }
    return if_finite(sum);
  }

  std::string describe() const override
  {
    std::string text = "mixture(";
    for (size_t i = 0; i < components_.size(); ++i) {
      if (i > 0)
        text += ", ";
      text += format_number(choice_.probability(i)) + "*" + components_[i]->describe();
    }
    return text + ")";
  }

private:
  WeightedIndex choice_;
  std::vector<DistributionPtr> components_;
};

} // namespace

DistributionPtr make_constant(double value)
{
  return std::make_shared<Constant>(value);
}

DistributionPtr make_exponential(double mean)
{
  return std::make_shared<Exponential>(mean);
}

DistributionPtr make_lognormal(double mu, double sigma)
{
  return std::make_shared<LogNormal>(mu, sigma);
}

DistributionPtr make_lognormal_mean_sigma(double mean, double sigma)
{
  // E = exp(mu + sigma^2/2) = mean.
  return std::make_shared<LogNormal>(std::log(mean) - 0.5 * sigma * sigma, sigma);
}

DistributionPtr make_lognormal_median_p99(double median, double p99)
{
  // median = exp(mu); p99 = exp(mu + sigma z_0.99).
  return std::make_shared<LogNormal>(std::log(median), std::log(p99 / median) / Z_P99);
}

DistributionPtr make_gamma(double shape, double scale)
{
  return std::make_shared<Gamma>(shape, scale);
}

DistributionPtr make_weibull(double shape, double scale)
{
  return std::make_shared<Weibull>(shape, scale);
}

DistributionPtr make_pareto(double shape, double scale)
{
  return std::make_shared<Pareto>(shape, scale);
}

DistributionPtr make_uniform(double min, double max)
{
  return std::make_shared<Uniform>(min, max);
}

DistributionPtr make_empirical(std::vector<double> samples)
{
  return std::make_shared<Empirical>(std::move(samples));
}

DistributionPtr make_histogram(std::vector<double> edges, const std::vector<double>& weights)
{
  return std::make_shared<Histogram>(std::move(edges), weights);
}

DistributionPtr make_mixture(const std::vector<double>& weights, std::vector<DistributionPtr> components)
{
  return std::make_shared<Mixture>(weights, std::move(components));
}

} // namespace orchsim::models
