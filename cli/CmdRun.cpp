// cli/CmdRun.cpp: `orchsim run` (one run, or profiles x replications), `check` and `explain`.
#include "cli/Cli.hpp"

#include <algorithm>
#include <iostream>
#include <thread>

#include "analysis/GbenchFormat.hpp"
#include "analysis/Profiles.hpp"
#include "analysis/Report.hpp"
#include "analysis/Runner.hpp"
#include "models/OfferedLoad.hpp"
#include "models/Units.hpp"
#include "sim/Interrupt.hpp"
#include "results/RunResult.hpp"

namespace orchsim::cli {

int cmd_check(const std::vector<std::string>& args)
{
  Common c;
  po::options_description opts = scenario_options(c);
  if (!parse(args, "check", "Validates a scenario and its overrides; runs nothing. Exit 0 when valid, 2 when not.",
             opts, c))
    return EXIT_OK;
  const auto loaded = analysis::load(c.file, c.overrides, c.profile);
  const auto& s = loaded.scenario;
  print_warnings(models::overload_warnings(s, models::compute_offered_load(s)));
  size_t steps = 0;
  for (const auto& w : s.workflows)
    steps += w.steps.size();
  std::cout << c.file << ": ok: " << s.services.size() << " services, " << s.workflows.size() << " workflows (" << steps
            << " steps), " << s.sources.size() << " workload sources, profiles:";
  for (const auto& p : s.profiles)
    std::cout << " " << p.name;
  std::cout << "\n";
  return EXIT_OK;
}

int cmd_explain(const std::vector<std::string>& args)
{
  Common c;
  po::options_description opts = scenario_options(c);
  if (!parse(args, "explain",
             "Prints the compiled model: services and instances, workflows in topological order, "
             "workload sources, and the offered load against capacity per service.",
             opts, c))
    return EXIT_OK;
  const auto loaded = analysis::load(c.file, c.overrides, c.profile);
  std::cout << analysis::explain_text(loaded.scenario);
  return EXIT_OK;
}

int run_profiles(const Common& c, const std::string& profiles, uint32_t replications, unsigned jobs,
                 const std::string& runs_dir, const std::string& out, const std::string& format,
                 const analysis::RunLimits& limits)
{
  if (!c.profile.empty())
    throw UsageError("--profile and --profiles exclude each other: --profiles " + c.profile +
                     " runs it with the "
                     "baseline");
  analysis::ProfilesOptions options;
  options.profiles = split_list(profiles.empty() ? "baseline" : profiles);
  if (options.profiles.empty())
    throw UsageError("--profiles: expected a list of profile names or all, found '" + profiles + "'");
  options.replications = replications;
  options.jobs = jobs;
  options.limits = limits;
  options.runs_dir = runs_dir;
  const auto loaded = analysis::load(c.file, c.overrides);
  const auto result = analysis::run_profiles(loaded, options);
  emit(results::to_json_text(result), analysis::profiles_table(result), out, format,
       analysis::gbench_of_profiles(result).dump(2) + "\n");
  bool complete = true;
  for (const auto& p : result.profiles)
    complete = complete && p.complete;
  return complete ? EXIT_OK : EXIT_BAD_INPUT;
}

int cmd_run(const std::vector<std::string>& args)
{
  Common c;
  std::string seed, out, format = "table", max_sim_time, max_memory, profiles, runs_dir;
  uint32_t replications = 1;
  unsigned jobs = 0;
  analysis::RunLimits limits;
  po::options_description opts = scenario_options(c);
  opts.add_options()("profiles", po::value(&profiles),
                     "run several profiles on the same workload and report their amplification over the baseline: "
                     "a comma-separated list, or all (the declared ones, random and oracle)")(
      "replications", po::value(&replications),
      "with --profiles: paired replications (replication r uses seed + r), for 95 % intervals")(
      "jobs,j", po::value(&jobs), "with --profiles: runs at once, each in its own process (default: the cores)")(
      "runs-dir", po::value(&runs_dir), "with --profiles: write every run's result JSON into this folder")(
      "seed", po::value(&seed), "the run's seed (same as --set simulation.seed=N)")(
      "out,o", po::value(&out), "write the result JSON here (atomically)")(
      "format", po::value(&format),
      "what to print on stdout: table (default), json, or gbench (Google Benchmark's JSON format)")(
      "max-events", po::value(&limits.max_events), "stop after this many events; the result is marked incomplete")(
      "max-sim-time", po::value(&max_sim_time), "stop at this simulated time (e.g. 1h); result marked incomplete")(
      "max-memory", po::value(&max_memory),
      "stop when the process's resident memory exceeds this size (e.g. 4GiB; default: three quarters of the "
      "machine's memory); result marked incomplete");
  if (!parse(args, "run",
             "Runs a scenario once. Prints a summary table (or the JSON with --format json) and "
             "writes the result JSON with --out.",
             opts, c))
    return EXIT_OK;
  if (format != "table" && format != "json" && format != "gbench")
    throw UsageError("--format: expected table, json or gbench, found '" + format + "'");
  if (!max_sim_time.empty()) {
    auto bound = models::parse_duration_s(max_sim_time);
    if (!bound || *bound <= 0)
      throw UsageError("--max-sim-time: expected a duration with a unit (90s, 2h), found '" + max_sim_time + "'");
    limits.max_sim_time_s = *bound;
  }
  if (!max_memory.empty()) {
    auto bytes = models::parse_size_bytes(max_memory);
    if (!bytes || *bytes < 1e6)
      throw UsageError("--max-memory: expected a size of at least 1MB with a unit (512MiB, 4GiB), found '" +
                       max_memory + "'");
    limits.max_memory_bytes = static_cast<uint64_t>(*bytes);
  }
  if (!seed.empty())
    c.overrides.push_back("simulation.seed=" + seed);
  if (replications < 1 || replications > 100000)
    throw UsageError("--replications: expected a count in [1, 100000], found " + std::to_string(replications));
  if (!profiles.empty() || replications > 1 || !runs_dir.empty())
    return run_profiles(c, profiles, replications, jobs ? jobs : std::max(1u, std::thread::hardware_concurrency()),
                        runs_dir, out, format, limits);
  const auto loaded = analysis::load(c.file, c.overrides, c.profile);
  const auto result = analysis::run(loaded, limits);
  emit(results::to_json_text(result), analysis::summary_table(result), out, format,
       analysis::gbench_of_run(result).dump(2) + "\n");
  print_warnings(result.run.warnings);
  if (sim::stop_requested())
    return 128 + sim::stop_signal(); // the partial result is written, marked incomplete
  return result.run.complete ? EXIT_OK : EXIT_BAD_INPUT;
}

} // namespace orchsim::cli
