#include "analysis/HtmlReport.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "analysis/JsonFile.hpp"
#include "analysis/SvgChart.hpp"
#include "sim/InputError.hpp"

namespace orchsim::analysis {

namespace {

using nlohmann::json;
using sim::InputError;
using sim::InputLocation;
using Points = std::vector<std::pair<double, double>>;

const double NaN = std::numeric_limits<double>::quiet_NaN();

/** One input file and its JSON. */
struct Document {
  std::string path;
  json body;
};

/** A place in an input document that knows its file and key path, so that a field of the wrong type is
 *  reported where it is. Absent and null read as "no value"; the document must outlive the node. */
class Node {
public:
  Node(const std::string& file, const json* value, std::string path)
      : file_(&file), value_(value), path_(std::move(path))
  {
  }
  bool exists() const { return value_ && !value_->is_null(); }
  const std::string& file() const { return *file_; }
  Node operator[](const std::string& key) const
  {
    if (exists() && !value_->is_object())
      fail("expected an object");
    const json* child = exists() && value_->contains(key) ? &(*value_)[key] : nullptr;
    return Node(*file_, child, path_.empty() ? key : path_ + "." + key);
  }
  std::optional<double> number() const
  {
    return exists() ? std::optional(get<double>(&json::is_number, "a number")) : std::nullopt;
  }
  std::string text() const { return exists() ? get<std::string>(&json::is_string, "a string") : ""; }
  bool flag() const { return exists() && get<bool>(&json::is_boolean, "true or false"); }
  std::vector<Node> items() const
  {
    std::vector<Node> out;
    if (exists() && !value_->is_array())
      fail("expected a list");
    for (size_t i = 0; exists() && i < value_->size(); ++i)
      out.emplace_back(*file_, &(*value_)[i], path_ + "." + std::to_string(i));
    return out;
  }
  std::vector<std::pair<std::string, Node>> members() const
  {
    std::vector<std::pair<std::string, Node>> out;
    if (exists() && !value_->is_object())
      fail("expected an object");
    if (exists())
      for (auto it = value_->begin(); it != value_->end(); ++it)
        out.emplace_back(it.key(), (*this)[it.key()]);
    return out;
  }
  std::vector<double> numbers() const
  {
    std::vector<double> out;
    for (const auto& item : items())
      out.push_back(item.number().value_or(NaN));
    return out;
  }
  [[noreturn]] void fail(const std::string& message) const
  {
    throw InputError(InputLocation{*file_, 0, 0, path_}, message);
  }

private:
  template <typename T>
  T get(bool (json::*is)() const noexcept, const char* expected) const
  {
    if (!((*value_).*is)())
      fail(std::string("expected ") + expected + ", found " + value_->type_name());
    return value_->get<T>();
  }
  const std::string* file_;
  const json* value_;
  std::string path_;
};

/** The files of the inputs: files as given, folders searched recursively for *.json in name order. */
std::vector<std::string> input_files(const std::vector<std::string>& inputs)
{
  namespace fs = std::filesystem;
  if (inputs.empty())
    throw InputError(InputLocation{}, "no input: give run results, profiles documents or scorecards");
  std::vector<std::string> files;
  for (const auto& input : inputs) {
    std::error_code ec;
    if (!fs::exists(input, ec))
      throw InputError(InputLocation{input, 0, 0, ""}, "no such file or folder");
    if (!fs::is_directory(input, ec)) {
      files.push_back(input);
      continue;
    }
    std::vector<std::string> found;
    for (const auto& entry : fs::recursive_directory_iterator(input))
      if (entry.is_regular_file() && entry.path().extension() == ".json")
        found.push_back(entry.path().string());
    if (found.empty())
      throw InputError(InputLocation{input, 0, 0, ""}, "no input: no *.json file in this folder");
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

/** "run", "profiles", "scorecard" or "plan": a validation's plan.json, a sweep's manifest or a capacity
 *  document, read past so that a validation's or a sweep's folder can be given whole (the runs they list
 *  are in it); anything else is refused. */
std::string kind_of(const Document& d)
{
  if (!d.body.is_object())
    throw InputError(InputLocation{d.path, 0, 0, ""}, "not an orchsim document: expected a JSON object");
  const std::string kind = Node(d.path, &d.body, "")["kind"].text();
  if (kind.empty() && !d.body.contains("schema_version"))
    throw InputError(InputLocation{d.path, 0, 0, ""}, "not an orchsim document: no schema_version or kind");
  if (kind == "validation_plan" || kind == "sweep" || kind == "capacity")
    return "plan";
  if (!kind.empty() && kind != "profiles" && kind != "scorecard")
    throw InputError(InputLocation{d.path, 0, 0, "kind"}, "not a document the report draws: kind " + kind);
  return kind.empty() ? "run" : kind;
}

/** What the report uses of a run result. */
struct Run {
  std::string path, stem, scenario, profile;
  std::string key; // scenario, profile and overrides but the seed: what replications share
  Node metrics;
};

Run read_run(const Document& d)
{
  const Node root(d.path, &d.body, ""), context = root["context"];
  Run run{d.path,
          std::filesystem::path(d.path).stem().string(),
          context["scenario"]["name"].text(),
          context["profile"].text(),
          "",
          root["metrics"]};
  if (!run.metrics.exists())
    root.fail("not a run result: no metrics");
  run.key = run.scenario + "\n" + run.profile;
  for (const auto& o : context["overrides"].items())
    if (o.text().rfind("simulation.seed=", 0) != 0)
      run.key += "\n" + o.text();
  return run;
}

/** Runs that differ only in their seed: replications, drawn as one line. */
struct RunGroup {
  std::string label;
  std::vector<const Run*> runs;
};

std::vector<RunGroup> group_runs(const std::vector<Run>& runs)
{
  std::vector<RunGroup> groups;
  std::map<std::string, size_t> by_key;
  std::map<std::string, int> lines;        // per profile
  std::map<std::string, int> lines_within; // per scenario and profile
  for (const auto& run : runs) {
    auto [at, added] = by_key.try_emplace(run.key, groups.size());
    if (added) {
      groups.push_back({run.profile, {}});
      ++lines[run.profile];
      ++lines_within[run.scenario + "\n" + run.profile];
    }
    groups[at->second].runs.push_back(&run);
  }
  for (auto& g : groups) {
    const Run& first = *g.runs.front();
    if (first.profile.empty() || lines_within[first.scenario + "\n" + first.profile] > 1)
      g.label = first.stem;
    else if (lines[first.profile] > 1)
      g.label = first.profile + " (" + first.scenario + ")";
  }
  return groups;
}

/** The mean over a group's runs of what `value` reads (runs without it are left out). */
std::optional<double> group_mean(const RunGroup& g, const std::function<std::optional<double>(const Run&)>& value)
{
  double sum = 0;
  int n = 0;
  for (const Run* run : g.runs)
    if (auto v = value(*run)) {
      sum += *v;
      ++n;
    }
  return n ? std::optional(sum / n) : std::nullopt;
}

/** (probability, seconds) of a latency summary: its `cdf`, else its percentile fields. */
Points quantiles(const Node& latency)
{
  Points out;
  for (const auto& pair : latency["cdf"].items()) {
    const auto p = pair.items();
    if (p.size() != 2 || !p[0].number() || !p[1].number())
      pair.fail("expected [probability, seconds]");
    out.emplace_back(*p[0].number(), *p[1].number());
  }
  if (!out.empty())
    return out;
  for (const auto& [p, field] : {std::pair(0.5, "p50"), {0.9, "p90"}, {0.95, "p95"}, {0.99, "p99"}, {0.999, "p999"}})
    if (auto s = latency[field].number())
      out.emplace_back(p, *s);
  return out;
}

/** The quantiles of workflow `w` averaged over a group's replications, probability by probability. */
Points mean_quantiles(const RunGroup& g, const std::string& w)
{
  std::map<double, std::pair<double, size_t>> sums;
  size_t runs = 0;
  for (const Run* run : g.runs)
    if (const Node latency = run->metrics["workflows"][w]["latency_s"]; latency.exists()) {
      ++runs;
      for (const auto& [p, s] : quantiles(latency))
        sums[p].first += s, ++sums[p].second;
    }
  Points out;
  for (const auto& [p, sum] : sums)
    if (sum.second == runs)
      out.emplace_back(p, sum.first / static_cast<double>(runs));
  return out;
}

Points swapped(Points points)
{
  for (auto& [a, b] : points)
    std::swap(a, b);
  return points;
}

std::string num(std::optional<double> v, int digits = 3)
{
  return v ? format_number(*v, digits) : "\u2013";
}

/** "mean [low, high]" of a {mean, ci_low, ci_high} object. */
std::string with_interval(const Node& m, int digits = 3)
{
  std::string out = num(m["mean"].number(), digits);
  if (m["ci_low"].number() && m["ci_high"].number())
    out += " [" + num(m["ci_low"].number(), digits) + ", " + num(m["ci_high"].number(), digits) + "]";
  return out;
}

std::string note(const std::string& text)
{
  return "<p class=\"note\">" + escape_html(text) + "</p>\n";
}

std::string html_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                       bool open = true)
{
  std::string out = std::string("<details") + (open ? " open" : "") + "><summary>Numbers (" +
                    std::to_string(rows.size()) + " rows)</summary><div class=\"wide\"><table><thead><tr>";
  for (const auto& h : header)
    out += "<th>" + escape_html(h) + "</th>";
  out += "</tr></thead><tbody>";
  for (const auto& row : rows) {
    out += "<tr>";
    for (const auto& cell : row)
      out += "<td>" + escape_html(cell) + "</td>";
    out += "</tr>";
  }
  return out + "</tbody></table></div></details>";
}

/** A table of line series sharing an x: one row per x, one column per series. */
std::string points_table(const std::string& x_header, const std::vector<std::pair<std::string, Points>>& columns,
                         bool open)
{
  std::map<double, std::vector<std::string>> rows;
  for (size_t c = 0; c < columns.size(); ++c)
    for (const auto& [x, y] : columns[c].second) {
      auto& row = rows[x];
      row.resize(columns.size(), "");
      row[c] = format_number(y);
    }
  std::vector<std::string> header{x_header};
  std::vector<std::vector<std::string>> cells;
  for (const auto& [name, _] : columns)
    header.push_back(name);
  for (auto& [x, row] : rows) {
    row.resize(columns.size(), "");
    row.insert(row.begin(), format_number(x, 4));
    cells.push_back(std::move(row));
  }
  return html_table(header, cells, open);
}

std::string figure(const std::string& svg, const std::string& caption, const std::string& table)
{
  if (svg.empty())
    return "";
  return "<figure>" + svg + "<figcaption>" + escape_html(caption) + "</figcaption>" + table + "</figure>\n";
}

std::string slug(const std::string& text)
{
  std::string out;
  for (char ch : text)
    out += std::isalnum(static_cast<unsigned char>(ch)) ? static_cast<char>(std::tolower(ch)) : '-';
  return out;
}

/** A section of the report: its html, or when it has no data a note on what input would give it. */
struct Section {
  std::string id, title, html, missing;
};

const char* STYLE = R"(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1d1d1d;
  max-width:1260px;margin:0 auto;padding:12px 24px 48px;background:#fff}
h1{font-size:26px;margin:12px 0 4px}h2{font-size:20px;margin:36px 0 10px;padding-bottom:4px;border-bottom:2px solid #d9d9d9}
h3{font-size:16px;margin:22px 0 8px}.meta{color:#444;margin:2px 0}.file{color:#666;font-weight:normal;font-size:13px}
nav ol{margin:6px 0;padding-left:22px}nav li{margin:1px 0}a{color:#0061a0}
.grid{display:flex;flex-wrap:wrap;gap:14px;align-items:flex-start}
figure{margin:0;flex:0 1 604px;max-width:604px;border:1px solid #e2e2e2;border-radius:6px;padding:6px 0 6px;background:#fff}
figcaption{font-size:12.5px;color:#444;margin:4px 12px}details{margin:4px 12px;font-size:12.5px}summary{cursor:pointer;color:#555}
svg.chart{display:block;width:100%;height:auto}svg text{font-size:11.5px;fill:#333}svg .title{font-size:14px;font-weight:600;fill:#111}
svg .label{font-size:12px;fill:#222}svg .note{font-size:11px;fill:#333;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}svg .grid{stroke:#ececec}svg .frame{stroke:#777}
svg .range{fill:#D55E00;fill-opacity:.10;stroke:#D55E00;stroke-opacity:.35;stroke-dasharray:3 3}
svg .marker{stroke:#333;stroke-width:1.2;stroke-dasharray:5 4}svg .error{stroke:#111;stroke-width:1.3}
.wide{overflow-x:auto}table{border-collapse:collapse;font-size:12px;margin:6px 0;font-variant-numeric:tabular-nums}
th,td{padding:3px 6px;border-bottom:1px solid #e8e8e8;text-align:right;vertical-align:top}
th{background:#f4f4f4;font-weight:600;white-space:nowrap}td:first-child{white-space:nowrap}th:first-child,td:first-child{text-align:left}
table.criteria{width:100%}table.criteria td:first-child{white-space:normal}table.criteria th,table.criteria td{text-align:left}table.criteria code{overflow-wrap:anywhere}table.criteria td.n{text-align:right}
table.criteria tr:not(.rerun) td{border-bottom:none}tr.rerun td{padding-top:0;color:#555;font-size:12px}
code{font-size:11.5px;color:#333}small{color:#555}
.note{color:#555;font-style:italic;margin:6px 0}
.verdict{display:inline-block;font-size:24px;font-weight:700;padding:8px 20px;border-radius:6px;margin:6px 0;letter-spacing:.5px}
.verdict.pass{background:#e1f3ec;color:#00573f;border:2px solid #009E73}
.verdict.fail{background:#fbe8df;color:#8f2f00;border:2px solid #D55E00}
.status-met{color:#00573f;font-weight:600}.status-partial{color:#8a5a00;font-weight:600}
.status-failed{color:#a33600;font-weight:600}.status-not_measured{color:#666;font-style:italic}
)";

/** Renders the report from documents that outlive it. */
class Report {
public:
  Report(const std::vector<Document>& documents, const ReportOptions& options);
  std::string html();

private:
  std::string header() const;
  Section latency_section();
  Section series_section();
  Section sweep_section();
  Section amplification_section();
  Section scorecard_section();
  std::string latency_figures(const std::string& workflow);
  std::string series_figures(const Run& run);
  std::string sweep_figures(const std::string& scenario, const std::vector<const RunGroup*>& groups);
  std::string scorecard(const Node& root);
  std::string chart_id(const std::string& base);

  const std::vector<Document>& documents_;
  const ReportOptions& options_;
  std::vector<Run> runs_;
  std::vector<RunGroup> groups_;
  std::vector<Node> profiles_, scorecards_;
  std::set<std::string> ids_;
};

Report::Report(const std::vector<Document>& documents, const ReportOptions& options)
    : documents_(documents), options_(options)
{
  for (const auto& d : documents) {
    const std::string kind = kind_of(d);
    if (kind == "run")
      runs_.push_back(read_run(d));
    else if (kind != "plan")
      (kind == "profiles" ? profiles_ : scorecards_).emplace_back(d.path, &d.body, "");
  }
  groups_ = group_runs(runs_);
}

std::string Report::chart_id(const std::string& base)
{
  std::string id = slug(base);
  for (int n = 2; !ids_.insert(id).second; ++n)
    id = slug(base) + "-" + std::to_string(n);
  return id;
}

std::string Report::html()
{
  std::vector<Section> sections{latency_section(), series_section(), sweep_section(), amplification_section(),
                                scorecard_section()};
  std::string contents, body;
  for (const auto& s : sections) {
    if (s.html.empty()) {
      body += note(s.title + ": not shown. " + s.missing);
      continue;
    }
    contents += "<li><a href=\"#" + s.id + "\">" + escape_html(s.title) + "</a></li>";
    body += "<section id=\"" + s.id + "\"><h2>" + escape_html(s.title) + "</h2>\n" + s.html + "</section>\n";
  }
  return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
         "content=\"width=device-width, initial-scale=1\"><title>" +
         escape_html(options_.title) + "</title><style>" + STYLE + "</style></head>\n<body>\n<header><h1>" +
         escape_html(options_.title) + "</h1>\n" + header() + "</header>\n<nav><h2>Contents</h2><ol>" + contents +
         "</ol></nav>\n" + body + "</body></html>\n";
}

std::string Report::header() const
{
  std::set<std::string> scenarios, versions;
  std::string files;
  for (const auto& d : documents_) {
    const Node context = Node(d.path, &d.body, "")["context"];
    if (auto name = context["scenario"]["name"].text(); !name.empty())
      scenarios.insert(name);
    if (auto version = context["orchsim_version"].text(); !version.empty())
      versions.insert(version +
                      (context["git_describe"].text().empty() ? "" : " (" + context["git_describe"].text() + ")"));
    files += "<li><code>" + escape_html(d.path) + "</code></li>";
  }
  auto join = [](const std::set<std::string>& items) {
    std::string out;
    for (const auto& item : items)
      out += (out.empty() ? "" : ", ") + item;
    return out.empty() ? std::string("\u2013") : out;
  };
  return "<p class=\"meta\">Read " + std::to_string(documents_.size()) + " documents: " + std::to_string(runs_.size()) +
         " run results, " + std::to_string(profiles_.size()) + " profiles documents, " +
         std::to_string(scorecards_.size()) + " scorecards. Scenarios: " + escape_html(join(scenarios)) +
         ". Written by orchsim " + escape_html(join(versions)) + ".</p>\n<details><summary>Files read</summary><ul>" +
         files + "</ul></details>\n";
}

// ---- 1. latency ------------------------------------------------------------------------------------------

Section Report::latency_section()
{
  Section s{"latency", "Latency distribution per workflow", "", "Needs run results (orchsim run ... --out FILE)."};
  std::vector<std::string> workflows;
  for (const auto& run : runs_)
    for (const auto& [w, _] : run.metrics["workflows"].members())
      if (std::find(workflows.begin(), workflows.end(), w) == workflows.end())
        workflows.push_back(w);
  for (const auto& w : workflows)
    s.html += latency_figures(w);
  if (!s.html.empty())
    s.html = note(
                 "One line per scenario, profile and overrides: replications (runs that differ only in their seed) "
                 "are averaged quantile by quantile. A line is named after its profile (and its scenario when several "
                 "scenarios ran that profile), or after its first file when the profile has several lines in a "
                 "scenario.") +
             s.html;
  return s;
}

std::string Report::latency_figures(const std::string& w)
{
  LineChart cdf{.id = chart_id("cdf-" + w),
                .title = "Latency CDF: " + w,
                .x = {.label = "latency (s, log scale)", .log = true},
                .y = {.label = "cumulative probability", .min = 0.0, .max = 1.0}};
  BarChart bars{
      .id = chart_id("percentiles-" + w), .title = "Latency percentiles: " + w, .y = {.label = "latency (s)"}};
  bars.series = {"p50", "p95", "p99"};
  std::vector<std::pair<std::string, Points>> columns;
  std::vector<std::vector<std::string>> rows;
  for (const auto& g : groups_) {
    const Points q = mean_quantiles(g, w);
    if (q.empty())
      continue;
    cdf.series.push_back({g.label, swapped(q)});
    columns.emplace_back(g.label + " (s)", q);
    std::vector<std::string> row{g.label, std::to_string(g.runs.size())};
    BarGroup group{g.label, {}};
    for (const char* field : {"p50", "p90", "p95", "p99", "p999", "max", "mean"}) {
      const auto v =
          group_mean(g, [&](const Run& r) { return r.metrics["workflows"][w]["latency_s"][field].number(); });
      if (std::string(field) == "p50" || std::string(field) == "p95" || std::string(field) == "p99")
        group.bars.push_back({v, {}, {}});
      row.push_back(num(v));
    }
    bars.groups.push_back(group);
    rows.push_back(row);
  }
  const std::string caption = "Cumulative probability against latency (log scale), completed requests of " + w + ".";
  return "<h3>" + escape_html(w) + "</h3><div class=\"grid\">" +
         figure(render_line_chart(cdf), caption, points_table("probability", columns, false)) +
         figure(render_bar_chart(bars), "Median, 95th and 99th percentile latency (s), mean over replications.",
                html_table(
                    {"line", "runs", "p50 (s)", "p90 (s)", "p95 (s)", "p99 (s)", "p99.9 (s)", "max (s)", "mean (s)"},
                    rows)) +
         "</div>\n";
}

// ---- 2. time series --------------------------------------------------------------------------------------

Section Report::series_section()
{
  Section s{"series", "Time series", "", "Needs run results with a series (the default; not with series: none)."};
  std::vector<std::string> left_out;
  size_t drawn = 0;
  for (const auto& g : groups_)
    for (const Run* run : g.runs) {
      if (!run->metrics["series"].exists())
        continue;
      if (run != g.runs.front() || drawn == options_.max_series_runs) {
        left_out.push_back(run->path);
        continue;
      }
      ++drawn;
      s.html += "<h3>" + escape_html(g.label) + " <span class=\"file\">" + escape_html(run->path) + "</span></h3>\n" +
                series_figures(*run);
    }
  if (!left_out.empty()) {
    std::string names;
    for (const auto& name : left_out)
      names += (names.empty() ? "" : ", ") + name;
    s.html += note("Not drawn (the first replication of each line is, up to " +
                   std::to_string(options_.max_series_runs) + " runs): " + names + ".");
  }
  return s;
}

/** Adds `values` into `sum` element by element. */
void accumulate(std::vector<double>& sum, const std::vector<double>& values)
{
  sum.resize(std::max(sum.size(), values.size()), 0.0);
  for (size_t i = 0; i < values.size(); ++i)
    sum[i] += std::isfinite(values[i]) ? values[i] : 0.0;
}

/** Per-cause failures per interval over all workflows; flat `failures.<cause>` keys or a `failures` object. */
std::map<std::string, std::vector<double>> failures_by_cause(const Node& workflows)
{
  std::map<std::string, std::vector<double>> causes;
  for (const auto& [_, w] : workflows.members())
    for (const auto& [key, values] : w.members()) {
      if (key.rfind("failures.", 0) == 0)
        accumulate(causes[key.substr(9)], values.numbers());
      else if (key == "failures")
        for (const auto& [cause, nested] : values.members())
          accumulate(causes[cause], nested.numbers());
    }
  std::erase_if(causes, [](const auto& c) {
    return std::all_of(c.second.begin(), c.second.end(), [](double v) { return v == 0; });
  });
  return causes;
}

std::string Report::series_figures(const Run& run)
{
  const Node series = run.metrics["series"];
  const double dt = series["interval_s"].number().value_or(1.0);
  const ChartAxis time{.label = "time (s)", .min = 0.0};
  auto line = [&](const std::string& name, const std::vector<double>& v, const std::vector<double>* when = nullptr) {
    ChartSeries s{name, {}};
    for (size_t i = 0; i < v.size(); ++i)
      if (!when || (i < when->size() && (*when)[i] > 0))
        s.points.emplace_back(static_cast<double>(i + 1) * dt, v[i]);
    return s;
  };
  auto chart = [&](const std::string& id, const std::string& title, const std::string& y) {
    return LineChart{.id = chart_id(id + "-" + run.stem), .title = title, .x = time, .y = {.label = y, .min = 0.0}};
  };
  std::array<LineChart, 5> charts{chart("throughput", "Throughput", "completed per second (1/s)"),
                                  chart("p99", "p99 latency per interval", "latency (s)"),
                                  chart("queue", "Queue length (all services)", "waiting calls"),
                                  chart("instances", "Instances (all services)", "instances"),
                                  chart("failures", "Failures per interval", "failed requests per interval")};
  auto& [throughput, p99, queue, instances, failures] = charts;
  for (const auto& [w, node] : series["workflows"].members()) {
    std::vector<double> completed = node["completed"].numbers(), rate = completed;
    std::transform(rate.begin(), rate.end(), rate.begin(), [&](double c) { return c / dt; });
    throughput.series.push_back(line(w, rate));
    p99.series.push_back(line(w, node["p99_s"].numbers(), &completed));
  }
  std::vector<double> waiting, provisioned, up;
  for (const auto& [_, node] : series["services"].members()) {
    accumulate(waiting, node["queue"].numbers());
    accumulate(provisioned, node["instances"].numbers());
    accumulate(up, node["up_instances"].numbers());
  }
  queue.series.push_back(line("", waiting));
  instances.series = {line("provisioned", provisioned), line("up", up)};
  for (const auto& [cause, counts] : failures_by_cause(series["workflows"]))
    failures.series.push_back(line(cause, counts));
  std::vector<ChartRange> faults;
  for (const auto& f : run.metrics["run"]["faults"].items())
    faults.push_back({f["start_s"].number().value_or(0), f["end_s"].number().value_or(1e300),
                      f["name"].text() + " (" + f["kind"].text() + ", " + f["service"].text() + ")"});
  std::string out = "<div class=\"grid\">";
  std::vector<std::pair<std::string, Points>> columns;
  for (auto& c : charts) {
    c.ranges = faults;
    if (auto start = run.metrics["run"]["window_start_s"].number(); start && *start > 0)
      c.markers.push_back({*start, "warm-up ends"});
    for (const auto& s : c.series)
      columns.emplace_back(c.title + (s.name.empty() ? "" : ": " + s.name), s.points);
    out += figure(render_line_chart(c),
                  "Intervals of " + format_number(dt) + " s, plotted at their end; shaded: fault windows.", "");
  }
  if (failures.series.empty())
    out += note("No failures in this run.");
  return out + "</div>\n" + points_table("interval end (s)", columns, false);
}

// ---- 3. sweep --------------------------------------------------------------------------------------------

/** A run's offered load in requests per second of its measurement window. */
std::optional<double> offered_per_s(const Run& r)
{
  const auto offered = r.metrics["totals"]["offered"].number(), window = r.metrics["run"]["window_s"].number();
  return offered && window && *window > 0 ? std::optional(*offered / *window) : std::nullopt;
}

/** Every workflow with an SLO met it; without SLOs, at least 99 % of the requests succeeded. */
bool meets_slos(const Run& r)
{
  bool any = false;
  for (const auto& [_, w] : r.metrics["workflows"].members())
    if (w["slo"].exists()) {
      any = true;
      if (!w["slo"]["met"].flag())
        return false;
    }
  return any || r.metrics["totals"]["success_ratio"].number().value_or(0) >= 0.99;
}

Section Report::sweep_section()
{
  Section s{"sweep", "Sweep: latency and success against offered load", "",
            "Needs runs of one scenario and profile at two or more offered loads (--set workload.0.arrival.rate=...)."};
  std::vector<std::string> scenarios;
  for (const auto& r : runs_)
    if (std::find(scenarios.begin(), scenarios.end(), r.scenario) == scenarios.end())
      scenarios.push_back(r.scenario);
  for (const auto& scenario : scenarios) {
    std::vector<const RunGroup*> groups;
    for (const auto& g : groups_)
      if (g.runs.front()->scenario == scenario && group_mean(g, offered_per_s))
        groups.push_back(&g);
    s.html += sweep_figures(scenario, groups);
  }
  if (!s.html.empty())
    s.html = note(
                 "Offered load = requests offered / measurement window. Replications at the same load are averaged. "
                 "The knee (dashed line) is the highest load at which every replication met every workflow's SLO "
                 "(without SLOs: a success ratio of at least 0.99).") +
             s.html;
  return s;
}

std::string Report::sweep_figures(const std::string& scenario, const std::vector<const RunGroup*>& groups)
{
  std::vector<std::string> profiles;
  for (const RunGroup* g : groups)
    if (std::find(profiles.begin(), profiles.end(), g->runs.front()->profile) == profiles.end())
      profiles.push_back(g->runs.front()->profile);
  const ChartAxis load{.label = "offered load (requests/s)"};
  LineChart p99{.id = chart_id("sweep-p99-" + scenario),
                .title = "p99 latency against load: " + scenario,
                .x = load,
                .y = {.label = "p99 latency, all workflows (s)", .min = 0.0}};
  LineChart success{.id = chart_id("sweep-success-" + scenario),
                    .title = "Success ratio against load: " + scenario,
                    .x = load,
                    .y = {.label = "success ratio", .max = 1.0}};
  std::vector<std::vector<std::string>> rows;
  for (const auto& profile : profiles) {
    std::vector<std::tuple<double, double, double, bool, const RunGroup*>> points;
    for (const RunGroup* g : groups)
      if (g->runs.front()->profile == profile)
        points.emplace_back(
            *group_mean(*g, offered_per_s),
            group_mean(*g, [](const Run& r) { return r.metrics["totals"]["latency_s"]["p99"].number(); }).value_or(NaN),
            group_mean(*g, [](const Run& r) { return r.metrics["totals"]["success_ratio"].number(); }).value_or(NaN),
            std::all_of(g->runs.begin(), g->runs.end(), [](const Run* r) { return meets_slos(*r); }), g);
    std::sort(points.begin(), points.end(),
              [](const auto& a, const auto& b) { return std::get<0>(a) < std::get<0>(b); });
    if (points.size() < 2 || std::get<0>(points.back()) <= std::get<0>(points.front()) * 1.01)
      continue;
    ChartSeries latency{profile, {}}, ratio{profile, {}};
    std::optional<double> knee;
    for (const auto& [x, latency_s, ok_ratio, met, g] : points) {
      latency.points.emplace_back(x, latency_s);
      ratio.points.emplace_back(x, ok_ratio);
      knee = met ? std::optional(x) : knee;
      rows.push_back({profile, format_number(x), std::to_string(g->runs.size()), format_number(latency_s),
                      format_number(ok_ratio, 4), met ? "yes" : "no"});
    }
    p99.series.push_back(latency);
    success.series.push_back(ratio);
    for (auto* c : {&p99, &success})
      if (knee)
        c->markers.push_back({*knee, "knee " + profile + ": " + format_number(*knee) + "/s"});
    if (!knee)
      rows.push_back({profile, "no load met the SLOs", "", "", "", ""});
  }
  if (p99.series.empty())
    return "";
  return "<h3>" + escape_html(scenario) + "</h3><div class=\"grid\">" +
         figure(render_line_chart(p99), "p99 latency of all workflows together, one line per profile.", "") +
         figure(render_line_chart(success), "Completed / offered requests, one line per profile.", "") + "</div>" +
         html_table({"profile", "offered load (1/s)", "runs", "p99 (s)", "success ratio", "SLOs met"}, rows);
}

// ---- 4. amplification ------------------------------------------------------------------------------------

Section Report::amplification_section()
{
  Section s{"amplification", "Amplification over the baseline", "",
            "Needs a profiles document (orchsim run FILE --profiles ... --replications R --out FILE)."};
  for (const Node& root : profiles_) {
    const Node context = root["context"], profiles = root["profiles"];
    std::vector<std::string> order;
    for (const auto& p : context["profiles"].items())
      order.push_back(p.text());
    if (order.empty())
      for (const auto& [name, _] : profiles.members())
        order.push_back(name);
    const std::string scenario = context["scenario"]["name"].text();
    BarChart chart{.id = chart_id("amplification-" + scenario),
                   .title = "Amplification over the baseline: " + scenario,
                   .y = {.label = "effectiveness / the baseline's (ratio)"},
                   .base = 1.0};
    chart.lines.push_back({1.0, "baseline 1.0"});
    std::vector<std::vector<std::string>> rows;
    for (const auto& name : order) {
      const Node p = profiles[name], a = p["amplification"], m = p["metrics"];
      if (name == "random" || name == "oracle") {
        if (auto mean = a["mean"].number())
          chart.lines.push_back(
              {*mean, (name == "random" ? "random floor " : "oracle ceiling ") + format_number(*mean, 4)});
      } else {
        chart.groups.push_back({name, {{a["mean"].number(), a["ci_low"].number(), a["ci_high"].number()}}});
      }
      rows.push_back({name, p["selection"].text(), with_interval(a, 4), num(p["bracket_position"].number()),
                      with_interval(m["effectiveness"]), with_interval(m["latency_p99_s"]),
                      with_interval(m["success_ratio"], 4), std::to_string(a["values"].items().size())});
    }
    s.html += "<h3>" + escape_html(scenario) + " <span class=\"file\">" + escape_html(root.file()) +
              "</span></h3><div class=\"grid\">" +
              figure(render_bar_chart(chart),
                     "Bars: amplification with its paired 95 % interval; dashed lines: the baseline (1.0), the random "
                     "floor and the oracle ceiling.",
                     "") +
              "</div>" +
              html_table({"profile", "selection", "amplification [95 % CI]", "bracket position",
                          "effectiveness [95 % CI]", "p99 (s) [95 % CI]", "success ratio [95 % CI]", "replications"},
                         rows);
  }
  return s;
}

// ---- 5. scorecard ----------------------------------------------------------------------------------------

Section Report::scorecard_section()
{
  Section s{"scorecard", "Readiness scorecard", "", "Needs a scorecard (the validation engine's output)."};
  for (const Node& root : scorecards_)
    s.html += scorecard(root);
  return s;
}

std::string criteria_table(const Node& criteria)
{
  auto cell = [](const std::string& text, const std::string& attributes = "") {
    return "<td" + attributes + ">" + escape_html(text) + "</td>";
  };
  std::string out = "<div class=\"wide\"><table class=\"criteria\"><thead><tr>";
  for (const char* h : {"criterion and metric", "category", "context", "value [95 % CI]", "unit", "target", "fail at",
                        "weight", "critical", "score", "status", "runs"})
    out += std::string("<th>") + h + "</th>";
  out += "</tr></thead><tbody>";
  for (const auto& c : criteria.items()) {
    const auto low = c["ci_low"].number(), high = c["ci_high"].number();
    const std::string status = c["status"].text(), note = c["note"].text();
    std::string runs;
    for (const auto& r : c["runs"].items())
      runs += (runs.empty() ? "" : "\n") + r.text();
    out +=
        "<tr><td>" + escape_html(c["name"].text()) + "<br><code>" + escape_html(c["metric"].text()) + "</code></td>" +
        cell(c["category"].text()) + cell(c["context"].text()) +
        cell(num(c["value"].number()) + (low && high ? " [" + num(low) + ", " + num(high) + "]" : ""), " class=\"n\"") +
        cell(c["unit"].text()) + cell(num(c["target"].number()), " class=\"n\"") +
        cell(num(c["fail"].number()), " class=\"n\"") + cell(num(c["weight"].number()), " class=\"n\"") +
        cell(c["critical"].flag() ? "yes" : "no") + cell(num(c["score"].number()), " class=\"n\"") +
        "<td class=\"status-" + slug(status) + "\">" + escape_html(status) +
        (note.empty() ? "" : "<br><small>" + escape_html(note) + "</small>") + "</td>" +
        cell(std::to_string(c["runs"].items().size()), " class=\"n\" title=\"" + escape_html(runs) + "\"") +
        "</tr><tr class=\"rerun\"><td colspan=\"12\">rerun: <code>" + escape_html(c["rerun"].text()) +
        "</code></td></tr>";
  }
  return out + "</tbody></table></div>\n";
}

std::string Report::scorecard(const Node& root)
{
  const Node context = root["context"], overall = root["overall"];
  const std::string verdict = root["verdict"].text(), scenario = context["scenario"]["name"].text();
  const auto pass_mark = overall["pass_mark"].number();
  BarChart chart{.id = chart_id("scores-" + scenario),
                 .title = "Scores: " + scenario,
                 .y = {.label = "score (0..100)", .min = 0.0, .max = 100.0}};
  if (pass_mark)
    chart.lines.push_back({*pass_mark, "pass mark " + format_number(*pass_mark)});
  std::vector<std::vector<std::string>> rows;
  for (const auto& c : root["categories"].items()) {
    chart.groups.push_back({c["name"].text(), {{c["score"].number(), {}, {}}}});
    rows.push_back({c["name"].text(), num(c["weight"].number()), num(c["criteria"].number()),
                    c["score"].number() ? num(c["score"].number()) : "no criteria"});
  }
  chart.groups.push_back({"overall", {{overall["score"].number(), {}, {}}}});
  std::string reasons;
  for (const auto& r : root["reasons"].items())
    reasons += "<li>" + escape_html(r.text()) + "</li>";
  const std::string profile = context["profile"].text();
  return "<h3>" + escape_html(scenario + (profile.empty() ? "" : ", profile " + profile)) + "</h3>\n" +
         "<div class=\"verdict " + slug(verdict) + "\">" +
         (verdict == "pass"   ? "PASS"
          : verdict == "fail" ? "FAIL"
                              : escape_html(verdict)) +
         "</div><p>Overall score <b>" + num(overall["score"].number()) + "</b> against a pass mark of <b>" +
         num(pass_mark) + "</b>.</p><ul>" + reasons + "</ul><div class=\"grid\">" +
         figure(render_bar_chart(chart),
                "Category scores and the overall score (weighted); categories without criteria have no bar.",
                html_table({"category", "weight", "criteria", "score"}, rows)) +
         "</div>" + criteria_table(root["criteria"]);
}

} // namespace

std::string render_report(const std::vector<std::string>& inputs, const ReportOptions& options)
{
  std::vector<Document> documents;
  for (const auto& file : input_files(inputs))
    documents.push_back({file, read_json_file(file)});
  Report report(documents, options);
  return report.html();
}

} // namespace orchsim::analysis
