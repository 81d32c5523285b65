// cli/CmdSweep.cpp: `orchsim sweep SWEEP.yaml`: a scenario over points x profiles x replications, in parallel
// processes, resumable, in shards for clusters (docs/SWEEPS.md).
#include "cli/Cli.hpp"

#include <algorithm>
#include <iostream>
#include <thread>

#include <unistd.h>

#include "analysis/GbenchFormat.hpp"
#include "analysis/Sweep.hpp"
#include "analysis/SweepFile.hpp"
#include "analysis/SweepProgress.hpp"
#include "analysis/SweepTables.hpp"

namespace orchsim::cli {

namespace {

const char* USAGE = R"(usage: orchsim sweep SWEEP.yaml [--out DIR] [options]

Runs the scenario a sweep file names at every point of its parameters (a grid, a zip or a sample), with each
of its profiles, `replications` times, each run in its own process. Writes DIR/runs/<run>.json per run,
DIR/sweep.json (the plan, and the command that reruns each run alone), and DIR/runs.csv and DIR/summary.csv
(tidy CSV for pandas and R). Resumable: the same command again runs only the runs not yet in DIR.
See docs/SWEEPS.md.)";

analysis::SweepShard parse_shard(const std::string& text)
{
  const auto slash = text.find('/');
  const auto digits = [](const std::string& s) {
    return !s.empty() && s.size() < 10 && s.find_first_not_of("0123456789") == std::string::npos;
  };
  if (slash != std::string::npos && digits(text.substr(0, slash)) && digits(text.substr(slash + 1))) {
    const analysis::SweepShard shard{std::stoul(text.substr(0, slash)), std::stoul(text.substr(slash + 1))};
    if (shard.count >= 1 && shard.index < shard.count)
      return shard;
  }
  throw UsageError("--shard: expected I/N with 0 <= I < N (e.g. 0/4), found '" + text + "'");
}

void print_summary(std::ostream& out, const analysis::SweepPlan& plan, const analysis::SweepOptions& o,
                   const analysis::SweepOutcome& done)
{
  out << "sweep " << plan.name;
  if (o.shard.count > 1)
    out << ", shard " << o.shard.index << "/" << o.shard.count << ": " << done.runs << " of " << plan.runs.size();
  else
    out << ": " << done.runs;
  auto count = [](size_t n, const char* what) { return std::to_string(n) + " " + what + (n == 1 ? "" : "s"); };
  out << " runs (" << count(plan.points.size(), "point") << " x " << count(plan.profiles.size(), "profile") << " x "
      << count(plan.replications, "replication") << "): " << done.ran << " run now, " << done.skipped
      << " done before\n";
  if (done.tables)
    out << "outputs: " << o.dir << "/runs.csv, " << o.dir << "/summary.csv, " << o.dir << "/runs/, " << o.dir
        << "/sweep.json\n";
  else
    out << "outputs: " << o.dir << "/runs/, " << o.dir << "/sweep.json; a shard writes no CSVs: "
        << "orchsim merge <every shard's folder> --out DIR writes them\n";
}

} // namespace

int cmd_sweep(const std::vector<std::string>& args)
{
  std::string out, shard, format = "table";
  unsigned jobs = 0;
  bool force = false, quiet = false;
  double interval_s = 5;
  po::options_description opts("sweep");
  opts.add_options()("out,o", po::value(&out), "the sweep's folder (default: runs/<sweep name>)")(
      "jobs,j", po::value(&jobs), "runs at once, each in its own process (default: the cores)")(
      "shard", po::value(&shard),
      "run slice I of N only (I/N: the runs whose index mod N is I), for clusters; writes no CSVs (orchsim merge "
      "does)")("force", po::bool_switch(&force),
               "when DIR holds the runs of another sweep (changed sweep file or scenario): discard them")(
      "quiet,q", po::bool_switch(&quiet), "no progress on stderr")(
      "progress-interval", po::value(&interval_s),
      "seconds between progress lines when stderr is not a terminal (default 5)")(
      "format", po::value(&format),
      "stdout: table (default: a short summary) or gbench (the runs as Google Benchmark JSON; the summary goes "
      "to stderr)");
  std::vector<std::string> inputs;
  if (!parse_inputs(args, "sweep", USAGE, opts, inputs, 1))
    return EXIT_OK;
  if (inputs.empty())
    throw UsageError("missing SWEEP file\nsee: orchsim sweep --help");
  if (format != "table" && format != "gbench")
    throw UsageError("--format: expected table or gbench, found '" + format + "'");
  analysis::SweepOptions options;
  options.shard = shard.empty() ? analysis::SweepShard{} : parse_shard(shard);
  if (format == "gbench" && options.shard.count > 1)
    throw UsageError("--format gbench needs the whole sweep: a shard has no summary (orchsim merge --format gbench)");
  const auto plan = analysis::plan_sweep(analysis::load_sweep_file(inputs.front()));
  options.dir = out.empty() ? "runs/" + plan.name : out;
  options.jobs = jobs ? jobs : std::max(1u, std::thread::hardware_concurrency());
  options.force = force;
  const auto style = quiet              ? analysis::SweepProgress::Style::NONE
                     : ::isatty(2) != 0 ? analysis::SweepProgress::Style::BAR
                                        : analysis::SweepProgress::Style::LINES;
  std::string label = "sweep " + plan.name;
  if (options.shard.count > 1)
    label += " shard " + shard;
  analysis::SweepProgress progress(std::cerr, style, interval_s, label);
  options.on_progress = [&](size_t done, size_t total) { progress.update(done, total); };
  const auto outcome = analysis::run_sweep(plan, options);
  progress.finish();
  if (format == "gbench") {
    std::cout << analysis::gbench_of_sweep(plan, analysis::read_sweep_records(options.dir, plan)).dump(2) << "\n";
    if (!quiet)
      print_summary(std::cerr, plan, options, outcome);
  } else {
    print_summary(std::cout, plan, options, outcome);
  }
  return EXIT_OK;
}

} // namespace orchsim::cli
