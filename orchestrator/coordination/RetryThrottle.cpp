#include "orchestrator/coordination/RetryThrottle.hpp"

#include <algorithm>
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
} // namespace

RetryThrottle::RetryThrottle(Options options)
    : max_milli_tokens_(models::retry_throttle_milli_tokens(options.max_tokens))
    , milli_token_ratio_(models::retry_throttle_milli_tokens(options.token_ratio))
    , milli_tokens_(max_milli_tokens_)
{
  const char* error = check_options(options);
  require(error == nullptr, error);
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
