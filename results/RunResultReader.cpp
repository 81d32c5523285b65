// results/RunResultReader.cpp: from_json, the inverse of to_json (results/RunResult.cpp), field by field.
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "results/RunResult.hpp"

namespace orchsim::results {

namespace {
using nlohmann::json;

/** A JSON value and its path in the document (`metrics.workflows.chat.latency_s.p99`), so that every
 *  error names where it is. Borrows the value: the document outlives every Node read from it. */
class Node {
public:
  Node(const json& value, std::string path) : value_(value), path_(std::move(path)) {}

  /** The member `key` of this object; throws when it is missing. */
  Node at(const std::string& key) const
  {
    const auto& object = require_object();
    const auto it = object.find(key);
    if (it == object.end())
      throw std::invalid_argument("run result: missing required field " + child_path(key));
    return Node(*it, child_path(key));
  }

  /** The member `key`, or nothing when it is missing or null (an optional field left unset). */
  std::optional<Node> find(const std::string& key) const
  {
    const auto& object = require_object();
    const auto it = object.find(key);
    if (it == object.end() || it->is_null())
      return std::nullopt;
    return Node(*it, child_path(key));
  }

  /** The elements of this array, in order. */
  std::vector<Node> elements() const
  {
    if (!value_.is_array())
      fail("an array");
    std::vector<Node> out;
    for (size_t i = 0; i < value_.size(); ++i)
      out.emplace_back(value_[i], path_ + "[" + std::to_string(i) + "]");
    return out;
  }

  /** The members of this object, in key order. */
  std::vector<std::pair<std::string, Node>> members() const
  {
    std::vector<std::pair<std::string, Node>> out;
    for (const auto& [key, value] : require_object().items())
      out.emplace_back(key, Node(value, child_path(key)));
    return out;
  }

  /** A number; null reads as NaN, which is what to_json writes for a value that is not finite. */
  double number() const
  {
    if (value_.is_null())
      return std::numeric_limits<double>::quiet_NaN();
    if (!value_.is_number())
      fail("a number");
    return value_.get<double>();
  }

  /** A number, or nothing where the document has null. */
  std::optional<double> optional_number() const
  {
    if (value_.is_null())
      return std::nullopt;
    return number();
  }

  /** A non-negative integer no larger than `max`: a float (even 3.0) is the wrong type, since it would be
   *  written back with a fraction. */
  uint64_t count(uint64_t max = std::numeric_limits<uint64_t>::max()) const
  {
    const bool fits = value_.is_number_unsigned() || (value_.is_number_integer() && value_.get<int64_t>() >= 0);
    if (!fits || value_.get<uint64_t>() > max)
      fail("a non-negative integer" +
           (max == std::numeric_limits<uint64_t>::max() ? "" : " <= " + std::to_string(max)));
    return value_.get<uint64_t>();
  }

  int integer() const
  {
    if (!value_.is_number_integer() || value_.get<int64_t>() < std::numeric_limits<int>::min() ||
        value_.get<int64_t>() > std::numeric_limits<int>::max())
      fail("an integer");
    return static_cast<int>(value_.get<int64_t>());
  }

  std::string text() const
  {
    if (!value_.is_string())
      fail("a string");
    return value_.get<std::string>();
  }

  bool flag() const
  {
    if (!value_.is_boolean())
      fail("a boolean");
    return value_.get<bool>();
  }

  std::vector<std::string> texts() const
  {
    std::vector<std::string> out;
    for (const auto& element : elements())
      out.push_back(element.text());
    return out;
  }

  std::vector<double> numbers() const
  {
    std::vector<double> out;
    for (const auto& element : elements())
      out.push_back(element.number());
    return out;
  }

  /** A fixed number of elements. */
  std::vector<Node> elements(size_t size) const
  {
    auto out = elements();
    if (out.size() != size)
      fail("an array of " + std::to_string(size) + " elements");
    return out;
  }

private:
  const json& value_;
  std::string path_;

  std::string child_path(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

  const json& require_object() const
  {
    if (!value_.is_object())
      fail("an object");
    return value_;
  }

  /** What the value is, for an error message: a number as written (`3.0` where an integer was due). */
  std::string describe() const
  {
    if (value_.is_number())
      return value_.dump();
    if (value_.is_array())
      return "an array of " + std::to_string(value_.size()) + " elements";
    if (value_.is_null())
      return "null";
    return (value_.is_object() ? "an " : "a ") + std::string(value_.type_name());
  }

  [[noreturn]] void fail(const std::string& expected) const
  {
    throw std::invalid_argument("run result: " + (path_.empty() ? std::string("the document") : path_) + " must be " +
                                expected + ", not " + describe());
  }
};

LatencySummary read_latency(const Node& n)
{
  LatencySummary l;
  l.count = n.at("count").count();
  l.mean = n.at("mean").number();
  l.p50 = n.at("p50").number();
  l.p90 = n.at("p90").number();
  l.p95 = n.at("p95").number();
  l.p99 = n.at("p99").number();
  l.p999 = n.at("p999").number();
  l.max = n.at("max").number();
  if (const auto cdf = n.find("cdf"))
    for (const auto& point : cdf->elements()) {
      const auto pair = point.elements(2);
      l.cdf.emplace_back(pair[0].number(), pair[1].number());
    }
  return l;
}

Failures read_failures(const Node& n)
{
  Failures f;
  f.error = n.at("error").count();
  f.timeout = n.at("timeout").count();
  f.rejected = n.at("rejected").count();
  f.rate_limited = n.at("rate_limited").count();
  f.shed = n.at("shed").count();
  f.circuit_open = n.at("circuit_open").count();
  return f;
}

SelectionQuality read_selection(const Node& n)
{
  SelectionQuality s;
  s.decisions = n.at("decisions").count();
  s.optimal_ratio = n.at("optimal_ratio").optional_number();
  s.regret = n.at("regret").number();
  s.regret_per_decision = n.at("regret_per_decision").optional_number();
  return s;
}

/** An optional number: missing or null both leave it unset. */
std::optional<double> read_optional(const Node& n, const std::string& key)
{
  const auto member = n.find(key);
  return member ? member->optional_number() : std::nullopt;
}

SloResult read_slo(const Node& n)
{
  SloResult s;
  s.objective = n.at("objective").text();
  s.percentile = n.at("percentile").number();
  s.target_s = n.at("target_s").number();
  s.measured_s = n.at("measured_s").number();
  s.met = n.at("met").flag();
  s.attainment = n.at("attainment").number();
  return s;
}

WorkflowMetrics read_workflow(const Node& n)
{
  WorkflowMetrics w;
  w.offered = n.at("offered").count();
  w.completed = n.at("completed").count();
  w.failed = n.at("failed").count();
  w.failures = read_failures(n.at("failures"));
  w.success_ratio = n.at("success_ratio").number();
  w.throughput_per_s = n.at("throughput_per_s").number();
  w.goodput_per_s = n.at("goodput_per_s").number();
  w.latency_s = read_latency(n.at("latency_s"));
  w.mean_in_flight = n.at("mean_in_flight").number();
  w.calls = n.at("calls").count();
  w.retries = n.at("retries").count();
  w.hedges = n.at("hedges").count();
  w.fallbacks = n.at("fallbacks").count();
  w.escalations = n.at("escalations").count();
  w.calls_per_request = n.at("calls_per_request").number();
  w.wasted_service_s = n.at("wasted_service_s").number();
  w.hedge_service_s = n.at("hedge_service_s").number();
  w.cost_usd = n.at("cost_usd").number();
  w.cost_per_success_usd = read_optional(n, "cost_per_success_usd");
  w.mean_quality = read_optional(n, "mean_quality");
  w.quality_goodput_per_s = n.at("quality_goodput_per_s").number();
  w.selection = read_selection(n.at("selection"));
  if (const auto slo = n.find("slo"))
    w.slo = read_slo(*slo);
  return w;
}

BatchingMetrics read_batching(const Node& n)
{
  BatchingMetrics b;
  b.steps = n.at("steps").count();
  b.mean_batch = n.at("mean_batch").number();
  b.tokens_per_s = n.at("tokens_per_s").number();
  b.mean_step_s = n.at("mean_step_s").number();
  b.ttft_s = read_latency(n.at("ttft_s"));
  b.tpot_s = read_latency(n.at("tpot_s"));
  return b;
}

ServiceMetrics read_service(const Node& n)
{
  // `failed` is written as failures.total(): derived, so not read back.
  ServiceMetrics s;
  s.slots = static_cast<uint32_t>(n.at("slots").count(std::numeric_limits<uint32_t>::max()));
  s.offered = n.at("offered").count();
  s.completed = n.at("completed").count();
  s.failures = read_failures(n.at("failures"));
  s.canceled = n.at("canceled").count();
  s.served = n.at("served").count();
  s.retries = n.at("retries").count();
  s.hedges = n.at("hedges").count();
  s.wasted_service_s = n.at("wasted_service_s").number();
  s.hedge_service_s = n.at("hedge_service_s").number();
  s.breaker_opens = n.at("breaker_opens").count();
  s.availability = n.at("availability").number();
  s.mean_instances = n.at("mean_instances").number();
  s.instance_cost_usd = n.at("instance_cost_usd").number();
  s.scale_ups = n.at("scale_ups").count();
  s.scale_downs = n.at("scale_downs").count();
  s.ejections = n.at("ejections").count();
  s.throughput_per_s = n.at("throughput_per_s").number();
  s.utilization = n.at("utilization").number();
  s.mean_queue_length = n.at("mean_queue_length").number();
  s.latency_s = read_latency(n.at("latency_s"));
  s.cost_usd = n.at("cost_usd").number();
  s.cost_per_success_usd = read_optional(n, "cost_per_success_usd");
  if (const auto batching = n.find("batching"))
    s.batching = read_batching(*batching);
  return s;
}

TotalMetrics read_totals(const Node& n)
{
  TotalMetrics t;
  t.offered = n.at("offered").count();
  t.completed = n.at("completed").count();
  t.failed = n.at("failed").count();
  t.success_ratio = n.at("success_ratio").number();
  t.throughput_per_s = n.at("throughput_per_s").number();
  t.goodput_per_s = n.at("goodput_per_s").number();
  t.quality_goodput_per_s = n.at("quality_goodput_per_s").number();
  t.latency_s = read_latency(n.at("latency_s"));
  t.cost_usd = n.at("cost_usd").number();
  t.cost_per_success_usd = read_optional(n, "cost_per_success_usd");
  t.mean_quality = read_optional(n, "mean_quality");
  t.selection = read_selection(n.at("selection"));
  return t;
}

/** `recovery_s` / `adapt_s`: seconds (or null) per workflow. */
std::map<std::string, std::optional<double>> read_per_workflow(const Node& n)
{
  std::map<std::string, std::optional<double>> out;
  for (const auto& [workflow, seconds] : n.members())
    out[workflow] = seconds.optional_number();
  return out;
}

FaultInfo read_fault(const Node& n)
{
  FaultInfo f;
  f.name = n.at("name").text();
  f.kind = n.at("kind").text();
  f.service = n.at("service").text();
  f.start_s = n.at("start_s").number();
  f.end_s = read_optional(n, "end_s");
  f.recovery_s = read_per_workflow(n.at("recovery_s"));
  f.adapt_s = read_per_workflow(n.at("adapt_s"));
  return f;
}

RunInfo read_run(const Node& n)
{
  RunInfo r;
  r.window_start_s = n.at("window_start_s").number();
  r.window_end_s = n.at("window_end_s").number();
  r.window_s = n.at("window_s").number();
  r.end_s = n.at("end_s").number();
  r.arrivals = n.at("arrivals").count();
  r.events = n.at("events").count();
  r.complete = n.at("complete").flag();
  r.warnings = n.at("warnings").texts();
  r.saturation = n.at("saturation").text();
  const auto backlog = n.at("backlog");
  const auto quarters = backlog.at("in_flight_quarters").elements(r.in_flight_quarters.size());
  for (size_t q = 0; q < quarters.size(); ++q)
    r.in_flight_quarters[q] = quarters[q].number();
  r.backlog_growth_per_s = backlog.at("growth_per_s").number();
  r.backlog_growth_share = backlog.at("growth_share").number();
  for (const auto& fault : n.at("faults").elements())
    r.faults.push_back(read_fault(fault));
  return r;
}

/** Columns nest as `<group>.<name>.<what>` (to_json splits at the first two dots; `what` may hold more). */
Series read_series(const Node& n)
{
  Series s;
  s.interval_s = n.at("interval_s").number();
  s.points = static_cast<size_t>(n.at("points").count(std::numeric_limits<size_t>::max()));
  for (const char* group : {"workflows", "services"})
    for (const auto& [name, columns] : n.at(group).members())
      for (const auto& [what, values] : columns.members())
        s.columns.emplace_back(std::string(group) + "." + name + "." + what, values.numbers());
  return s;
}

NetworkMetrics read_network(const Node& n)
{
  NetworkMetrics m;
  m.contention = n.at("contention").flag();
  m.transfers = n.at("transfers").count();
  m.bytes = n.at("bytes").number();
  m.cross_region_bytes = n.at("cross_region_bytes").number();
  m.egress_usd = n.at("egress_usd").number();
  m.cross_region_calls = n.at("cross_region_calls").count();
  m.local_zone_calls = n.at("local_zone_calls").count();
  m.transfer_s = read_latency(n.at("transfer_s"));
  return m;
}

RunContext read_context(const Node& n)
{
  RunContext c;
  c.orchsim_version = n.at("orchsim_version").text();
  c.git_describe = n.at("git_describe").text();
  c.simgrid_version = n.at("simgrid_version").text();
  const auto scenario = n.at("scenario");
  c.scenario_name = scenario.at("name").text();
  c.scenario_path = scenario.at("path").text();
  c.scenario_sha256 = scenario.at("sha256").text();
  c.seed = n.at("seed").count();
  c.overrides = n.at("overrides").texts();
  c.selection = n.at("selection").text();
  c.profile = n.at("profile").text();
  return c;
}

HostInfo read_host(const Node& n)
{
  HostInfo h;
  h.wall_time_s = n.at("wall_time_s").number();
  h.events_per_wall_s = n.at("events_per_wall_s").number();
  h.hostname = n.at("hostname").text();
  h.cores = static_cast<unsigned>(n.at("cores").count(std::numeric_limits<unsigned>::max()));
  return h;
}
} // namespace

RunResult from_json(const nlohmann::json& document)
{
  const Node root(document, "");
  RunResult r;
  r.schema_version = root.at("schema_version").integer();
  r.context = read_context(root.at("context"));
  const auto metrics = root.at("metrics");
  r.run = read_run(metrics.at("run"));
  r.totals = read_totals(metrics.at("totals"));
  const auto effectiveness = metrics.at("effectiveness");
  r.effectiveness.objective = effectiveness.at("objective").text();
  r.effectiveness.value = read_optional(effectiveness, "value");
  for (const auto& [name, workflow] : metrics.at("workflows").members())
    r.workflows[name] = read_workflow(workflow);
  for (const auto& [name, service] : metrics.at("services").members())
    r.services[name] = read_service(service);
  if (const auto series = metrics.find("series"))
    r.series = read_series(*series);
  if (const auto network = metrics.find("network"))
    r.network = read_network(*network);
  // A sweep's run documents leave `host` out (results/SCHEMA.md): then it stays at its defaults.
  if (const auto host = root.find("host"))
    r.host = read_host(*host);
  return r;
}

} // namespace orchsim::results
