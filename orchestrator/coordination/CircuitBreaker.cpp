#include "orchestrator/coordination/CircuitBreaker.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace orchsim::orchestrator::coordination {

namespace {
void require(bool ok, const char* message)
{
  if (!ok) {
    std::fprintf(stderr, "orchsim: coordination::CircuitBreaker: %s\n", message);
    std::abort();
  }
}
} // namespace

CircuitBreaker::CircuitBreaker(Options options) : options_(options)
{
  const char* error = check_options(options_);
  require(error == nullptr, error);
  buckets_.resize(options_.window_s);
}

bool CircuitBreaker::allow(double now_s)
{
  maybe_half_open(now_s);
  if (state_ == State::CLOSED)
    return true;
  if (state_ == State::HALF_OPEN && probes_admitted_ < options_.permitted_calls_in_half_open) {
    ++probes_admitted_;
    return true;
  }
  ++rejected_;
  return false;
}

bool CircuitBreaker::would_allow(double now_s)
{
  maybe_half_open(now_s);
  return state_ == State::CLOSED ||
         (state_ == State::HALF_OPEN && probes_admitted_ < options_.permitted_calls_in_half_open);
}

CircuitBreaker::State CircuitBreaker::get_state(double now_s)
{
  maybe_half_open(now_s);
  return state_;
}

void CircuitBreaker::maybe_half_open(double now_s)
{
  if (state_ != State::OPEN || !(now_s > opened_at_s_ + options_.open_duration_s))
    return;
  state_ = State::HALF_OPEN;
  reset_counts();
  ++transitions_.open_to_half_open;
}

void CircuitBreaker::on_outcome(bool failure, double now_s)
{
  maybe_half_open(now_s);
  if (state_ == State::CLOSED)
    on_closed_outcome(failure, now_s);
  else if (state_ == State::HALF_OPEN)
    on_half_open_outcome(failure, now_s);
  // OPEN: an outcome of a call let through before the breaker opened; it changes nothing.
}

void CircuitBreaker::on_closed_outcome(bool failure, double now_s)
{
  consecutive_failures_ = failure ? consecutive_failures_ + 1 : 0;
  if (options_.consecutive_failures && consecutive_failures_ >= *options_.consecutive_failures) {
    open(now_s);
    ++transitions_.closed_to_open;
    return;
  }
  if (!options_.failure_rate_threshold_percent)
    return;
  advance_window(now_s);
  Bucket& bucket = buckets_[static_cast<size_t>(head_second_ % options_.window_s)];
  ++bucket.calls;
  ++window_calls_;
  if (failure) {
    ++bucket.failures;
    ++window_failures_;
  }
  if (window_calls_ >= options_.minimum_calls && rate_reached(window_calls_, window_failures_)) {
    open(now_s);
    ++transitions_.closed_to_open;
  }
}

void CircuitBreaker::on_half_open_outcome(bool failure, double now_s)
{
  ++probe_outcomes_;
  if (failure)
    ++probe_failures_;
  if (failure && options_.consecutive_failures) {
    open(now_s);
    ++transitions_.half_open_to_open;
    return;
  }
  if (options_.failure_rate_threshold_percent) {
    if (probe_outcomes_ < std::min(options_.permitted_calls_in_half_open, options_.minimum_calls))
      return;
    if (rate_reached(probe_outcomes_, probe_failures_)) {
      open(now_s);
      ++transitions_.half_open_to_open;
    } else {
      close();
    }
    return;
  }
  if (probe_outcomes_ >= options_.permitted_calls_in_half_open)
    close();
}

bool CircuitBreaker::rate_reached(uint64_t calls, uint64_t failures) const
{
  // 100 * failures / calls >= threshold, without the division (exact for integer thresholds).
  return 100.0 * static_cast<double>(failures) >= *options_.failure_rate_threshold_percent * static_cast<double>(calls);
}

void CircuitBreaker::advance_window(double now_s)
{
  const auto second = static_cast<int64_t>(std::floor(now_s));
  if (second <= head_second_)
    return;
  const int64_t window = options_.window_s;
  const int64_t steps = std::min<int64_t>(second - head_second_, window);
  for (int64_t i = 1; i <= steps; ++i) {
    Bucket& expired = buckets_[static_cast<size_t>((head_second_ + i) % window)];
    window_calls_ -= expired.calls;
    window_failures_ -= expired.failures;
    expired = Bucket{};
  }
  head_second_ = second;
}

void CircuitBreaker::reset_counts()
{
  std::fill(buckets_.begin(), buckets_.end(), Bucket{});
  window_calls_ = 0;
  window_failures_ = 0;
  consecutive_failures_ = 0;
  probes_admitted_ = 0;
  probe_outcomes_ = 0;
  probe_failures_ = 0;
}

void CircuitBreaker::open(double now_s)
{
  state_ = State::OPEN;
  opened_at_s_ = now_s;
  reset_counts();
}

void CircuitBreaker::close()
{
  state_ = State::CLOSED;
  reset_counts();
  ++transitions_.half_open_to_closed;
}

} // namespace orchsim::orchestrator::coordination
