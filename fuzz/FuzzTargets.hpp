// fuzz/FuzzTargets.hpp
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/JsonFile.hpp"
#include "analysis/SweepFile.hpp"
#include "analysis/ValidationProfile.hpp"
#include "models/ScenarioLoader.hpp"
#include "models/Trace.hpp"
#include "results/RunResult.hpp"
#include "sim/InputError.hpp"

/** The fuzzed entry points, one per reader: each feeds its bytes to the reader and returns whether the
 *  input loaded or was refused with the reader's documented error. Anything else (another exception
 *  escaping, a crash, a sanitizer report) is a bug. Shared by the libFuzzer targets (fuzz/fuzz_*.cpp)
 *  and the regression test (tests/fuzz_regressions/), so that a minimised input replays exactly.
 *  No entry point runs a simulation; none writes a file. */
namespace orchsim::fuzz {

enum class Outcome { LOADED, REFUSED };

/** The name the fuzzed text is loaded under; trace files it names are read relative to the current folder. */
inline constexpr const char* FUZZ_PATH = "fuzz.yaml";

/** A property that must hold for every input that loads; a failure is a bug, reported like a crash. */
inline void require(bool holds, const char* what)
{
  if (!holds) {
    std::fprintf(stderr, "fuzz: property violated: %s\n", what);
    std::abort();
  }
}

/** The most declared profiles loaded per input, so that one input stays fast. */
inline constexpr size_t MAX_PROFILES_LOADED = 8;

/** Loads the scenario with `overrides`, then with each profile it declares, and lists its faults. */
inline Outcome scenario_with(const std::string& text, const std::vector<std::string>& overrides)
{
  try {
    const models::Scenario s = models::load_scenario_text(text, FUZZ_PATH, overrides, "");
    for (size_t i = 0; i < s.profiles.size() && i < MAX_PROFILES_LOADED; ++i)
      models::load_scenario_text(text, FUZZ_PATH, overrides, s.profiles[i].name);
    for (const auto& item : models::fault_items(text, overrides))
      require(!item.yaml.empty(), "fault_items gives every fault's YAML");
    return Outcome::LOADED;
  } catch (const sim::InputError&) {
    return Outcome::REFUSED;
  }
}

/** The scenario loader and compiler: the text as a scenario file, without overrides. */
inline Outcome scenario(std::string_view bytes)
{
  return scenario_with(std::string(bytes), {});
}

/** The line that separates the scenario from its overrides in a `scenario_overrides` input (a YAML
 *  comment, so that an input without it is a plain scenario). */
inline constexpr std::string_view OVERRIDES_MARK = "#--set\n";

/** A scenario, then OVERRIDES_MARK, then one `key.path=value` per line (empty lines skipped). */
inline Outcome scenario_overrides(std::string_view bytes)
{
  const size_t mark = bytes.find(OVERRIDES_MARK);
  const std::string text(bytes.substr(0, mark));
  std::vector<std::string> overrides;
  if (mark != std::string_view::npos) {
    std::string_view rest = bytes.substr(mark + OVERRIDES_MARK.size());
    while (!rest.empty()) {
      const size_t end = rest.find('\n');
      const std::string_view line = rest.substr(0, end);
      if (!line.empty())
        overrides.emplace_back(line);
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    }
  }
  return scenario_with(text, overrides);
}

/** The sweep-file reader (not checked against its scenario: that loads the scenario, fuzzed apart). */
inline Outcome sweep(std::string_view bytes)
{
  try {
    const analysis::SweepSpec s = analysis::load_sweep_text(std::string(bytes), "fuzz-sweep.yaml");
    require(s.points.size() == s.point_at.size(), "every sweep point has its locations");
    for (const auto& point : s.points)
      require(point.size() == s.parameters.size(), "every sweep point has one value per parameter");
    return Outcome::LOADED;
  } catch (const sim::InputError&) {
    return Outcome::REFUSED;
  }
}

/** The validation-profile reader. */
inline Outcome validation(std::string_view bytes)
{
  try {
    analysis::load_validation_profile_text(std::string(bytes), "fuzz-profile.yaml");
    return Outcome::LOADED;
  } catch (const sim::InputError&) {
    return Outcome::REFUSED;
  }
}

/** The trace reader, with the default columns under each time format, and with a time column only. */
inline Outcome trace(std::string_view bytes)
{
  static const std::vector<models::TraceColumns> column_sets = {
      {},
      {"TIMESTAMP", "ContextTokens", "GeneratedTokens", models::TraceTimeFormat::DATETIME},
      {"TIMESTAMP", "ContextTokens", "GeneratedTokens", models::TraceTimeFormat::SECONDS},
      {"TIMESTAMP", "", "", models::TraceTimeFormat::AUTO},
  };
  const models::TraceLimits limits{100'000, 1ULL << 20};
  Outcome outcome = Outcome::REFUSED;
  for (const auto& columns : column_sets) {
    try {
      const models::Trace t = models::Trace::load_text(bytes, "fuzz.csv", columns, limits);
      require(!t.get_rows().empty(), "a trace has at least one row");
      double previous_s = 0;
      for (const auto& row : t.get_rows()) {
        require(row.time_s >= previous_s, "trace times never decrease");
        require(row.input_tokens >= 0 && row.output_tokens >= 0, "trace tokens are >= 0");
        previous_s = row.time_s;
      }
      outcome = Outcome::LOADED;
    } catch (const sim::InputError&) {
    }
  }
  return outcome;
}

/** The result reader: the JSON reader of analysis/JsonFile, then results::from_json, whose result must
 *  write back to a document that reads back to itself. */
inline Outcome result(std::string_view bytes)
{
  const std::string text(bytes);
  nlohmann::json document;
  try {
    document = analysis::parse_json_text(text, "fuzz.json");
  } catch (const sim::InputError&) {
    bool parsed = false; // the same text must be refused by nlohmann's parser too
    try {
      parsed = !nlohmann::json::parse(text).is_discarded();
    } catch (const nlohmann::json::exception&) {
    }
    require(!parsed, "parse_json_text refuses only what nlohmann::json::parse refuses");
    return Outcome::REFUSED;
  }
  results::RunResult read;
  try {
    read = results::from_json(document);
  } catch (const std::invalid_argument&) {
    return Outcome::REFUSED;
  }
  const nlohmann::json written = results::to_json(read);
  require(results::to_json(results::from_json(written)) == written, "to_json(from_json(to_json(r))) == to_json(r)");
  return Outcome::LOADED;
}

} // namespace orchsim::fuzz
