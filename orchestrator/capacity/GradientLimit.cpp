#include "orchestrator/capacity/GradientLimit.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace orchsim::orchestrator::capacity {

namespace {
void require(bool ok, const char* message)
{
  if (!ok) {
    std::fprintf(stderr, "orchsim: capacity::GradientLimit: %s\n", message);
    std::abort();
  }
}
} // namespace

GradientLimit::GradientLimit(Options options) : options_(options), estimated_limit_(options.initial_limit)
{
  const char* error = check_options(options_);
  require(error == nullptr, error);
}

// ExpAvgMeasurement.add: a plain mean while warming up, then an exponential average.
double GradientLimit::add_long_rtt_sample(double rtt_s)
{
  if (long_rtt_samples_ < LONG_RTT_WARMUP_SAMPLES) {
    ++long_rtt_samples_;
    long_rtt_warmup_sum_s_ += rtt_s;
    long_rtt_s_ = long_rtt_warmup_sum_s_ / long_rtt_samples_;
  } else {
    const double factor = 2.0 / (options_.long_window + 1.0);
    long_rtt_s_ = long_rtt_s_ * (1.0 - factor) + rtt_s * factor;
  }
  return long_rtt_s_;
}

void GradientLimit::on_sample(double /*now_s*/, double rtt_s, uint32_t inflight, bool /*dropped*/)
{
  if (!(rtt_s > 0.0))
    return;
  const double limit = estimated_limit_;
  const double queue_size = options_.queue_size;
  const double short_rtt_s = rtt_s;
  const double long_rtt_s = add_long_rtt_sample(rtt_s);

  if (long_rtt_s / short_rtt_s > 2.0)
    long_rtt_s_ *= 0.95; // Gradient2Limit: longRtt.update(current -> current * 0.95)

  if (inflight < limit / 2.0)
    return; // app-limited: do not grow (nor shrink) a limit that is not being used

  const double gradient = std::max(0.5, std::min(1.0, options_.rtt_tolerance * long_rtt_s / short_rtt_s));
  const double target = limit * gradient + queue_size;
  const double smoothed = limit * (1.0 - options_.smoothing) + target * options_.smoothing;
  estimated_limit_ =
      std::clamp(smoothed, static_cast<double>(options_.min_limit), static_cast<double>(options_.max_concurrency));
}

} // namespace orchsim::orchestrator::capacity
