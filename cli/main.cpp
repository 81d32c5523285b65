// cli/main.cpp: the thin `orchsim` executable. Dispatches to one function per command (cli/Cmd*.cpp);
// prints errors. Exit codes: 0 ok; 1 a gate failed; 2 bad input or usage; 3 internal error;
// 128 + N stopped by signal N (SIGINT 130, SIGTERM 143) with partial results marked incomplete.
#include <csignal>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "cli/Cli.hpp"
#include "orchsim/Version.hpp"
#include "sim/Engine.hpp"
#include "sim/InputError.hpp"
#include "sim/Interrupt.hpp"

using namespace orchsim;
using namespace orchsim::cli;

namespace {

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
  sweep SWEEP.yaml --out DIR
                 run a scenario over a grid or sample of parameters x profiles x replications, in
                 parallel and resumable; tidy CSV and per-point summaries (--shard I/N for clusters)
  merge DIR... --out DIR
                 combine the shards of a sweep into the outputs of one whole sweep
  capacity FILE --slo 'p99<=2s'
                 the highest load each profile sustains within the SLO, or (--instances S --rate R)
                 the fewest instances of a service that meet it

options:
  -h, --help     this help; `orchsim <command> --help` for a command's options
  --version      print the version

exit codes: 0 ok, 1 a gate failed, 2 bad input or usage, 3 internal error,
  130 / 143 stopped by SIGINT / SIGTERM (what had finished is kept; a partial run is marked incomplete)
)";

} // namespace

int main(int argc, char** argv)
{
  std::vector<std::string> args(argv + 1, argv + argc);
  sim::install_stop_handlers();
  std::signal(SIGXFSZ, SIG_IGN); // a file-size limit (ulimit -f) is a write error (EFBIG) to report, not a kill
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
    const std::map<std::string, int (*)(const std::vector<std::string>&)> commands = {
        {"run", cmd_run},         {"check", cmd_check},       {"explain", cmd_explain},
        {"compare", cmd_compare}, {"validate", cmd_validate}, {"report", cmd_report},
        {"sweep", cmd_sweep},     {"merge", cmd_merge},       {"capacity", cmd_capacity},
    };
    if (const auto it = commands.find(command); it != commands.end())
      return it->second(args);
    throw UsageError("unknown command '" + command + "'\n\n" + USAGE);
  } catch (const sim::Interrupted& e) {
    std::cerr << "orchsim: " << e.what() << "\n";
    return 128 + e.get_signal();
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
