// cli/CmdMerge.cpp: `orchsim merge DIR... --out OUT`: the shards of a sweep combined into the outputs of one
// whole sweep (docs/SWEEPS.md, "Shards").
#include "cli/Cli.hpp"

#include <iostream>

#include "analysis/GbenchFormat.hpp"
#include "analysis/SweepMerge.hpp"
#include "analysis/SweepTables.hpp"

namespace orchsim::cli {

namespace {

const char* USAGE = R"(usage: orchsim merge DIR... --out OUT

Combines the folders of one sweep's shards (orchsim sweep --shard I/N), or one folder they shared, into OUT:
every run file, the manifest and the CSVs, byte-identical to what one whole sweep writes. Checks everything
first and refuses (exit 2) folders of different sweeps, runs that no folder holds, and two different files
for one run. See docs/SWEEPS.md.)";

} // namespace

int cmd_merge(const std::vector<std::string>& args)
{
  std::string out, format = "table";
  po::options_description opts("merge");
  opts.add_options()("out,o", po::value(&out), "the folder of the merged sweep (may be one of the DIRs)")(
      "format", po::value(&format), "stdout: table (default: a short summary) or gbench (Google Benchmark JSON)");
  std::vector<std::string> dirs;
  if (!parse_inputs(args, "merge", USAGE, opts, dirs, -1))
    return EXIT_OK;
  if (dirs.empty() || out.empty())
    throw UsageError("expected the sweep folders and --out OUT\nsee: orchsim merge --help");
  if (format != "table" && format != "gbench")
    throw UsageError("--format: expected table or gbench, found '" + format + "'");
  const auto merged = analysis::merge_sweeps(dirs, out);
  const auto& plan = merged.plan;
  if (format == "gbench") {
    std::cout << analysis::gbench_of_sweep(plan, analysis::read_sweep_records(out, plan)).dump(2) << "\n";
    return EXIT_OK;
  }
  std::cout << "merged sweep " << plan.name << ": " << plan.runs.size() << " runs from " << dirs.size()
            << " folders: " << merged.copied << " copied, " << merged.present << " already in " << out << "\n"
            << "outputs: " << out << "/runs.csv, " << out << "/summary.csv, " << out << "/runs/, " << out
            << "/sweep.json\n";
  return EXIT_OK;
}

} // namespace orchsim::cli
