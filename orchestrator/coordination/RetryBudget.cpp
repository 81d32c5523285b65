#include "orchestrator/coordination/RetryBudget.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace orchsim::orchestrator::coordination {

namespace {
void require(bool ok, const char* message)
{
  if (!ok) {
    std::fprintf(stderr, "orchsim: coordination::RetryBudget: %s\n", message);
    std::abort();
  }
}

constexpr double FINAGLE_SCALE = models::RETRY_BUDGET_FINAGLE_SCALE; // Finagle TokenRetryBudget.ScaleFactor
} // namespace

RetryBudget::RetryBudget(Options options) : options_(options)
{
  const char* error = check_options(options_);
  require(error == nullptr, error);
  if (options_.kind != Kind::FINAGLE)
    return;
  // Finagle RetryBudget.apply(): deposit 1000, withdrawal 1000 / percent (truncated), reserve scaled by the
  // ttl in whole seconds; with percentCanRetry == 0 only the reserve pays, one unit a retry.
  const bool no_credit = options_.percent_can_retry == 0.0;
  deposit_units_ = no_credit ? 0 : static_cast<int64_t>(FINAGLE_SCALE);
  withdrawal_units_ = no_credit ? 1 : static_cast<int64_t>(FINAGLE_SCALE / options_.percent_can_retry);
  reserve_units_ =
      static_cast<int64_t>(options_.min_retries_per_s) * static_cast<int64_t>(options_.ttl_s) * withdrawal_units_;
  slice_s_ = options_.ttl_s / SLICES;
}

uint64_t RetryBudget::max_retries_in_flight(uint64_t active_requests) const
{
  // Envoy truncates budget_percent / 100 * active to an integer; percent * active / 100 is the same value
  // computed without the rounding of 0.2-style fractions, so exact multiples stay exact.
  const double share = options_.budget_percent * static_cast<double>(active_requests) / 100.0;
  return std::max<uint64_t>(static_cast<uint64_t>(share), options_.min_retry_concurrency);
}

void RetryBudget::on_request(double now_s)
{
  if (options_.kind != Kind::FINAGLE)
    return;
  advance(now_s);
  current_slice() += deposit_units_;
  window_units_ += deposit_units_;
}

bool RetryBudget::try_withdraw(double now_s, uint64_t active_requests)
{
  const bool granted = options_.kind == Kind::FINAGLE ? try_withdraw_finagle(now_s)
                                                      : retries_in_flight_ < max_retries_in_flight(active_requests);
  if (!granted) {
    ++refused_;
    return false;
  }
  ++retries_in_flight_;
  return true;
}

bool RetryBudget::try_withdraw_finagle(double now_s)
{
  advance(now_s);
  if (window_units_ + reserve_units_ < withdrawal_units_)
    return false;
  // The withdrawal is a negative entry in the window: it expires like a deposit does.
  current_slice() -= withdrawal_units_;
  window_units_ -= withdrawal_units_;
  return true;
}

void RetryBudget::on_retry_end()
{
  require(retries_in_flight_ > 0, "on_retry_end() without a retry in flight");
  --retries_in_flight_;
}

int64_t RetryBudget::get_balance(double now_s)
{
  advance(now_s);
  return (window_units_ + reserve_units_) / withdrawal_units_;
}

void RetryBudget::advance(double now_s)
{
  const auto slice = static_cast<int64_t>(std::floor(now_s / slice_s_));
  if (slice <= head_slice_)
    return;
  // Slices older than the newest SLICES leave the window; at most SLICES of them hold anything.
  const int64_t steps = std::min<int64_t>(slice - head_slice_, SLICES);
  for (int64_t i = 1; i <= steps; ++i) {
    int64_t& expired = slices_[static_cast<size_t>((head_slice_ + i) % SLICES)];
    window_units_ -= expired;
    expired = 0;
  }
  head_slice_ = slice;
}

} // namespace orchsim::orchestrator::coordination
