#include "orchestrator/coordination/RetryThrottle.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace orchsim::orchestrator::coordination {

namespace {
void require(bool ok, const char* message)
{
  if (!ok) {
    std::fprintf(stderr, "orchsim: coordination::RetryThrottle: %s\n", message);
    std::abort();
  }
}

int64_t to_milli(double tokens)
{
  return static_cast<int64_t>(std::llround(tokens * 1000.0));
}
} // namespace

RetryThrottle::RetryThrottle(Options options)
    : max_milli_tokens_(to_milli(options.max_tokens))
    , milli_token_ratio_(to_milli(options.token_ratio))
    , milli_tokens_(max_milli_tokens_)
{
  const char* error = check_options(options);
  require(error == nullptr, error);
}

const char* RetryThrottle::check_options(const Options& options)
{
  if (!(options.max_tokens > 0.0 && options.max_tokens <= 1000.0) || to_milli(options.max_tokens) == 0)
    return "max_tokens must lie in (0, 1000] with at most three decimal places (gRPC A6)";
  // Above 1000 one success would refill any bucket, so the bound loses nothing and keeps the sums exact.
  if (!(options.token_ratio > 0.0 && options.token_ratio <= 1000.0) || to_milli(options.token_ratio) == 0)
    return "token_ratio must lie in (0, 1000] with at most three decimal places (gRPC A6)";
  return nullptr;
}

void RetryThrottle::on_failure()
{
  milli_tokens_ = std::max<int64_t>(0, milli_tokens_ - 1000);
}

void RetryThrottle::on_success()
{
  milli_tokens_ = std::min(max_milli_tokens_, milli_tokens_ + milli_token_ratio_);
}

} // namespace orchsim::orchestrator::coordination
