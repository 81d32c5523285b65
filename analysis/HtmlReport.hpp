// analysis/HtmlReport.hpp
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace orchsim::analysis {

/** How `orchsim report` renders, besides its inputs. */
struct ReportOptions {
  std::string title = "orchsim report";
  size_t max_series_runs = 4; // runs whose time series are drawn; a note names the others
};

/** Reads run results, profiles documents and scorecards (files, or folders searched recursively for
 *  *.json, in name order) and renders one self-contained HTML report: latency CDFs and percentiles,
 *  time series with fault windows, sweep curves with the capacity knee, amplification, the readiness
 *  scorecard; inline SVG charts, each with a table of its numbers, no external resource. The same inputs
 *  give the same bytes. Throws sim::InputError (file, and the JSON key path or line:col) for a missing
 *  file, malformed JSON, a field of the wrong type, an unknown document kind, or no input. */
std::string render_report(const std::vector<std::string>& inputs, const ReportOptions& options);

} // namespace orchsim::analysis
