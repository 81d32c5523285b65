// analysis/SvgChart.hpp
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace orchsim::analysis {

/** Small SVG chart primitives for the HTML report: axes with ticks and unit labels, line charts (several
 *  series, a legend, log x, shaded x-ranges, vertical markers) and bar charts (grouped bars, error bars,
 *  horizontal reference lines). They know nothing of orchsim's documents. The <svg> carries class `chart`,
 *  `data-chart` (the id) and `data-points` (the data marks drawn); every data mark (a line's point, a bar)
 *  has class `point`. The output is a pure function of the input; every text is escaped. */

/** An axis: its label with the unit, e.g. "latency (s)"; linear or log; optional fixed bounds. */
struct ChartAxis {
  std::string label{};
  bool log = false;
  std::optional<double> min{}, max{};
};

/** A named line of (x, y) points. Points that cannot be drawn (not finite, <= 0 on a log axis) are skipped. */
struct ChartSeries {
  std::string name{};
  std::vector<std::pair<double, double>> points{};
};

/** A shaded x-range [from, to] with a label (a fault window); clipped to the plot. */
struct ChartRange {
  double from = 0, to = 0;
  std::string label{};
};

/** A labelled reference line at `at`: vertical in a line chart, horizontal in a bar chart. */
struct ChartMarker {
  double at = 0;
  std::string label{};
};

struct LineChart {
  std::string id{}, title{};
  ChartAxis x{}, y{};
  std::vector<ChartSeries> series{}; // a legend when more than one
  std::vector<ChartRange> ranges{};
  std::vector<ChartMarker> markers{};
};

/** One bar: no value, no bar; low and high, when both set, draw an error bar. */
struct ChartBar {
  std::optional<double> value{}, low{}, high{};
};

/** A group of bars along x: bars[s] belongs to series s. */
struct BarGroup {
  std::string name{};
  std::vector<ChartBar> bars{};
};

struct BarChart {
  std::string id{}, title{};
  ChartAxis y{};                     // log is ignored
  std::vector<std::string> series{}; // a legend when more than one
  std::vector<BarGroup> groups{};
  double base = 0;                  // bars rise (or fall) from this value
  std::vector<ChartMarker> lines{}; // horizontal reference lines
};

/** The chart as an <svg> element; empty when it has no data mark to draw. */
std::string render_line_chart(const LineChart& chart);
std::string render_bar_chart(const BarChart& chart);

/** `value` with `digits` significant digits, trailing zeros dropped; exponent form outside [1e-4, 1e6). */
std::string format_number(double value, int digits = 3);

/** `text` safe in HTML (and SVG) content and attribute values. */
std::string escape_html(const std::string& text);

/** The colour-blind-safe colour (Okabe & Ito, 2008) of series `index`. */
const char* series_colour(size_t index);

} // namespace orchsim::analysis
