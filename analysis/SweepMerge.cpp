#include "analysis/SweepMerge.hpp"

#include "analysis/JsonFile.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "analysis/Sweep.hpp"
#include "results/AtomicFile.hpp"
#include "sim/InputError.hpp"

namespace orchsim::analysis {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using sim::InputError;
using sim::InputLocation;

std::string read_bytes(const fs::path& path)
{
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (!in)
    throw InputError(InputLocation{path.string(), 0, 0, ""}, "cannot read run file");
  return buffer.str();
}

/** The one manifest all folders share (OUT's too, when it has one); refuses folders of different sweeps. */
std::string common_manifest(const std::vector<std::string>& dirs, const std::string& out)
{
  std::string first = read_sweep_manifest(dirs.front());
  std::vector<std::string> others(dirs.begin() + 1, dirs.end());
  if (fs::exists(fs::path(out) / "sweep.json"))
    others.push_back(out);
  for (const auto& dir : others) {
    const std::string text = read_sweep_manifest(dir);
    if (text == first)
      continue;
    const json a = json::parse(first, nullptr, false), b = json::parse(text, nullptr, false);
    throw InputError(InputLocation{dir + "/sweep.json", 0, 0, ""},
                     "not the sweep of " + dirs.front() + "/sweep.json: " +
                         (a.is_discarded() || b.is_discarded() ? "not JSON" : manifest_difference(a, b)));
  }
  return first;
}

/** The folder holding each run's file; refuses two different files for one run and missing runs. */
std::vector<std::string> locate_runs(const SweepPlan& plan, const std::vector<std::string>& dirs)
{
  std::vector<std::string> source(plan.runs.size()), missing;
  for (size_t i = 0; i < plan.runs.size(); ++i) {
    const std::string file = run_file(plan.runs[i]);
    std::string bytes;
    for (const auto& dir : dirs) {
      if (dir == source[i] || !fs::exists(fs::path(dir) / file))
        continue;
      if (source[i].empty()) {
        source[i] = dir;
        continue;
      }
      if (bytes.empty())
        bytes = read_bytes(fs::path(source[i]) / file);
      if (read_bytes(fs::path(dir) / file) != bytes)
        throw InputError(InputLocation{dir + "/" + file, 0, 0, ""},
                         "conflicts with " + source[i] + "/" + file +
                             ": one run, two different results (another build, or an edited file?)");
    }
    if (source[i].empty())
      missing.push_back(plan.runs[i].id);
  }
  if (!missing.empty()) {
    std::string some;
    for (size_t k = 0; k < missing.size() && k < 5; ++k)
      some += (k ? ", " : "") + missing[k];
    throw InputError(InputLocation{dirs.front(), 0, 0, ""},
                     std::to_string(missing.size()) + " of " + std::to_string(plan.runs.size()) +
                         " runs are in none of the folders (" + some + (missing.size() > 5 ? ", ..." : "") +
                         "): run the missing shards, or the sweep again without --shard, first");
  }
  return source;
}

} // namespace

MergeOutcome merge_sweeps(const std::vector<std::string>& dirs, const std::string& out)
{
  if (dirs.empty())
    throw InputError(InputLocation{"merge", 0, 0, ""}, "no sweep folders to merge");
  const std::string manifest = common_manifest(dirs, out);
  MergeOutcome outcome;
  outcome.plan = plan_of_manifest(parse_json_text(manifest, dirs.front() + "/sweep.json"), dirs.front() + "/sweep.json");
  std::vector<std::string> all = dirs;
  all.push_back(out);
  const auto source = locate_runs(outcome.plan, all);
  results::write_file_atomic(out + "/sweep.json", manifest);
  for (size_t i = 0; i < source.size(); ++i) {
    const std::string file = run_file(outcome.plan.runs[i]);
    if (fs::exists(fs::path(out) / file)) {
      ++outcome.present;
      continue;
    }
    results::write_file_atomic(out + "/" + file, read_bytes(fs::path(source[i]) / file));
    ++outcome.copied;
  }
  write_sweep_tables(out, outcome.plan);
  return outcome;
}

} // namespace orchsim::analysis
