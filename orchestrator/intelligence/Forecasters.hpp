// orchestrator/intelligence/Forecasters.hpp
#pragma once
#include <cstdint>
#include <vector>

namespace orchsim::orchestrator::intelligence {

/** Forecasts a series observed at regular steps (for example arrivals per autoscaler interval) from its past.
 *  Implementations allocate only at construction, ignore non-finite observations, and forecast 0 before any
 *  observation. Forecasts are not clamped: a count series may be forecast below 0. Not thread-safe. */
class Forecaster {
public:
  virtual ~Forecaster() = default;
  /** Appends the next value of the series. */
  virtual void observe(double y) = 0;
  /** The forecast of the value `steps_ahead` steps after the last observed one (1: the next one); 0 before
   *  any observation. steps_ahead == 0 gives the smoothed value of the last step. */
  virtual double forecast(uint32_t steps_ahead) const = 0;
};

/** The last observed value, whatever the horizon (the "naive" benchmark of forecasting). */
class NaiveForecaster final : public Forecaster {
public:
  void observe(double y) override;
  double forecast(uint32_t steps_ahead) const override;

private:
  double last_ = 0.0;
};

/** Simple exponential smoothing (Hyndman and Athanasopoulos, "Forecasting: Principles and Practice", 3rd ed.,
 *  sec. 8.1): level = alpha y + (1 - alpha) level, the first observation setting the level; the forecast is
 *  flat. */
class EwmaForecaster final : public Forecaster {
public:
  /** Throws std::invalid_argument unless alpha in (0, 1]. */
  explicit EwmaForecaster(double alpha);
  void observe(double y) override;
  double forecast(uint32_t steps_ahead) const override;

private:
  double alpha_;
  double level_ = 0.0;
  bool started_ = false;
};

/** Holt's linear trend method (FPP3 sec. 8.2): level_t = alpha y_t + (1 - alpha)(level + trend),
 *  trend_t = beta (level_t - level) + (1 - beta) trend; forecast(h) = level + h trend. Initialised with
 *  level = y_1 and, at the second observation, level = y_2, trend = y_2 - y_1 (FPP's simple heuristic), so a
 *  noiseless line is forecast exactly from the second observation on. */
class HoltForecaster final : public Forecaster {
public:
  /** Throws std::invalid_argument unless alpha and beta in (0, 1]. */
  HoltForecaster(double alpha, double beta);
  void observe(double y) override;
  double forecast(uint32_t steps_ahead) const override;

private:
  double alpha_;
  double beta_;
  double level_ = 0.0;
  double trend_ = 0.0;
  uint64_t observations_ = 0;
};

/** Additive Holt-Winters (FPP3 sec. 8.3, component form) with season length m:
 *    level_t    = alpha (y_t - s_{t-m}) + (1 - alpha)(level_{t-1} + trend_{t-1})
 *    trend_t    = beta (level_t - level_{t-1}) + (1 - beta) trend_{t-1}
 *    s_t        = gamma (y_t - level_{t-1} - trend_{t-1}) + (1 - gamma) s_{t-m}
 *    forecast(h) = level_t + h trend_t + s_{t+h-m(k+1)}, k = floor((h - 1) / m).
 *  Initialisation: from the first full season, level = its mean, trend = 0, seasonal indices = each value's
 *  deviation from the mean. During that first season the forecast is Holt's (level + h trend, with alpha and
 *  beta, no seasonality). The seasonal index of observation t (0-based) lives in slot t mod m, so after n
 *  observations forecast(h) reads slot (n + h - 1) mod m. A purely periodic series is then forecast exactly. */
class HoltWintersForecaster final : public Forecaster {
public:
  /** Throws std::invalid_argument unless alpha, beta, gamma in (0, 1] and season >= 2. */
  HoltWintersForecaster(double alpha, double beta, double gamma, uint32_t season);
  void observe(double y) override;
  double forecast(uint32_t steps_ahead) const override;
  /** True once the first full season has been seen (forecasts are seasonal from then on). */
  bool is_seasonal() const { return observations_ >= seasonal_.size(); }

private:
  void initialise_season();

  double alpha_;
  double beta_;
  double gamma_;
  std::vector<double> seasonal_; // slot t mod m; during the first season, the raw observations
  double level_ = 0.0;
  double trend_ = 0.0;
  uint64_t observations_ = 0;
};

} // namespace orchsim::orchestrator::intelligence
