#include "results/RunResult.hpp"

namespace orchsim::results {

namespace {
using nlohmann::json;

json optional_number(const std::optional<double>& v)
{
  return v ? json(*v) : json(nullptr);
}

json latency_json(const LatencySummary& l)
{
  json j = {{"count", l.count}, {"mean", l.mean}, {"p50", l.p50},   {"p90", l.p90},
            {"p95", l.p95},     {"p99", l.p99},   {"p999", l.p999}, {"max", l.max}};
  if (!l.cdf.empty()) {
    json cdf = json::array();
    for (const auto& [p, s] : l.cdf)
      cdf.push_back({p, s});
    j["cdf"] = cdf;
  }
  return j;
}

json failures_json(const Failures& f)
{
  return {{"error", f.error},       {"timeout", f.timeout},
          {"rejected", f.rejected}, {"rate_limited", f.rate_limited},
          {"shed", f.shed},         {"circuit_open", f.circuit_open}};
}

json selection_json(const SelectionQuality& s)
{
  return {{"decisions", s.decisions},
          {"optimal_ratio", optional_number(s.optimal_ratio)},
          {"regret", s.regret},
          {"regret_per_decision", optional_number(s.regret_per_decision)}};
}

json totals_json(const TotalMetrics& t)
{
  return {{"offered", t.offered},
          {"completed", t.completed},
          {"failed", t.failed},
          {"success_ratio", t.success_ratio},
          {"throughput_per_s", t.throughput_per_s},
          {"goodput_per_s", t.goodput_per_s},
          {"quality_goodput_per_s", t.quality_goodput_per_s},
          {"latency_s", latency_json(t.latency_s)},
          {"cost_usd", t.cost_usd},
          {"cost_per_success_usd", optional_number(t.cost_per_success_usd)},
          {"mean_quality", optional_number(t.mean_quality)},
          {"selection", selection_json(t.selection)}};
}

json workflow_json(const WorkflowMetrics& w)
{
  json j = {{"offered", w.offered},
            {"completed", w.completed},
            {"failed", w.failed},
            {"failures", failures_json(w.failures)},
            {"success_ratio", w.success_ratio},
            {"throughput_per_s", w.throughput_per_s},
            {"goodput_per_s", w.goodput_per_s},
            {"latency_s", latency_json(w.latency_s)},
            {"mean_in_flight", w.mean_in_flight},
            {"calls", w.calls},
            {"retries", w.retries},
            {"hedges", w.hedges},
            {"fallbacks", w.fallbacks},
            {"escalations", w.escalations},
            {"calls_per_request", w.calls_per_request},
            {"wasted_service_s", w.wasted_service_s},
            {"hedge_service_s", w.hedge_service_s},
            {"cost_usd", w.cost_usd},
            {"cost_per_success_usd", optional_number(w.cost_per_success_usd)},
            {"mean_quality", optional_number(w.mean_quality)},
            {"quality_goodput_per_s", w.quality_goodput_per_s},
            {"selection", selection_json(w.selection)},
            {"slo", nullptr}};
  if (w.slo)
    j["slo"] = {{"objective", w.slo->objective},
                {"percentile", w.slo->percentile},
                {"target_s", w.slo->target_s},
                {"measured_s", w.slo->measured_s},
                {"met", w.slo->met},
                {"attainment", w.slo->attainment}};
  return j;
}

json service_json(const ServiceMetrics& s)
{
  json out = {{"slots", s.slots},
          {"offered", s.offered},
          {"completed", s.completed},
          {"failed", s.failures.total()},
          {"failures", failures_json(s.failures)},
          {"canceled", s.canceled},
          {"served", s.served},
          {"retries", s.retries},
          {"hedges", s.hedges},
          {"wasted_service_s", s.wasted_service_s},
          {"hedge_service_s", s.hedge_service_s},
          {"breaker_opens", s.breaker_opens},
          {"availability", s.availability},
          {"mean_instances", s.mean_instances},
          {"instance_cost_usd", s.instance_cost_usd},
          {"scale_ups", s.scale_ups},
          {"scale_downs", s.scale_downs},
          {"ejections", s.ejections},
          {"throughput_per_s", s.throughput_per_s},
          {"utilization", s.utilization},
          {"mean_queue_length", s.mean_queue_length},
          {"latency_s", latency_json(s.latency_s)},
          {"cost_usd", s.cost_usd},
          {"cost_per_success_usd", optional_number(s.cost_per_success_usd)}};
  if (const auto& b = s.batching)
    out["batching"] = {{"steps", b->steps},
                       {"mean_batch", b->mean_batch},
                       {"tokens_per_s", b->tokens_per_s},
                       {"mean_step_s", b->mean_step_s},
                       {"ttft_s", latency_json(b->ttft_s)},
                       {"tpot_s", latency_json(b->tpot_s)}};
  return out;
}
} // namespace

json to_json(const RunResult& r)
{
  json faults = json::array();
  for (const auto& f : r.run.faults) {
    json recovery = json::object();
    for (const auto& [workflow, seconds] : f.recovery_s)
      recovery[workflow] = optional_number(seconds);
    json adapt = json::object();
    for (const auto& [workflow, seconds] : f.adapt_s)
      adapt[workflow] = optional_number(seconds);
    faults.push_back({{"name", f.name},
                      {"kind", f.kind},
                      {"service", f.service},
                      {"start_s", f.start_s},
                      {"end_s", optional_number(f.end_s)},
                      {"recovery_s", recovery},
                      {"adapt_s", adapt}});
  }
  json series = nullptr;
  if (r.series) {
    series = {{"interval_s", r.series->interval_s},
              {"points", r.series->points},
              {"workflows", json::object()},
              {"services", json::object()}};
    for (const auto& [name, values] : r.series->columns) {
      // `workflows.<w>.<what>`: names hold no dots, so the first two split the path.
      const auto first = name.find('.');
      const auto second = name.find('.', first + 1);
      series[name.substr(0, first)][name.substr(first + 1, second - first - 1)][name.substr(second + 1)] = values;
    }
  }
  json workflows = json::object();
  for (const auto& [name, w] : r.workflows)
    workflows[name] = workflow_json(w);
  json services = json::object();
  for (const auto& [name, s] : r.services)
    services[name] = service_json(s);
  json out = {
      {"schema_version", r.schema_version},
      {"context",
       {{"orchsim_version", r.context.orchsim_version},
        {"git_describe", r.context.git_describe},
        {"simgrid_version", r.context.simgrid_version},
        {"scenario",
         {{"name", r.context.scenario_name}, {"path", r.context.scenario_path}, {"sha256", r.context.scenario_sha256}}},
        {"seed", r.context.seed},
        {"overrides", r.context.overrides},
        {"selection", r.context.selection},
        {"profile", r.context.profile}}},
      {"metrics",
       {{"run",
         {{"window_start_s", r.run.window_start_s},
          {"window_end_s", r.run.window_end_s},
          {"window_s", r.run.window_s},
          {"end_s", r.run.end_s},
          {"arrivals", r.run.arrivals},
          {"events", r.run.events},
          {"complete", r.run.complete},
          {"warnings", r.run.warnings},
          {"saturation", r.run.saturation},
          {"backlog",
           {{"in_flight_quarters", r.run.in_flight_quarters},
            {"growth_per_s", r.run.backlog_growth_per_s},
            {"growth_share", r.run.backlog_growth_share}}},
          {"faults", faults}}},
        {"totals", totals_json(r.totals)},
        {"effectiveness",
         {{"objective", r.effectiveness.objective}, {"value", optional_number(r.effectiveness.value)}}},
        {"workflows", workflows},
        {"services", services},
        {"series", series}}},
      {"host",
       {{"wall_time_s", r.host.wall_time_s},
        {"events_per_wall_s", r.host.events_per_wall_s},
        {"hostname", r.host.hostname},
        {"cores", r.host.cores}}},
  };
  if (const auto& n = r.network)
    out["metrics"]["network"] = {{"contention", n->contention},
                                 {"transfers", n->transfers},
                                 {"bytes", n->bytes},
                                 {"cross_region_bytes", n->cross_region_bytes},
                                 {"egress_usd", n->egress_usd},
                                 {"cross_region_calls", n->cross_region_calls},
                                 {"local_zone_calls", n->local_zone_calls},
                                 {"transfer_s", latency_json(n->transfer_s)}};
  return out;
}

std::string to_json_text(const RunResult& result)
{
  return to_json(result).dump(2) + "\n";
}

} // namespace orchsim::results
