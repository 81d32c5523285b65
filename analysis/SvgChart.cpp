#include "analysis/SvgChart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace orchsim::analysis {

namespace {

constexpr double WIDTH = 600, LEFT = 64, RIGHT = WIDTH - 18, TOP = 40, BOTTOM = 270;
constexpr double LEGEND_ROW = 16, CHAR_PX = 7;
constexpr size_t DENSE = 100; // above this many points a line's marks shrink and lose their tooltips

std::string px(double v)
{
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string text(double x, double y, const std::string& s, const char* anchor = "start", const char* cls = "")
{
  return "<text x=\"" + px(x) + "\" y=\"" + px(y) + "\" text-anchor=\"" + anchor + "\"" +
         (*cls ? std::string(" class=\"") + cls + "\"" : "") + ">" + escape_html(s) + "</text>";
}

std::string line(double x1, double y1, double x2, double y2, const std::string& attributes)
{
  return "<line x1=\"" + px(x1) + "\" y1=\"" + px(y1) + "\" x2=\"" + px(x2) + "\" y2=\"" + px(y2) + "\" " + attributes +
         "/>";
}

/** Maps data values to pixels along one axis. */
class Scale {
public:
  Scale(double lo, double hi, bool log, double px_lo, double px_hi)
      : lo_(log ? std::log10(lo) : lo), hi_(log ? std::log10(hi) : hi), log_(log), px_lo_(px_lo), px_hi_(px_hi)
  {
  }
  double operator()(double v) const
  {
    const double t = ((log_ ? std::log10(v) : v) - lo_) / (hi_ - lo_);
    return px_lo_ + t * (px_hi_ - px_lo_);
  }
  bool contains(double v) const
  {
    const double u = log_ ? std::log10(v) : v, slack = (hi_ - lo_) * 1e-9;
    return u >= lo_ - slack && u <= hi_ + slack;
  }

private:
  double lo_, hi_;
  bool log_;
  double px_lo_, px_hi_;
};

struct Ticks {
  double lo = 0, hi = 1;
  std::vector<double> at;
  int digits = 3; // significant digits that tell neighbouring ticks apart
};

Ticks linear_ticks(double lo, double hi)
{
  const double raw = (hi - lo) / 5, magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude * 10;
  for (double m : {1.0, 2.0, 5.0})
    if (m * magnitude >= raw * (1 - 1e-9)) {
      step = m * magnitude;
      break;
    }
  Ticks t{std::floor(lo / step + 1e-9) * step, std::ceil(hi / step - 1e-9) * step, {}, 3};
  const double largest = std::max(std::abs(t.lo), std::abs(t.hi));
  t.digits = std::max(3, static_cast<int>(std::floor(std::log10(largest)) - std::floor(std::log10(step))) + 1);
  for (int i = 0; t.lo + i * step <= t.hi + step * 1e-6; ++i)
    t.at.push_back(t.lo + i * step);
  return t;
}

Ticks log_ticks(double lo, double hi)
{
  const int first = static_cast<int>(std::floor(std::log10(lo) + 1e-9));
  const int last = std::max(first + 1, static_cast<int>(std::ceil(std::log10(hi) - 1e-9)));
  Ticks t{std::pow(10.0, first), std::pow(10.0, last), {}, 3};
  const std::vector<double> steps = last - first <= 2 ? std::vector<double>{1, 2, 5} : std::vector<double>{1};
  for (int d = first; d <= last; ++d)
    for (double m : steps)
      if (m * std::pow(10.0, d) <= t.hi * (1 + 1e-9))
        t.at.push_back(m * std::pow(10.0, d));
  return t;
}

/** Ticks covering [lo, hi] of the data, the axis' fixed bounds taking precedence. */
Ticks ticks(const ChartAxis& axis, double lo, double hi)
{
  lo = axis.min.value_or(lo);
  hi = axis.max.value_or(hi);
  if (!(hi > lo) && !axis.log) { // flat data: widen away from a fixed bound, else both ways
    const double pad = lo == 0 ? 1 : std::abs(lo) * 0.1;
    hi += axis.max ? 0 : pad;
    lo -= axis.min && !axis.max ? 0 : pad;
  }
  if (!(hi > lo))
    hi = lo + 1;
  return axis.log ? log_ticks(lo, hi) : linear_ticks(lo, hi);
}

bool drawable(const ChartAxis& axis, double v)
{
  return std::isfinite(v) && (!axis.log || v > 0);
}

const char* series_dash(size_t index)
{
  static const char* dashes[] = {"", " stroke-dasharray=\"7 4\"", " stroke-dasharray=\"2 3\""};
  return dashes[(index / 8) % 3];
}

/** Several series, or one with a name. */
bool has_legend(const std::vector<std::string>& names)
{
  return names.size() > 1 || (names.size() == 1 && !names[0].empty());
}

/** Where each legend entry goes, left to right in rows, and the rows' total height. */
std::pair<std::vector<std::pair<double, double>>, double> legend_layout(const std::vector<std::string>& names,
                                                                        double top)
{
  std::vector<std::pair<double, double>> at;
  double x = LEFT, y = top;
  for (const auto& name : names) {
    const double width = 46 + CHAR_PX * static_cast<double>(name.size());
    if (x > LEFT && x + width > WIDTH) {
      x = LEFT;
      y += LEGEND_ROW;
    }
    at.emplace_back(x, y);
    x += width;
  }
  return {at, has_legend(names) ? y - top + LEGEND_ROW : 0};
}

std::string legend(const std::vector<std::string>& names, double top, bool lines)
{
  if (!has_legend(names))
    return "";
  std::string out = "<g class=\"legend\">";
  const auto at = legend_layout(names, top).first;
  for (size_t i = 0; i < names.size(); ++i) {
    const auto [x, y] = at[i];
    const std::string colour = series_colour(i);
    out += lines ? line(x, y - 4, x + 22, y - 4, "stroke=\"" + colour + "\" stroke-width=\"2.5\"" + series_dash(i))
                 : "<rect x=\"" + px(x + 6) + "\" y=\"" + px(y - 10) + "\" width=\"10\" height=\"10\" fill=\"" +
                       colour + "\"/>";
    out += text(x + 28, y, names[i]);
  }
  return out + "</g>";
}

std::string svg(const std::string& id, const std::string& title, double height, size_t marks, const std::string& body)
{
  const std::string h = px(height);
  return "<svg class=\"chart\" data-chart=\"" + escape_html(id) + "\" data-points=\"" + std::to_string(marks) +
         "\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + px(WIDTH) + " " + h + "\" width=\"" + px(WIDTH) +
         "\" height=\"" + h + "\" role=\"img\" aria-label=\"" + escape_html(title) + "\"><title>" + escape_html(title) +
         "</title>" + text(10, 22, title, "start", "title") + body + "</svg>\n";
}

/** Grid lines, tick labels and the y axis label. */
std::string y_axis(const Scale& y, const Ticks& t, const std::string& label)
{
  std::string out = "<g class=\"axis\">";
  for (double v : t.at) {
    out += line(LEFT, y(v), RIGHT, y(v), "class=\"grid\"");
    out += text(LEFT - 6, y(v) + 4, format_number(v, t.digits), "end");
  }
  out += line(LEFT, TOP, LEFT, BOTTOM, "class=\"frame\"") + line(LEFT, BOTTOM, RIGHT, BOTTOM, "class=\"frame\"");
  const std::string mid = px((TOP + BOTTOM) / 2);
  out += "<text class=\"label\" transform=\"translate(16," + mid + ") rotate(-90)\" text-anchor=\"middle\">" +
         escape_html(label) + "</text>";
  return out + "</g>";
}

std::string x_axis(const Scale& x, const Ticks& t, const std::string& label)
{
  std::string out = "<g class=\"axis\">";
  for (double v : t.at) {
    out += line(x(v), BOTTOM, x(v), BOTTOM + 4, "class=\"frame\"");
    out += text(x(v), BOTTOM + 16, format_number(v, t.digits), "middle");
  }
  return out + text((LEFT + RIGHT) / 2, BOTTOM + 34, label, "middle", "label") + "</g>";
}

/** Shaded ranges and vertical markers, their labels stacked at the top of the plot. */
std::string annotations(const LineChart& c, const Scale& x, const Ticks& t)
{
  std::string out;
  double label_y = TOP + 12;
  for (const auto& r : c.ranges) {
    const double from = std::max(r.from, t.lo), to = std::min(r.to, t.hi);
    if (!(to > from) || !drawable(c.x, from))
      continue;
    out += "<rect class=\"range\" x=\"" + px(x(from)) + "\" y=\"" + px(TOP) + "\" width=\"" + px(x(to) - x(from)) +
           "\" height=\"" + px(BOTTOM - TOP) + "\"/>" + text(x(from) + 4, label_y, r.label, "start", "note");
    label_y += 13;
  }
  for (const auto& m : c.markers) {
    if (!drawable(c.x, m.at) || !x.contains(m.at))
      continue;
    out +=
        line(x(m.at), TOP, x(m.at), BOTTOM, "class=\"marker\"") + text(x(m.at) + 4, label_y, m.label, "start", "note");
    label_y += 13;
  }
  return out;
}

std::string line_series(const ChartSeries& s, size_t index, const std::vector<std::pair<double, double>>& points,
                        const Scale& x, const Scale& y)
{
  const std::string colour = series_colour(index);
  std::string coordinates;
  for (const auto& [a, b] : points)
    coordinates += (coordinates.empty() ? "" : " ") + px(x(a)) + "," + px(y(b));
  std::string out = "<g class=\"series\"><polyline fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"2\"" +
                    series_dash(index) + " points=\"" + coordinates + "\"/>";
  const bool dense = points.size() > DENSE;
  for (const auto& [a, b] : points) {
    out += "<circle class=\"point\" cx=\"" + px(x(a)) + "\" cy=\"" + px(y(b)) + "\" r=\"" + (dense ? "1.4" : "3") +
           "\" fill=\"" + colour + "\"";
    out += dense ? "/>"
                 : "><title>" + escape_html(s.name + ": " + format_number(a) + ", " + format_number(b)) +
                       "</title></circle>";
  }
  return out + "</g>";
}

std::string bar(const BarGroup& g, const std::string& series, size_t index, double left, double width, const Scale& y,
                double base)
{
  const ChartBar& b = g.bars[index];
  const double top = std::min(y(*b.value), y(base)), height = std::max(std::abs(y(*b.value) - y(base)), 1.0);
  std::string tip = g.name + (series.empty() ? "" : ", " + series) + ": " + format_number(*b.value);
  if (b.low && b.high)
    tip += " [" + format_number(*b.low) + ", " + format_number(*b.high) + "]";
  std::string out = "<rect class=\"point\" x=\"" + px(left) + "\" y=\"" + px(top) + "\" width=\"" + px(width) +
                    "\" height=\"" + px(height) + "\" fill=\"" + series_colour(index) + "\"><title>" +
                    escape_html(tip) + "</title></rect>";
  if (b.low && b.high) {
    const double mid = left + width / 2, cap = std::min(width / 2, 6.0);
    out += line(mid, y(*b.low), mid, y(*b.high), "class=\"error\"") +
           line(mid - cap, y(*b.low), mid + cap, y(*b.low), "class=\"error\"") +
           line(mid - cap, y(*b.high), mid + cap, y(*b.high), "class=\"error\"");
  }
  return out;
}

/** The group names under the bars, slanted when one is wider than its band; and the depth they take. */
std::pair<std::string, double> bar_labels(const BarChart& c, double band)
{
  size_t longest = 0;
  for (const auto& g : c.groups)
    longest = std::max(longest, g.name.size());
  const bool slanted = static_cast<double>(longest) * CHAR_PX > band - 6;
  const size_t fits = slanted ? 16 : static_cast<size_t>(band / CHAR_PX);
  std::string out;
  for (size_t g = 0; g < c.groups.size(); ++g) {
    std::string name = c.groups[g].name;
    if (name.size() > fits)
      name.replace(fits - 1, std::string::npos, "\u2026");
    const double x = LEFT + band * (static_cast<double>(g) + 0.5);
    out += slanted ? "<text transform=\"translate(" + px(x + 4) + "," + px(BOTTOM + 14) +
                         ") rotate(-30)\" text-anchor=\"end\">" + escape_html(name) + "</text>"
                   : text(x, BOTTOM + 16, name, "middle");
  }
  return {out, slanted ? static_cast<double>(std::min(longest, fits)) * CHAR_PX * 0.5 : 0};
}

/** Horizontal reference lines; labels of lines closer than a label's height share one text. */
std::string reference_lines(const BarChart& c, const Scale& y)
{
  std::vector<ChartMarker> lines = c.lines;
  std::sort(lines.begin(), lines.end(), [](const auto& a, const auto& b) { return a.at > b.at; });
  std::string out, label;
  double top = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    out += line(LEFT, y(lines[i].at), RIGHT, y(lines[i].at), "class=\"marker\"");
    top = label.empty() ? y(lines[i].at) : top;
    label += (label.empty() ? "" : " / ") + lines[i].label;
    if (i + 1 == lines.size() || y(lines[i + 1].at) - y(lines[i].at) > 13) {
      out += text(RIGHT - 4, top - 4, label, "end", "note");
      label.clear();
    }
  }
  return out;
}

} // namespace

const char* series_colour(size_t index)
{
  static const char* okabe_ito[] = {"#0072B2", "#E69F00", "#009E73", "#D55E00",
                                    "#CC79A7", "#56B4E9", "#000000", "#B8A600"}; // yellow darkened to read on white
  return okabe_ito[index % 8];
}

std::string render_line_chart(const LineChart& c)
{
  std::vector<std::vector<std::pair<double, double>>> drawn;
  double x_lo = std::numeric_limits<double>::infinity(), x_hi = -x_lo, y_lo = x_lo, y_hi = -x_lo;
  size_t marks = 0;
  for (const auto& s : c.series) {
    auto& points = drawn.emplace_back();
    for (const auto& [a, b] : s.points)
      if (drawable(c.x, a) && drawable(c.y, b)) {
        points.emplace_back(a, b);
        x_lo = std::min(x_lo, a), x_hi = std::max(x_hi, a), y_lo = std::min(y_lo, b), y_hi = std::max(y_hi, b);
      }
    marks += points.size();
  }
  if (marks == 0)
    return "";
  const Ticks xt = ticks(c.x, x_lo, x_hi), yt = ticks(c.y, y_lo, y_hi);
  const Scale x(xt.lo, xt.hi, c.x.log, LEFT, RIGHT), y(yt.lo, yt.hi, c.y.log, BOTTOM, TOP);
  std::string body = y_axis(y, yt, c.y.label) + x_axis(x, xt, c.x.label) + annotations(c, x, xt);
  std::vector<std::string> names;
  for (size_t i = 0; i < c.series.size(); ++i) {
    body += line_series(c.series[i], i, drawn[i], x, y);
    names.push_back(c.series[i].name);
  }
  const double legend_top = BOTTOM + 56;
  body += legend(names, legend_top, true);
  return svg(c.id, c.title, legend_top + legend_layout(names, legend_top).second - 6, marks, body);
}

std::string render_bar_chart(const BarChart& c)
{
  double lo = c.base, hi = c.base;
  size_t marks = 0;
  for (const auto& g : c.groups)
    for (const auto& b : g.bars)
      if (b.value && std::isfinite(*b.value)) {
        ++marks;
        lo = std::min({lo, *b.value, b.low.value_or(*b.value)});
        hi = std::max({hi, *b.value, b.high.value_or(*b.value)});
      }
  if (marks == 0)
    return "";
  for (const auto& l : c.lines)
    lo = std::min(lo, l.at), hi = std::max(hi, l.at);
  ChartAxis axis = c.y;
  axis.log = false;
  const Ticks yt = ticks(axis, lo, hi);
  const Scale y(yt.lo, yt.hi, false, BOTTOM, TOP);
  const double band = (RIGHT - LEFT) / static_cast<double>(c.groups.size());
  const double width = band * 0.78 / static_cast<double>(std::max<size_t>(1, c.series.size()));
  const auto [labels, depth] = bar_labels(c, band);
  std::string body = y_axis(y, yt, c.y.label) + labels;
  for (size_t g = 0; g < c.groups.size(); ++g)
    for (size_t s = 0; s < c.groups[g].bars.size(); ++s)
      if (const auto& v = c.groups[g].bars[s].value; v && std::isfinite(*v))
        body += bar(c.groups[g], s < c.series.size() ? c.series[s] : "", s,
                    LEFT + band * (static_cast<double>(g) + 0.11) + width * static_cast<double>(s), width, y, c.base);
  body += reference_lines(c, y);
  const double legend_top = BOTTOM + 40 + depth;
  body += legend(c.series, legend_top, false);
  return svg(c.id, c.title, legend_top + legend_layout(c.series, legend_top).second - 10, marks, body);
}

std::string format_number(double value, int digits)
{
  if (!std::isfinite(value))
    return "n/a";
  if (value == 0)
    return "0";
  char buf[64];
  const double magnitude = std::abs(value);
  if (magnitude < 1e-4 || magnitude >= 1e6) {
    std::snprintf(buf, sizeof buf, "%.*e", digits - 1, value);
    return buf;
  }
  const int decimals = digits - 1 - static_cast<int>(std::floor(std::log10(magnitude)));
  if (decimals <= 0) {
    const double unit = std::pow(10.0, -decimals);
    std::snprintf(buf, sizeof buf, "%.0f", std::round(value / unit) * unit);
  } else {
    std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  }
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    s.erase(s.find_last_not_of('0') + 1);
    if (s.back() == '.')
      s.pop_back();
  }
  return s == "-0" ? "0" : s;
}

std::string escape_html(const std::string& text)
{
  std::string out;
  for (char ch : text) {
    const char* entity = ch == '&'    ? "&amp;"
                         : ch == '<'  ? "&lt;"
                         : ch == '>'  ? "&gt;"
                         : ch == '"'  ? "&quot;"
                         : ch == '\'' ? "&#39;"
                                      : nullptr;
    if (entity)
      out += entity;
    else
      out += ch;
  }
  return out;
}

} // namespace orchsim::analysis
