#include "analysis/Recovery.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace orchsim::analysis {

namespace {

constexpr double BASELINE_S = 60.0;
constexpr double SUCCESS_TOLERANCE = 0.9; // back within 10 %
constexpr double LATENCY_TOLERANCE = 1.1;
constexpr size_t HOLD_INTERVALS = 3;

const std::vector<double>* column(const sim::TimeSeries& series, const std::string& name)
{
  for (size_t c = 0; c < series.columns(); ++c)
    if (series.get_name(c) == name)
      return &series.get_column(c);
  return nullptr;
}

bool calls(const models::WorkflowSpec& w, uint32_t service)
{
  for (const auto& step : w.steps)
    if (std::find(step.candidates.begin(), step.candidates.end(), service) != step.candidates.end() ||
        step.fallback == service)
      return true;
  return false;
}

} // namespace

std::map<std::string, std::optional<double>> recovery_times(const models::Scenario& scenario,
                                                            const models::FaultSpec& fault,
                                                            const sim::TimeSeries& series)
{
  std::map<std::string, std::optional<double>> out;
  const double interval = series.get_interval_s();
  const double end_s = std::isfinite(fault.duration_s) ? fault.start_s + fault.duration_s : fault.start_s;
  // Baseline intervals lie wholly in [start - 60 s, start).
  const auto last_before = static_cast<size_t>(std::floor(fault.start_s / interval)); // exclusive
  const double from_s = std::max(0.0, fault.start_s - BASELINE_S);
  const auto first_base = static_cast<size_t>(std::ceil(from_s / interval));
  const auto first_after = static_cast<size_t>(std::ceil(end_s / interval));
  for (const auto& w : scenario.workflows) {
    if (fault.kind != models::FaultSpec::Kind::OUTAGE && !calls(w, fault.service))
      continue; // an outage of a zone or region may reach every workflow
    auto& result = out[w.name];
    const std::string p = "workflows." + w.name + ".";
    const auto* completed = column(series, p + "completed");
    const auto* failed = column(series, p + "failed");
    const auto* p99 = column(series, p + "p99_s");
    if (!completed || !failed || !p99 || first_base >= last_before || last_before > series.size())
      continue;
    double ok = 0, bad = 0;
    std::vector<double> tails;
    for (size_t i = first_base; i < last_before; ++i) {
      ok += (*completed)[i];
      bad += (*failed)[i];
      if ((*completed)[i] > 0)
        tails.push_back((*p99)[i]);
    }
    if (ok + bad == 0 || tails.empty())
      continue;
    std::nth_element(tails.begin(), tails.begin() + tails.size() / 2, tails.end());
    const double base_success = ok / (ok + bad);
    const double base_p99 = tails[tails.size() / 2];
    auto healthy = [&](size_t i) {
      const double n = (*completed)[i] + (*failed)[i];
      if (n == 0)
        return true; // nothing to judge: no evidence of harm
      const bool success_ok = (*completed)[i] / n >= SUCCESS_TOLERANCE * base_success;
      const bool latency_ok = (*completed)[i] == 0 || (*p99)[i] <= LATENCY_TOLERANCE * base_p99;
      return success_ok && latency_ok;
    };
    for (size_t i = first_after; i + HOLD_INTERVALS <= series.size(); ++i) {
      bool held = true;
      for (size_t k = 0; k < HOLD_INTERVALS && held; ++k)
        held = healthy(i + k);
      if (held) {
        result = std::max(0.0, static_cast<double>(i) * interval - end_s);
        break;
      }
    }
  }
  return out;
}

std::map<std::string, std::optional<double>> adaptation_times(const models::Scenario& scenario,
                                                              const models::FaultSpec& fault,
                                                              const sim::TimeSeries& series)
{
  constexpr double ADAPTED = 0.95;
  std::map<std::string, std::optional<double>> out;
  const double interval = series.get_interval_s();
  const auto last_before = static_cast<size_t>(std::floor(fault.start_s / interval)); // exclusive
  const auto first_base = static_cast<size_t>(std::ceil(std::max(0.0, fault.start_s - BASELINE_S) / interval));
  const auto first_after = static_cast<size_t>(std::ceil(fault.start_s / interval));
  const size_t end =
      std::isfinite(fault.duration_s)
          ? std::min(series.size(), static_cast<size_t>(std::floor((fault.start_s + fault.duration_s) / interval)))
          : series.size();
  for (const auto& w : scenario.workflows) {
    if (fault.kind != models::FaultSpec::Kind::OUTAGE && !calls(w, fault.service))
      continue; // an outage of a zone or region may reach every workflow
    auto& result = out[w.name];
    const std::string p = "workflows." + w.name + ".";
    const auto* decisions = column(series, p + "decisions");
    const auto* optimal = column(series, p + "optimal_picks");
    if (!decisions || !optimal || first_base >= last_before || last_before > series.size())
      continue;
    double base_n = 0, base_ok = 0;
    for (size_t i = first_base; i < last_before; ++i) {
      base_n += (*decisions)[i];
      base_ok += (*optimal)[i];
    }
    if (base_n == 0)
      continue;
    const double target = ADAPTED * base_ok / base_n;
    for (size_t i = first_after; i + HOLD_INTERVALS <= end; ++i) {
      double n = 0, ok = 0;
      for (size_t k = 0; k < HOLD_INTERVALS; ++k) {
        n += (*decisions)[i + k];
        ok += (*optimal)[i + k];
      }
      if (n > 0 && ok / n >= target) {
        result = std::max(0.0, static_cast<double>(i) * interval - fault.start_s);
        break;
      }
    }
  }
  return out;
}

} // namespace orchsim::analysis
