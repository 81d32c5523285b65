#include "models/Units.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <utility>
#include <vector>

namespace orchsim::models {

namespace {

std::string_view trim(std::string_view s)
{
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

/** Splits "1.5ms" into 1.5 and "ms". nullopt when no number leads. */
std::optional<std::pair<double, std::string_view>> number_and_suffix(std::string_view text)
{
  text = trim(text);
  if (!text.empty() && text.front() == '+')
    text.remove_prefix(1);
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr == text.data() || !std::isfinite(value))
    return std::nullopt;
  return std::make_pair(value, trim(std::string_view(ptr, text.data() + text.size() - ptr)));
}

} // namespace

std::optional<double> parse_number(std::string_view text)
{
  auto parsed = number_and_suffix(text);
  if (!parsed || !parsed->second.empty())
    return std::nullopt;
  return parsed->first;
}

std::optional<double> parse_duration_s(std::string_view text)
{
  auto parsed = number_and_suffix(text);
  if (!parsed)
    return std::nullopt;
  static const std::pair<std::string_view, double> units[] = {{"ns", 1e-9},  {"us", 1e-6},  {"µs", 1e-6},
                                                              {"ms", 1e-3},  {"s", 1.0},    {"m", 60.0},
                                                              {"min", 60.0}, {"h", 3600.0}, {"d", 86400.0}};
  auto [value, unit] = *parsed;
  if (unit.empty())
    return value == 0.0 ? std::optional<double>(0.0) : std::nullopt;
  for (const auto& [name, factor] : units)
    if (unit == name)
      return value * factor;
  return std::nullopt;
}

namespace {

/** The factor of `unit` in `units`, or nullopt. */
std::optional<double> unit_factor(std::string_view unit, const std::vector<std::pair<std::string_view, double>>& units)
{
  for (const auto& [name, factor] : units)
    if (unit == name)
      return factor;
  return std::nullopt;
}

} // namespace

std::optional<double> parse_size_bytes(std::string_view text)
{
  auto parsed = number_and_suffix(text);
  if (!parsed)
    return std::nullopt;
  static const std::vector<std::pair<std::string_view, double>> units = {
      {"B", 1.0},   {"kB", 1e3},     {"KB", 1e3},        {"MB", 1e6},           {"GB", 1e9},
      {"TB", 1e12}, {"KiB", 1024.0}, {"MiB", 1048576.0}, {"GiB", 1073741824.0}, {"TiB", 1099511627776.0}};
  auto [value, unit] = *parsed;
  if (unit.empty())
    return value == 0.0 ? std::optional<double>(0.0) : std::nullopt;
  auto factor = unit_factor(unit, units);
  if (!factor || !std::isfinite(value * *factor))
    return std::nullopt;
  return value * *factor;
}

std::optional<double> parse_bandwidth_Bps(std::string_view text)
{
  auto parsed = number_and_suffix(text);
  if (!parsed)
    return std::nullopt;
  auto [value, unit] = *parsed;
  double per_unit = 0;
  if (unit.size() >= 3 && unit.substr(unit.size() - 3) == "Bps")
    per_unit = 1.0;
  else if (unit.size() >= 3 && unit.substr(unit.size() - 3) == "bps")
    per_unit = 0.125;
  else
    return std::nullopt;
  static const std::vector<std::pair<std::string_view, double>> prefixes = {
      {"", 1.0},   {"k", 1e3},     {"K", 1e3},        {"M", 1e6},           {"G", 1e9},
      {"T", 1e12}, {"Ki", 1024.0}, {"Mi", 1048576.0}, {"Gi", 1073741824.0}, {"Ti", 1099511627776.0}};
  auto factor = unit_factor(unit.substr(0, unit.size() - 3), prefixes);
  if (!factor || !std::isfinite(value * *factor * per_unit))
    return std::nullopt;
  return value * *factor * per_unit;
}

std::optional<double> parse_flops(std::string_view text)
{
  auto parsed = number_and_suffix(text);
  if (!parsed)
    return std::nullopt;
  auto [value, unit] = *parsed;
  if (unit.size() >= 5 && unit.substr(unit.size() - 5) == "flops")
    unit.remove_suffix(5);
  else if (!unit.empty() && unit.back() == 'f')
    unit.remove_suffix(1);
  else
    return std::nullopt;
  static const std::vector<std::pair<std::string_view, double>> prefixes = {
      {"", 1.0}, {"k", 1e3}, {"K", 1e3}, {"M", 1e6}, {"G", 1e9}, {"T", 1e12}, {"P", 1e15}, {"E", 1e18}};
  auto factor = unit_factor(unit, prefixes);
  if (!factor || !std::isfinite(value * *factor))
    return std::nullopt;
  return value * *factor;
}

std::optional<double> parse_rate_per_s(std::string_view text)
{
  auto parsed = number_and_suffix(text);
  if (!parsed)
    return std::nullopt;
  auto [value, unit] = *parsed;
  if (unit.empty() || unit.front() != '/')
    return std::nullopt;
  unit = trim(unit.substr(1));
  static const std::pair<std::string_view, double> per[] = {{"ms", 1e-3},  {"s", 1.0},    {"m", 60.0},
                                                            {"min", 60.0}, {"h", 3600.0}, {"d", 86400.0}};
  for (const auto& [name, seconds] : per)
    if (unit == name)
      return value / seconds;
  return std::nullopt;
}

std::optional<double> parse_fraction(std::string_view text)
{
  auto parsed = number_and_suffix(text);
  if (!parsed)
    return std::nullopt;
  auto [value, unit] = *parsed;
  if (unit == "%")
    value /= 100.0;
  else if (!unit.empty())
    return std::nullopt;
  if (value < 0.0 || value > 1.0)
    return std::nullopt;
  return value;
}

std::optional<std::string> did_you_mean(std::string_view word, const std::vector<std::string>& candidates)
{
  auto distance = [](std::string_view a, std::string_view b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j)
      row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
      size_t diag = row[0];
      row[0] = i;
      for (size_t j = 1; j <= b.size(); ++j) {
        size_t up = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
        diag = up;
      }
    }
    return row[b.size()];
  };
  std::optional<std::string> best;
  size_t best_distance = std::max<size_t>(2, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    size_t d = distance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

} // namespace orchsim::models
