#include "orchestrator/capacity/AimdLimit.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <variant>

#include "orchestrator/capacity/GradientLimit.hpp"

namespace orchsim::orchestrator::capacity {

namespace {
void require(bool ok, const char* message)
{
  if (!ok) {
    std::fprintf(stderr, "orchsim: capacity::AimdLimit: %s\n", message);
    std::abort();
  }
}
} // namespace

AimdLimit::AimdLimit(Options options) : options_(options), limit_(options.initial_limit)
{
  const char* error = check_options(options_);
  require(error == nullptr, error);
}

void AimdLimit::on_sample(double /*now_s*/, double rtt_s, uint32_t inflight, bool dropped)
{
  uint64_t next = limit_;
  if (dropped || rtt_s > options_.timeout_s)
    next = static_cast<uint64_t>(limit_ * options_.backoff_ratio); // Java's (int) cast: floor for positives
  else if (uint64_t{inflight} * 2 >= limit_)
    next = uint64_t{limit_} + 1;
  limit_ = static_cast<uint32_t>(std::clamp<uint64_t>(next, options_.min_limit, options_.max_limit));
}

std::unique_ptr<ConcurrencyLimit> make_concurrency_limit(const ConcurrencyLimitOptions& options)
{
  struct Make {
    std::unique_ptr<ConcurrencyLimit> operator()(const AimdLimitOptions& o) const
    {
      return std::make_unique<AimdLimit>(o);
    }
    std::unique_ptr<ConcurrencyLimit> operator()(const GradientLimitOptions& o) const
    {
      return std::make_unique<GradientLimit>(o);
    }
  };
  return std::visit(Make{}, options);
}

} // namespace orchsim::orchestrator::capacity
