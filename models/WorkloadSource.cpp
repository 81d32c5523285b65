#include "models/WorkloadSource.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace orchsim::models {

WorkloadSource::WorkloadSource(const SourceSpec& spec, uint64_t seed) : spec_(spec), rng_(seed, "source/" + spec.name)
{
}

std::optional<double> WorkloadSource::first_arrival_s()
{
  const auto& a = spec_.arrival;
  switch (a.process) {
    case ArrivalProcess::POISSON:
      return -std::log(rng_.uniform_pos()) / a.rate_per_s;
    case ArrivalProcess::RAMP: {
      const double t = ramp_next(0.0);
      return std::isfinite(t) ? std::optional<double>(t) : std::nullopt;
    }
    case ArrivalProcess::DIURNAL:
      return diurnal_next(0.0);
    case ArrivalProcess::BURSTY: {
      // Start in the stationary state distribution: on with probability mean_on / (mean_on + mean_off).
      on_ = rng_.uniform() * (a.mean_on_s + a.mean_off_s) < a.mean_on_s;
      state_end_s_ = -std::log(rng_.uniform_pos()) * (on_ ? a.mean_on_s : a.mean_off_s);
      return bursty_next(0.0);
    }
    case ArrivalProcess::TRACE:
      row_ = 0;
      trace_offset_s_ = 0.0;
      if (a.trace->get_rows().empty())
        return std::nullopt;
      return 0.0;
    case ArrivalProcess::CLOSED_LOOP:
      break;
  }
  return std::nullopt;
}

std::optional<double> WorkloadSource::next_arrival_s(double previous_s)
{
  const auto& a = spec_.arrival;
  switch (a.process) {
    case ArrivalProcess::POISSON:
      return previous_s - std::log(rng_.uniform_pos()) / a.rate_per_s;
    case ArrivalProcess::BURSTY:
      return bursty_next(previous_s);
    case ArrivalProcess::RAMP: {
      const double t = ramp_next(previous_s);
      return std::isfinite(t) ? std::optional<double>(t) : std::nullopt;
    }
    case ArrivalProcess::DIURNAL:
      return diurnal_next(previous_s);
    case ArrivalProcess::TRACE: {
      const auto& rows = a.trace->get_rows();
      if (++row_ >= rows.size()) {
        if (!a.loop)
          return std::nullopt;
        // Start over one mean gap after the trace's end.
        const double span = a.trace->get_span_s();
        trace_offset_s_ += (span + span / static_cast<double>(rows.size())) * a.time_scale;
        row_ = 0;
      }
      return trace_offset_s_ + rows[row_].time_s * a.time_scale;
    }
    case ArrivalProcess::CLOSED_LOOP:
      break;
  }
  return std::nullopt;
}

/** Next arrival of a Poisson process whose rate goes linearly from `from` to `to` over `over`, then
 *  stays at `to`: thinning (Lewis and Shedler 1979) of a Poisson process at the larger rate. */
double WorkloadSource::ramp_next(double previous_s)
{
  const auto& a = spec_.arrival;
  const double peak = std::max(a.ramp_from_per_s, a.ramp_to_per_s);
  double t = previous_s;
  for (;;) {
    t -= std::log(rng_.uniform_pos()) / peak;
    const double rate =
        t >= a.ramp_s ? a.ramp_to_per_s : a.ramp_from_per_s + (a.ramp_to_per_s - a.ramp_from_per_s) * t / a.ramp_s;
    if (t >= a.ramp_s && a.ramp_to_per_s >= peak)
      return t; // past the ramp at the peak rate: every candidate is accepted
    if (rng_.uniform() * peak < rate)
      return t;
    if (t >= a.ramp_s && a.ramp_to_per_s <= 0)
      return INF; // ramped down to nothing: no more arrivals
  }
}

/** Next arrival of a Poisson process with rate(t) = rate x (1 + amplitude x sin(2 pi (t - phase) / period)):
 *  thinning (Lewis and Shedler 1979) of a Poisson process at the peak rate, rate x (1 + amplitude). */
double WorkloadSource::diurnal_next(double previous_s)
{
  const auto& a = spec_.arrival;
  const double peak = a.rate_per_s * (1.0 + a.diurnal_amplitude);
  const double omega = 2.0 * std::numbers::pi / a.diurnal_period_s;
  double t = previous_s;
  for (;;) {
    t -= std::log(rng_.uniform_pos()) / peak;
    const double rate = a.rate_per_s * (1.0 + a.diurnal_amplitude * std::sin(omega * (t - a.diurnal_phase_s)));
    if (rng_.uniform() * peak < rate)
      return t;
  }
}

/** Next arrival of a two-state MMPP: exponential gaps at the current state's rate, memoryless, so a
 *  gap that crosses a state change is redrawn from the change at the new state's rate. */
double WorkloadSource::bursty_next(double previous_s)
{
  const auto& a = spec_.arrival;
  double t = previous_s;
  for (;;) {
    const double rate = on_ ? a.rate_on_per_s : a.rate_off_per_s;
    const double candidate = rate > 0 ? t - std::log(rng_.uniform_pos()) / rate : INF;
    if (candidate < state_end_s_)
      return candidate;
    t = state_end_s_;
    on_ = !on_;
    state_end_s_ = t - std::log(rng_.uniform_pos()) * (on_ ? a.mean_on_s : a.mean_off_s);
  }
}

CallTokens WorkloadSource::draw_tokens()
{
  CallTokens tokens;
  if (spec_.tokens_from_trace) {
    const auto& row = spec_.arrival.trace->get_rows()[row_];
    tokens.input = row.input_tokens;
    tokens.output = row.output_tokens;
    return tokens;
  }
  if (spec_.input_tokens)
    tokens.input = std::round(spec_.input_tokens->sample(rng_));
  if (spec_.output_tokens)
    tokens.output = std::round(spec_.output_tokens->sample(rng_));
  return tokens;
}

uint64_t WorkloadSource::draw_key(uint64_t arrival_index)
{
  if (spec_.sessions == 0)
    return arrival_index;
  // The source's name picks the key space; the session number lives in its low bits.
  return (sim::Rng::hash_name(spec_.name) << 40) ^ rng_.below(spec_.sessions);
}

std::optional<double> WorkloadSource::mean_rate_per_s(const SourceSpec& spec)
{
  const auto& a = spec.arrival;
  switch (a.process) {
    case ArrivalProcess::POISSON:
    case ArrivalProcess::DIURNAL: // the sine averages to 0 over a period
      return a.rate_per_s;
    case ArrivalProcess::BURSTY:
      return (a.rate_on_per_s * a.mean_on_s + a.rate_off_per_s * a.mean_off_s) / (a.mean_on_s + a.mean_off_s);
    case ArrivalProcess::RAMP:
      return a.ramp_to_per_s; // the long-run rate, reached at the end of the ramp
    case ArrivalProcess::TRACE: {
      const double span = a.trace->get_span_s() * a.time_scale;
      const auto n = static_cast<double>(a.trace->get_rows().size());
      if (span <= 0 || n < 2)
        return std::nullopt;
      return (n - 1) / span;
    }
    case ArrivalProcess::CLOSED_LOOP:
      break;
  }
  return std::nullopt;
}

} // namespace orchsim::models
