// cli/CmdReport.cpp: `orchsim report RESULTS... -o FILE`.
#include "cli/Cli.hpp"

#include <iostream>

#include "analysis/HtmlReport.hpp"
#include "results/AtomicFile.hpp"
#include "sim/InputError.hpp"

namespace orchsim::cli {

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

} // namespace orchsim::cli
