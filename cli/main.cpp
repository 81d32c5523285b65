// cli/main.cpp: the thin `orchsim` executable. Parses the command line, calls analysis, prints.
// Exit codes: 0 ok; 1 a gate failed; 2 bad input or usage; 3 internal error.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/program_options.hpp>

#include "analysis/Compare.hpp"
#include "analysis/GbenchFormat.hpp"
#include "analysis/HtmlReport.hpp"
#include "analysis/Profiles.hpp"
#include "analysis/Report.hpp"
#include "analysis/Runner.hpp"
#include "analysis/Validation.hpp"
#include "models/OfferedLoad.hpp"
#include "models/Units.hpp"
#include "orchsim/Version.hpp"
#include "results/AtomicFile.hpp"
#include "results/RunResult.hpp"
#include "sim/Engine.hpp"
#include "sim/InputError.hpp"

namespace po = boost::program_options;
using namespace orchsim;

namespace {

constexpr int EXIT_OK = 0;
constexpr int EXIT_GATE = 1;
constexpr int EXIT_BAD_INPUT = 2;
constexpr int EXIT_INTERNAL = 3;

/** Bad usage: a message for stderr, exit 2. */
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const char* USAGE = R"(usage: orchsim <command> [options]

Simulates an orchestrator of AI services against the services, workflows and workload of a
scenario file, and measures latency, throughput, reliability and cost.

commands:
  run FILE       run a scenario; print a summary, write the result JSON
  check FILE     validate a scenario (and overrides) without running it
  explain FILE   print the compiled model and the offered load against capacity
  compare BASE NEW
                 compare two results (files, or folders of replications) metric by metric,
                 with significance tests; exit 1 on a significant regression beyond threshold
  validate FILE  score production readiness against a validation profile; exit 1 when the gate fails
  validate --from DIR
                 re-score the runs of an earlier validate without simulating again
  report RESULTS... -o FILE
                 one self-contained HTML report (charts and tables) of results, profiles and scorecards

options:
  -h, --help     this help; `orchsim <command> --help` for a command's options
  --version      print the version

exit codes: 0 ok, 1 a gate failed, 2 bad input or usage, 3 internal error
)";

struct Common {
  std::string file;
  std::vector<std::string> overrides;
  std::string profile;
};

po::options_description scenario_options(Common& c)
{
  po::options_description d("scenario");
  d.add_options()("set", po::value(&c.overrides)->composing(),
                  "override a field: --set key.path=value (repeatable), e.g. --set workload.0.arrival.rate=5/s")(
      "profile", po::value(&c.profile),
      "the orchestration profile: baseline (default), one the scenario declares, random or oracle");
  return d;
}

/** Parses `args` against `visible` plus a positional FILE; returns false after printing --help. */
bool parse(const std::vector<std::string>& args, const std::string& command, const std::string& summary,
           po::options_description& visible, Common& c)
{
  bool help = false;
  visible.add_options()("help,h", po::bool_switch(&help), "show this help");
  po::options_description all;
  all.add(visible);
  all.add_options()("file", po::value(&c.file));
  po::positional_options_description positional;
  positional.add("file", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(std::string(e.what()) + "\nsee: orchsim " + command + " --help");
  }
  if (help) {
    std::cout << "usage: orchsim " << command << " FILE [options]\n\n" << summary << "\n\n" << visible;
    return false;
  }
  if (c.file.empty())
    throw UsageError("missing scenario FILE\nsee: orchsim " + command + " --help");
  return true;
}

/** Parses `args` against `visible` plus positional inputs (at most `max`; -1: any number); returns false
 *  after printing `usage` and the options for --help. */
bool parse_inputs(const std::vector<std::string>& args, const std::string& command, const std::string& usage,
                  po::options_description& visible, std::vector<std::string>& inputs, int max)
{
  bool help = false;
  visible.add_options()("help,h", po::bool_switch(&help), "show this help");
  po::options_description all;
  all.add(visible);
  all.add_options()("input", po::value(&inputs)->composing());
  po::positional_options_description positional;
  positional.add("input", max);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(std::string(e.what()) + "\nsee: orchsim " + command + " --help");
  }
  if (help)
    std::cout << usage << "\n\n" << visible;
  return !help;
}

void print_warnings(const std::vector<std::string>& warnings)
{
  for (const auto& w : warnings)
    std::cerr << "warning: " << w << "\n";
}

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

/** Writes the JSON to `out` (atomically) when asked, and prints the table, the JSON or the Google
 *  Benchmark JSON (`gbench`, when the command has one). */
void emit(const std::string& json, const std::string& table, const std::string& out, const std::string& format,
          const std::string& gbench = "")
{
  if (!out.empty()) {
    try {
      results::write_file_atomic(out, json);
    } catch (const std::runtime_error& e) {
      throw sim::InputError(sim::InputLocation{"--out " + out, 0, 0, ""}, e.what());
    }
  }
  if (format == "json") {
    std::cout << json;
    return;
  }
  if (format == "gbench") {
    std::cout << gbench;
    return;
  }
  std::cout << table;
  if (!out.empty())
    std::cout << "\nresult: " << out << "\n";
}

/** Splits `a,b,c`. */
std::vector<std::string> split_list(const std::string& text)
{
  std::vector<std::string> items;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty())
      items.push_back(item);
  return items;
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
  std::string seed, out, format = "table", max_sim_time, profiles, runs_dir;
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
      "max-sim-time", po::value(&max_sim_time), "stop at this simulated time (e.g. 1h); result marked incomplete");
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
  return result.run.complete ? EXIT_OK : EXIT_BAD_INPUT;
}

int cmd_compare(const std::vector<std::string>& args)
{
  std::vector<std::string> inputs, limits;
  std::string format = "table", out;
  analysis::CompareOptions options;
  po::options_description visible("compare");
  visible.add_options()("max-regression", po::value(&limits)->composing(),
                        "tolerated worsening of a metric, relative: --max-regression p99=5% (repeatable; metric "
                        "names as the table prints them; default 5%)")(
      "alpha", po::value(&options.alpha), "significance level of the tests (default 0.05)")(
      "format", po::value(&format),
      "what to print: table (default), json, or gbench (Google Benchmark's difference report, as compare.py "
      "--dump_to_json writes it)")("out,o", po::value(&out), "write the comparison JSON here (atomically)");
  if (!parse_inputs(args, "compare",
                    "usage: orchsim compare BASE NEW [options]\n\nCompares two run results, or two folders of "
                    "replications, metric by metric (docs/METRICS.md, \"Compare\"). Exit 0 when no metric "
                    "regressed significantly beyond its threshold, 1 when one did, 2 on bad input.",
                    visible, inputs, 2))
    return EXIT_OK;
  if (inputs.size() != 2)
    throw UsageError("expected two inputs, BASE and NEW\nsee: orchsim compare --help");
  if (format != "table" && format != "json" && format != "gbench")
    throw UsageError("--format: expected table, json or gbench, found '" + format + "'");
  if (!(options.alpha > 0 && options.alpha < 1))
    throw UsageError("--alpha: expected a level in (0, 1)");
  for (const auto& l : limits) {
    const auto eq = l.find('=');
    const auto fraction = eq == std::string::npos ? std::nullopt : models::parse_fraction(l.substr(eq + 1));
    if (eq == std::string::npos || eq == 0 || !fraction || *fraction < 0)
      throw UsageError("--max-regression: expected metric=percent (p99=5%), found '" + l + "'");
    options.max_regression[l.substr(0, eq)] = *fraction;
  }
  const auto base = analysis::read_results(inputs[0]);
  const auto current = analysis::read_results(inputs[1]);
  const auto comparison = analysis::compare(base, current, options);
  for (const auto& [name, fraction] : options.max_regression)
    if (std::none_of(comparison.metrics.begin(), comparison.metrics.end(),
                     [&](const auto& m) { return m.name == name; }))
      throw UsageError("--max-regression: no metric '" + name + "' in these results");
  emit(analysis::to_json(comparison).dump(2) + "\n", analysis::comparison_table(comparison), out, format,
       analysis::gbench_of_comparison(comparison).dump(2) + "\n");
  return comparison.regression ? EXIT_GATE : EXIT_OK;
}

/** The default validation profile: scenarios/validation/default.yaml from the working folder, else
 *  from the source tree the binary was built from. */
std::string default_validation_profile()
{
  const std::string relative = "scenarios/validation/default.yaml";
  if (std::filesystem::exists(relative))
    return relative;
  return std::string(ORCHSIM_SOURCE_DIR) + "/" + relative;
}

int cmd_validate(const std::vector<std::string>& args)
{
  Common c;
  std::string validation, out, from, format = "table";
  unsigned jobs = 0;
  po::options_description opts = scenario_options(c);
  opts.add_options()("validation", po::value(&validation),
                     "the validation profile (default: scenarios/validation/default.yaml)")(
      "out,o", po::value(&out), "the folder for the runs and the scorecard (default: runs/<scenario>-validation)")(
      "from", po::value(&from), "re-score the runs in this folder (an earlier --out) without simulating")(
      "jobs,j", po::value(&jobs), "runs at once, each in its own process (default: the cores)")(
      "format", po::value(&format), "what to print: table (default) or json (the scorecard)");
  const bool rescoring = std::any_of(args.begin(), args.end(), [](const auto& a) { return a.rfind("--from", 0) == 0; });
  if (rescoring) {
    bool help = false;
    opts.add_options()("help,h", po::bool_switch(&help), "show this help");
    po::variables_map vm;
    try {
      po::store(po::command_line_parser(args).options(opts).run(), vm);
      po::notify(vm);
    } catch (const po::error& e) {
      throw UsageError(std::string(e.what()) + "\nsee: orchsim validate --help");
    }
    if (!c.overrides.empty() || !c.profile.empty() || !out.empty())
      throw UsageError("--from re-scores the runs as they are: --set, --profile and --out do not apply");
  } else if (!parse(args, "validate",
                    "Runs what the validation profile's criteria need (normal load, peak load, each fault, a "
                    "soak, the profiles experiment), replicated, and scores production readiness: every "
                    "criterion with its value, 95 % interval, target, fail threshold and score, category and "
                    "overall scores, and the verdict. Writes DIR/scorecard.json. Exit 0 when the gate passes, "
                    "1 when it fails, 2 on bad input. See docs/VALIDATION.md.",
                    opts, c)) {
    return EXIT_OK;
  }
  if (format != "table" && format != "json")
    throw UsageError("--format: expected table or json, found '" + format + "'");
  std::string dir = from;
  if (!rescoring) {
    const auto loaded = analysis::load(c.file, c.overrides, c.profile);
    const auto profile =
        analysis::load_validation_profile(validation.empty() ? default_validation_profile() : validation);
    dir = out.empty() ? "runs/" + loaded.scenario.name + "-validation" : out;
    analysis::ValidateOptions options;
    options.profile = c.profile;
    options.jobs = jobs ? jobs : std::max(1u, std::thread::hardware_concurrency());
    options.dir = dir;
    analysis::run_validation(loaded, profile, options);
    validation = profile.path;
  } else if (validation.empty()) {
    std::ifstream in(dir + "/plan.json");
    const auto plan = nlohmann::json::parse(in, nullptr, false);
    validation = plan.is_object() && plan.contains("validation") ? plan["validation"].get<std::string>()
                                                                 : default_validation_profile();
  }
  const auto profile = analysis::load_validation_profile(validation);
  const auto card = analysis::score_validation(dir, profile);
  const std::string scorecard = dir + "/scorecard.json";
  emit(analysis::to_json(card).dump(2) + "\n", analysis::scorecard_table(card), scorecard, format);
  return card.passed ? EXIT_OK : EXIT_GATE;
}

int cmd_report(const std::vector<std::string>& args)
{
  std::vector<std::string> inputs;
  std::string out;
  analysis::ReportOptions options;
  po::options_description visible("report");
  visible.add_options()("out,o", po::value(&out), "the HTML file to write (atomically)")(
      "title", po::value(&options.title), "the report's title");
  if (!parse_inputs(args, "report",
                    "usage: orchsim report RESULTS... -o report.html\n\nRenders run results, profiles documents and "
                    "scorecards (files, or folders of them, e.g. a validation's --out) into one self-contained "
                    "HTML file: latency CDFs, time series with fault windows, sweep curves, amplification, the "
                    "readiness scorecard (docs/REPORT.md).",
                    visible, inputs, -1))
    return EXIT_OK;
  if (inputs.empty())
    throw UsageError("expected result files or folders\nsee: orchsim report --help");
  if (out.empty())
    throw UsageError("expected -o FILE, the HTML file to write\nsee: orchsim report --help");
  const std::string html = analysis::render_report(inputs, options);
  try {
    results::write_file_atomic(out, html);
  } catch (const std::runtime_error& e) {
    throw sim::InputError(sim::InputLocation{"--out " + out, 0, 0, ""}, e.what());
  }
  std::cout << "report: " << out << "\n";
  return EXIT_OK;
}

} // namespace

int main(int argc, char** argv)
{
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (args.empty()) {
      std::cerr << USAGE;
      return EXIT_BAD_INPUT;
    }
    const std::string command = args.front();
    args.erase(args.begin());
    if (command == "-h" || command == "--help" || command == "help") {
      std::cout << USAGE;
      return EXIT_OK;
    }
    if (command == "--version" || command == "version") {
      std::cout << "orchsim " << VERSION << " (" << GIT_DESCRIBE << "), SimGrid " << sim::Engine::simgrid_version()
                << "\n";
      return EXIT_OK;
    }
    if (command == "run")
      return cmd_run(args);
    if (command == "check")
      return cmd_check(args);
    if (command == "explain")
      return cmd_explain(args);
    if (command == "compare")
      return cmd_compare(args);
    if (command == "validate")
      return cmd_validate(args);
    if (command == "report")
      return cmd_report(args);
    throw UsageError("unknown command '" + command + "'\n\n" + USAGE);
  } catch (const sim::InputError& e) {
    std::cerr << e.what() << "\n";
    return EXIT_BAD_INPUT;
  } catch (const UsageError& e) {
    std::cerr << "orchsim: " << e.what() << "\n";
    return EXIT_BAD_INPUT;
  } catch (const std::exception& e) {
    std::cerr << "orchsim: internal error: " << e.what() << "\n";
    return EXIT_INTERNAL;
  }
}
