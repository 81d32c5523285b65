#include "analysis/SweepTables.hpp"

#include <algorithm>
#include <charconv>
#include <initializer_list>

#include "analysis/JsonFile.hpp"
#include "analysis/Statistics.hpp"
#include "models/Units.hpp"
#include "sim/InputError.hpp"

namespace orchsim::analysis {

namespace {

using nlohmann::json;

/** Rows of RFC 4180 CSV: fields separated by commas, quoted when they hold a comma, a quote or a line break;
 *  rows end with LF. */
class CsvWriter {
public:
  void text(std::string_view s)
  {
    separate();
    if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
      out_ += s;
      return;
    }
    out_ += '"';
    for (char ch : s)
      out_ += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    out_ += '"';
  }
  /** The shortest text that reads back as the same double; an empty cell without a value. */
  void number(std::optional<double> v)
  {
    if (!v) {
      text("");
      return;
    }
    char buf[32];
    const auto end = std::to_chars(buf, buf + sizeof buf, *v).ptr;
    text(std::string_view(buf, static_cast<size_t>(end - buf)));
  }
  void integer(uint64_t v) { text(std::to_string(v)); }
  void boolean(bool v) { text(v ? "true" : "false"); }
  void end_row()
  {
    out_ += '\n';
    first_ = true;
  }
  const std::string& str() const { return out_; }

private:
  void separate()
  {
    if (!first_)
      out_ += ',';
    first_ = false;
  }
  std::string out_;
  bool first_ = true;
};

const json* find(const json& j, std::initializer_list<const char*> path)
{
  const json* at = &j;
  for (const char* key : path) {
    if (!at->is_object() || !at->contains(key))
      return nullptr;
    at = &(*at)[key];
  }
  return at;
}

std::optional<double> number_at(const json& j, std::initializer_list<const char*> path)
{
  const json* v = find(j, path);
  return v && v->is_number() ? std::optional<double>(v->get<double>()) : std::nullopt;
}

/** The value of a parameter's text in its SI unit (docs/SWEEPS.md, "Columns"). */
std::optional<double> si_value(const std::string& text, const std::string& suffix)
{
  if (suffix == "_s")
    return models::parse_duration_s(text);
  if (suffix == "_per_s")
    return models::parse_rate_per_s(text);
  if (suffix == "_fraction")
    return models::parse_fraction(text);
  return std::nullopt;
}

void parameter_header(CsvWriter& csv, const SweepPlan& plan)
{
  for (const auto& p : plan.parameters) {
    csv.text(p.key);
    if (!p.si_suffix.empty())
      csv.text(p.key + p.si_suffix);
  }
}

void parameter_cells(CsvWriter& csv, const SweepPlan& plan, size_t point)
{
  for (size_t k = 0; k < plan.parameters.size(); ++k) {
    csv.text(plan.points[point][k]);
    if (!plan.parameters[k].si_suffix.empty())
      csv.number(si_value(plan.points[point][k], plan.parameters[k].si_suffix));
  }
}

bool any_saturation(const std::vector<SweepRecord>& records)
{
  return std::any_of(records.begin(), records.end(), [](const auto& r) { return r.saturation.has_value(); });
}

/** The verdict every run of a cell shares, `mixed` when they differ, empty when none has one. */
std::string cell_saturation(const std::vector<size_t>& cell, const std::vector<SweepRecord>& records)
{
  std::string shared;
  for (size_t i : cell)
    if (const auto& s = records[i].saturation) {
      if (!shared.empty() && shared != *s)
        return "mixed";
      shared = *s;
    }
  return shared;
}

} // namespace

const std::vector<std::string>& sweep_metric_names()
{
  static const std::vector<std::string> names = {
      "offered_per_s",           "latency_p50_s",         "latency_p95_s", "latency_p99_s",        "throughput_per_s",
      "goodput_per_s",           "quality_goodput_per_s", "success_ratio", "cost_per_success_usd", "mean_quality",
      "selection_optimal_ratio", "regret_per_decision",   "effectiveness"};
  return names;
}

SweepRecord sweep_record(const json& doc, const std::string& file)
{
  const json* totals = find(doc, {"metrics", "totals"});
  const json* run = find(doc, {"metrics", "run"});
  if (!totals || !run || !totals->is_object() || !run->is_object())
    throw sim::InputError(sim::InputLocation{file, 0, 0, "metrics"}, "not an orchsim run result");
  SweepRecord r;
  r.complete = run->value("complete", true);
  if (const json* s = find(*run, {"saturation"}); s && s->is_string())
    r.saturation = s->get<std::string>();
  const auto offered = number_at(*totals, {"offered"}), window = number_at(*run, {"window_s"});
  const bool latency = number_at(*totals, {"latency_s", "count"}).value_or(0) > 0;
  auto p = [&](const char* q) { return latency ? number_at(*totals, {"latency_s", q}) : std::nullopt; };
  r.metrics = {offered && window && *window > 0 ? std::optional<double>(*offered / *window) : std::nullopt,
               p("p50"),
               p("p95"),
               p("p99"),
               number_at(*totals, {"throughput_per_s"}),
               number_at(*totals, {"goodput_per_s"}),
               number_at(*totals, {"quality_goodput_per_s"}),
               number_at(*totals, {"success_ratio"}),
               number_at(*totals, {"cost_per_success_usd"}),
               number_at(*totals, {"mean_quality"}),
               number_at(*totals, {"selection", "optimal_ratio"}),
               number_at(*totals, {"selection", "regret_per_decision"}),
               number_at(doc, {"metrics", "effectiveness", "value"})};
  return r;
}

std::vector<SweepRecord> read_sweep_records(const std::string& dir, const SweepPlan& plan)
{
  std::vector<SweepRecord> records;
  records.reserve(plan.runs.size());
  for (const auto& run : plan.runs) {
    const std::string file = dir + "/" + run_file(run);
    records.push_back(sweep_record(read_json_file(file), file));
  }
  return records;
}

std::string runs_csv(const SweepPlan& plan, const std::vector<SweepRecord>& records)
{
  CsvWriter csv;
  const bool saturation = any_saturation(records);
  for (const char* c : {"run", "point", "profile", "replication", "seed"})
    csv.text(c);
  parameter_header(csv, plan);
  csv.text("complete");
  if (saturation)
    csv.text("saturation");
  for (const auto& m : sweep_metric_names())
    csv.text(m);
  csv.end_row();
  for (size_t i = 0; i < plan.runs.size(); ++i) {
    const auto& run = plan.runs[i];
    csv.text(run.id);
    csv.integer(run.point);
    csv.text(run.profile);
    csv.integer(run.replication);
    csv.integer(run.seed);
    parameter_cells(csv, plan, run.point);
    csv.boolean(records[i].complete);
    if (saturation)
      csv.text(records[i].saturation.value_or(""));
    for (const auto& v : records[i].metrics)
      csv.number(v);
    csv.end_row();
  }
  return csv.str();
}

std::string summary_csv(const SweepPlan& plan, const std::vector<SweepRecord>& records)
{
  CsvWriter csv;
  const bool saturation = any_saturation(records);
  csv.text("point");
  csv.text("profile");
  parameter_header(csv, plan);
  csv.text("n");
  csv.text("complete");
  if (saturation)
    csv.text("saturation");
  for (const auto& m : sweep_metric_names())
    for (const char* stat : {"_mean", "_ci_low", "_ci_high"})
      csv.text(m + stat);
  csv.end_row();
  for (const auto& cell : sweep_cells(plan)) {
    const auto& first = plan.runs[cell.front()];
    csv.integer(first.point);
    csv.text(first.profile);
    parameter_cells(csv, plan, first.point);
    csv.integer(cell.size());
    csv.boolean(std::all_of(cell.begin(), cell.end(), [&](size_t i) { return records[i].complete; }));
    if (saturation)
      csv.text(cell_saturation(cell, records));
    for (size_t m = 0; m < sweep_metric_names().size(); ++m) {
      std::vector<double> values;
      for (size_t i : cell)
        if (const auto& v = records[i].metrics[m])
          values.push_back(*v);
      const Estimate e = mean_estimate(values);
      csv.number(values.empty() ? std::nullopt : std::optional<double>(e.mean));
      csv.number(e.low);
      csv.number(e.high);
    }
    csv.end_row();
  }
  return csv.str();
}

} // namespace orchsim::analysis
