#include "orchestrator/coordination/RateLimiter.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace orchsim::orchestrator::coordination {

namespace {
void require(bool ok, const char* message)
{
  if (!ok) {
    std::fprintf(stderr, "orchsim: coordination::RateLimiter: %s\n", message);
    std::abort();
  }
}

constexpr double INF = std::numeric_limits<double>::infinity();
// Rounding can put the computed instant a few ulps off the first one that works; stepping by ulps fixes it.
constexpr int MAX_ULP_STEPS = 256;
} // namespace

RateLimiter::Bucket::Bucket(std::optional<double> per_minute, double start_s)
    : capacity_(per_minute ? *per_minute : INF)
    , refill_per_s_(per_minute ? *per_minute / 60.0 : 0.0)
    , level_(capacity_)
    , updated_s_(start_s)
{
}

double RateLimiter::Bucket::level_at(double now_s) const
{
  if (capacity_ == INF)
    return INF;
  const double elapsed_s = std::max(0.0, now_s - updated_s_);
  return std::min(capacity_, level_ + refill_per_s_ * elapsed_s);
}

double RateLimiter::Bucket::ready_s(double now_s, double amount) const
{
  const double level = level_at(now_s);
  if (level >= amount)
    return now_s;
  if (amount > capacity_)
    return INF;
  return now_s + (amount - level) / refill_per_s_;
}

void RateLimiter::Bucket::take(double now_s, double amount)
{
  if (capacity_ == INF)
    return;
  level_ = level_at(now_s) - amount;
  updated_s_ = std::max(updated_s_, now_s);
}

RateLimiter::RateLimiter(Options options, double start_s)
    : requests_(options.requests_per_minute, start_s), tokens_(options.tokens_per_minute, start_s)
{
  const char* error = check_options(options);
  require(error == nullptr, error);
}

bool RateLimiter::has_enough(double now_s, double tokens) const
{
  return requests_.level_at(now_s) >= 1.0 && tokens_.level_at(now_s) >= tokens;
}

bool RateLimiter::try_acquire(double now_s, double tokens)
{
  require(tokens >= 0.0, "a call cannot need a negative number of tokens");
  if (tokens > tokens_.get_capacity() || !has_enough(now_s, tokens))
    return false;
  requests_.take(now_s, 1.0);
  tokens_.take(now_s, tokens);
  return true;
}

double RateLimiter::next_available_s(double now_s, double tokens) const
{
  require(tokens >= 0.0, "a call cannot need a negative number of tokens");
  if (tokens > tokens_.get_capacity())
    return INF;
  double t = std::max(requests_.ready_s(now_s, 1.0), tokens_.ready_s(now_s, tokens));
  // The closed form can miss the first instant that works by a few ulps either way: settle on it.
  for (int i = 0; i < MAX_ULP_STEPS && !has_enough(t, tokens); ++i)
    t = std::nextafter(t, INF);
  for (int i = 0; i < MAX_ULP_STEPS && t > now_s && has_enough(std::nextafter(t, -INF), tokens); ++i)
    t = std::nextafter(t, -INF);
  return t;
}

} // namespace orchsim::orchestrator::coordination
