// cli/CmdCompare.cpp: `orchsim compare BASE NEW`.
#include "cli/Cli.hpp"

#include <algorithm>
#include <iostream>

#include "analysis/Compare.hpp"
#include "analysis/GbenchFormat.hpp"
#include "models/Units.hpp"

namespace orchsim::cli {

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
                     [&metric = name](const auto& m) { return m.name == metric; })) // clang 14: no binding capture
      throw UsageError("--max-regression: no metric '" + name + "' in these results");
  emit(analysis::to_json(comparison).dump(2) + "\n", analysis::comparison_table(comparison), out, format,
       analysis::gbench_of_comparison(comparison).dump(2) + "\n");
  return comparison.regression ? EXIT_GATE : EXIT_OK;
}

} // namespace orchsim::cli
