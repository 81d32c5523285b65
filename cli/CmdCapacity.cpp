// cli/CmdCapacity.cpp: `orchsim capacity FILE`: the highest load each profile sustains within the SLOs,
// or the fewest instances of a service that meet them at a rate (docs/CAPACITY.md).
#include "cli/Cli.hpp"

#include <algorithm>
#include <iostream>
#include <thread>

#include "analysis/Capacity.hpp"
#include "models/Units.hpp"
#include "results/AtomicFile.hpp"
#include "sim/InputError.hpp"

namespace orchsim::cli {

namespace {

const char* SUMMARY =
    "Searches the highest load factor (simulation.load_scale) each profile sustains: every --slo met, "
    "the success ratio at least --min-success and the run not overloaded. Brackets by doubling or halving "
    "from the scenario's load, then bisects to --tolerance; replication r searches with seed + r, paired "
    "across profiles, and the capacity is reported as the mean with its 95 % interval. With --instances "
    "SERVICE --rate R: the fewest instances of SERVICE that meet the objectives at R requests/s in every "
    "replication, and the cost there. Prints a table; --out DIR writes DIR/capacity.json (every run) and "
    "DIR/capacity.csv. See docs/CAPACITY.md.";

/** A share written `2%` or `0.02`; `expected` says which ones are allowed. */
double share(const std::string& flag, const std::string& text, bool zero_allowed, double high,
             const std::string& expected)
{
  const auto v = models::parse_fraction(text);
  if (!v || *v > high || (*v <= 0 && !zero_allowed))
    throw UsageError(flag + ": expected " + expected + ", found '" + text + "'");
  return *v;
}

void write_outputs(const std::string& dir, const std::string& json, const std::string& csv)
{
  try {
    results::write_file_atomic(dir + "/capacity.json", json);
    results::write_file_atomic(dir + "/capacity.csv", csv);
  } catch (const std::runtime_error& e) {
    throw sim::InputError(sim::InputLocation{"--out " + dir, 0, 0, ""}, e.what());
  }
}

} // namespace

int cmd_capacity(const std::vector<std::string>& args)
{
  Common c;
  std::vector<std::string> slos;
  std::string min_success = "0.999", tolerance = "2%", profiles, instances, rate, out, format = "table";
  uint32_t replications = 1;
  unsigned jobs = 0;
  analysis::CapacityOptions options;
  po::options_description opts = scenario_options(c);
  opts.add_options()("slo", po::value(&slos)->composing(),
                     "an objective every run must meet, [WORKFLOW.]METRIC<=DURATION with METRIC mean, p50, p90, p95, "
                     "p99 or p999: 'p99<=2s', 'rag_answer.p95<=800ms' (repeatable; default: the scenario's slo:)")(
      "min-success", po::value(&min_success), "the success ratio each objective's scope must reach (default 0.999)")(
      "profiles", po::value(&profiles), "search these profiles too, with the baseline: a comma-separated list, or all")(
      "replications", po::value(&replications), "independent searches, replication r with seed + r (default 1)")(
      "tolerance", po::value(&tolerance),
      "stop bisecting when the bracket's relative width is within this (default 2%)")(
      "instances", po::value(&instances), "with --rate: the fewest instances of this service that meet the objectives")(
      "rate", po::value(&rate), "with --instances: the total arrival rate, e.g. 40/s")(
      "max-probes", po::value(&options.limits.max_probes), "runs per search at most (default 40)")(
      "jobs,j", po::value(&jobs), "searches at once, each in its own process (default: the cores)")(
      "out,o", po::value(&out), "write DIR/capacity.json and DIR/capacity.csv (atomically)")(
      "format", po::value(&format), "what to print: table (default), json or csv");
  if (!parse(args, "capacity", SUMMARY, opts, c))
    return EXIT_OK;
  if (format != "table" && format != "json" && format != "csv")
    throw UsageError("--format: expected table, json or csv, found '" + format + "'");
  if (replications < 1 || replications > 10000)
    throw UsageError("--replications: expected a count in [1, 10000], found " + std::to_string(replications));
  if (options.limits.max_probes < 2)
    throw UsageError("--max-probes: expected at least 2");
  if (!c.profile.empty() && !profiles.empty())
    throw UsageError("--profile and --profiles exclude each other");
  if (instances.empty() != rate.empty())
    throw UsageError("--instances and --rate go together: --instances SERVICE --rate 40/s");
  for (const auto& text : slos)
    options.slos.push_back(analysis::parse_capacity_slo(text));
  options.min_success = share("--min-success", min_success, true, 1, "a share in [0, 1] such as 0.999 or 99.9%");
  options.tolerance = share("--tolerance", tolerance, false, 0.5, "a share in (0, 50%] such as 2% or 0.02");
  if (!rate.empty()) {
    const auto r = models::parse_rate_per_s(rate);
    if (!r || *r <= 0)
      throw UsageError("--rate: expected a rate above 0 with a unit (40/s, 3000/min), found '" + rate + "'");
    options.instances = analysis::InstancesQuestion{instances, *r};
  }
  options.profiles = !c.profile.empty() ? std::vector<std::string>{c.profile} : split_list(profiles);
  if (!profiles.empty())
    options.profiles.insert(options.profiles.begin(), "baseline");
  options.replications = replications;
  options.jobs = jobs ? jobs : std::max(1u, std::thread::hardware_concurrency());

  const auto loaded = analysis::load(c.file, c.overrides);
  const auto result = analysis::run_capacity(loaded, options);
  const std::string json = analysis::to_json(result).dump(2) + "\n";
  const std::string csv = analysis::capacity_csv(result);
  if (!out.empty())
    write_outputs(out, json, csv);
  if (format == "json")
    std::cout << json;
  else if (format == "csv")
    std::cout << csv;
  else
    std::cout << analysis::capacity_table(result)
              << (out.empty() ? "" : "\nresults: " + out + "/capacity.{json,csv}\n");
  return EXIT_OK;
}

} // namespace orchsim::cli
