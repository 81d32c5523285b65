#include "orchestrator/coordination/OutlierDetector.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace orchsim::orchestrator::coordination {

namespace {
void require(bool ok, const char* message)
{
  if (!ok) {
    std::fprintf(stderr, "orchsim: coordination::OutlierDetector: %s\n", message);
    std::abort();
  }
}

constexpr double DEFAULT_MAX_EJECTION_TIME_S = 300.0; // Envoy DEFAULT_MAX_EJECTION_TIME_MS 300000
} // namespace

OutlierDetector::OutlierDetector(uint32_t host_count, Options options, double start_s)
    : options_(options)
    , max_ejection_time_s_(options.max_ejection_time_s
                               ? *options.max_ejection_time_s
                               : std::max(DEFAULT_MAX_EJECTION_TIME_S, options.base_ejection_time_s))
    , start_s_(start_s)
    , hosts_(host_count)
{
  const char* error = check_options(options_);
  require(error == nullptr, error);
  require(host_count >= 1, "an outlier detector needs at least one host");
  returned_.reserve(host_count);
}

bool OutlierDetector::on_result(uint32_t host, bool error, double now_s)
{
  require(host < hosts_.size(), "host index out of range");
  Host& h = hosts_[host];
  if (h.ejected)
    return false;
  if (!error) {
    h.consecutive_errors = 0;
    return false;
  }
  if (++h.consecutive_errors < options_.consecutive_5xx)
    return false;
  h.consecutive_errors = 0; // Envoy resets the count after the attempt, ejected or not
  return try_eject(h, now_s);
}

bool OutlierDetector::try_eject(Host& host, double now_s)
{
  const double ejected_percent = 100.0 * static_cast<double>(ejected_count_ + 1) / static_cast<double>(hosts_.size());
  const bool allowed = ejected_percent <= static_cast<double>(options_.max_ejection_percent) ||
                       (options_.always_eject_one_host && ejected_count_ == 0);
  if (!allowed) {
    ++counters_.refused_by_max_percent;
    return false;
  }
  host.ejected = true;
  host.ejected_at_s = now_s;
  ++ejected_count_;
  ++counters_.ejections;
  const double base = options_.base_ejection_time_s;
  if (static_cast<double>(host.multiplier) * base < max_ejection_time_s_ + base)
    ++host.multiplier;
  return true;
}

double OutlierDetector::ejection_duration_s(uint32_t host) const
{
  return std::min(options_.base_ejection_time_s * static_cast<double>(hosts_[host].multiplier), max_ejection_time_s_);
}

double OutlierDetector::get_next_tick_s() const
{
  return start_s_ + static_cast<double>(ticks_done_ + 1) * options_.interval_s;
}

const std::vector<uint32_t>& OutlierDetector::tick(double now_s)
{
  returned_.clear();
  for (double tick_s = get_next_tick_s(); tick_s <= now_s; tick_s = get_next_tick_s()) {
    run_tick(tick_s);
    ++ticks_done_;
  }
  return returned_;
}

void OutlierDetector::run_tick(double tick_s)
{
  // Envoy onIntervalTimer(): first the un-ejection checks, then the multiplier decay of healthy hosts.
  for (uint32_t i = 0; i < hosts_.size(); ++i) {
    Host& h = hosts_[i];
    if (!h.ejected || ejection_duration_s(i) > tick_s - h.ejected_at_s)
      continue;
    h.ejected = false;
    h.consecutive_errors = 0;
    h.ever_returned = true;
    h.returned_at_s = tick_s;
    --ejected_count_;
    ++counters_.unejections;
    returned_.push_back(i);
  }
  for (Host& h : hosts_) {
    if (!h.ejected && h.ever_returned && tick_s - h.returned_at_s >= options_.interval_s && h.multiplier > 0)
      --h.multiplier;
  }
}

} // namespace orchsim::orchestrator::coordination
