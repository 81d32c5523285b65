#include "analysis/Sweep.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "analysis/ProcessPool.hpp"
#include "analysis/Runner.hpp"
#include "analysis/SweepTables.hpp"
#include "models/ScenarioLoader.hpp"
#include "results/AtomicFile.hpp"
#include "sim/Interrupt.hpp"
#include "sim/InputError.hpp"

namespace orchsim::analysis {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using sim::InputError;
using sim::InputLocation;

constexpr const char* MANIFEST = "sweep.json";

bool read_text(const fs::path& path, std::string& text)
{
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return false;
  std::stringstream buffer;
  buffer << in.rdbuf();
  text = buffer.str();
  return true;
}

/** A temporary file of results::write_file_atomic: `.<name>.tmp.XXXXXX`. */
bool is_temporary(const fs::path& file)
{
  const std::string name = file.filename().string();
  return name.size() > 1 && name[0] == '.' && name.find(".tmp.") != std::string::npos;
}

bool holds_runs(const fs::path& dir)
{
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir / "runs", ec))
    if (!is_temporary(entry.path()))
      return true;
  return false;
}

void discard(const fs::path& dir)
{
  fs::remove_all(dir / "runs");
  for (const char* file : {"runs.csv", "summary.csv", MANIFEST})
    fs::remove(dir / file);
}

/** Makes DIR this sweep's folder: its manifest written, or found equal; another sweep's refused or discarded. */
void claim_folder(const std::string& manifest, const SweepOptions& o)
{
  const fs::path dir(o.dir), file = dir / MANIFEST;
  std::string existing;
  const bool has_manifest = read_text(file, existing);
  if (has_manifest && existing == manifest)
    return;
  if ((has_manifest || holds_runs(dir)) && !o.force) {
    const json was = json::parse(existing, nullptr, false);
    const std::string why = !has_manifest        ? "run files without a sweep.json"
                            : was.is_discarded() ? "a sweep.json that is not JSON"
                                                 : "the runs of " + manifest_difference(was, json::parse(manifest));
    throw InputError(
        InputLocation{has_manifest ? file.string() : dir.string(), 0, 0, ""},
        "the folder holds " + why + ". Rerun with --force to discard them and start again, or choose another --out");
  }
  if (o.force)
    discard(dir);
  results::write_file_atomic(file.string(), manifest);
}

void remove_temporaries(const fs::path& runs)
{
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(runs, ec))
    if (is_temporary(entry.path()))
      fs::remove(entry.path());
}

/** Runs one run in this process and writes its result file. */
void run_one(const SweepPlan& plan, const SweepRun& run, const std::string& dir)
{
  const LoadedScenario loaded{
      models::load_scenario_text(plan.scenario_text, plan.scenario_path, run_overrides(plan, run), run.profile),
      plan.scenario_sha256, plan.scenario_text};
  json doc = results::to_json(analysis::run(loaded));
  if (sim::stop_requested()) // an interrupted run is not a result: resuming the sweep runs it again
    throw sim::Interrupted("interrupted");
  doc.erase("host");
  results::write_file_atomic(dir + "/" + run_file(run), doc.dump(2) + "\n");
}

} // namespace

std::string read_sweep_manifest(const std::string& dir)
{
  std::string text;
  if (!read_text(fs::path(dir) / MANIFEST, text))
    throw InputError(InputLocation{dir, 0, 0, ""}, "not a sweep folder: it has no sweep.json");
  return text;
}

void write_sweep_tables(const std::string& dir, const SweepPlan& plan)
{
  const auto records = read_sweep_records(dir, plan);
  results::write_file_atomic(dir + "/runs.csv", runs_csv(plan, records));
  results::write_file_atomic(dir + "/summary.csv", summary_csv(plan, records));
}

SweepOutcome run_sweep(const SweepPlan& plan, const SweepOptions& o)
{
  const std::string manifest = manifest_text(plan);
  claim_folder(manifest, o);
  const bool whole = o.shard.count == 1;
  if (whole)
    remove_temporaries(fs::path(o.dir) / "runs");
  SweepOutcome out;
  std::vector<size_t> todo;
  for (size_t i = 0; i < plan.runs.size(); ++i)
    if (o.shard.holds(i)) {
      ++out.runs;
      if (fs::exists(fs::path(o.dir) / run_file(plan.runs[i])))
        ++out.skipped;
      else
        todo.push_back(i);
    }
  auto progress = [&](size_t done) {
    if (o.on_progress)
      o.on_progress(done, todo.size());
  };
  progress(0);
  run_in_processes(
      todo.size(), o.jobs,
      [&](size_t k) {
        run_one(plan, plan.runs[todo[k]], o.dir);
        return json(nullptr);
      },
      [&](size_t k) { return "run " + plan.runs[todo[k]].id; }, [&](size_t, json&) { progress(++out.ran); });
  if (whole) {
    write_sweep_tables(o.dir, plan_of_manifest(json::parse(manifest), o.dir + "/" + MANIFEST));
    out.tables = true;
  }
  return out;
}

} // namespace orchsim::analysis
