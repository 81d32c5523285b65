#include "analysis/Report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "analysis/TextFormat.hpp"
#include "models/OfferedLoad.hpp"
#include "models/WorkloadSource.hpp"

namespace orchsim::analysis {

namespace {

/** Seconds in the most readable unit: 850us, 12.3ms, 1.52s. */
std::string seconds(double s)
{
  if (s == 0)
    return "0";
  if (s < 1e-3)
    return format("%.3gus", s * 1e6);
  if (s < 1.0)
    return format("%.3gms", s * 1e3);
  return format("%.3gs", s);
}

std::string money(const std::optional<double>& usd)
{
  return usd ? format("$%.4g", *usd) : "-";
}

} // namespace

std::string summary_table(const results::RunResult& r)
{
  std::string out;
  out += format("scenario %s  profile %s  seed %llu  selection %s  window %.4gs  arrivals %llu  events %llu%s\n",
                r.context.scenario_name.c_str(), r.context.profile.c_str(),
                static_cast<unsigned long long>(r.context.seed), r.context.selection.c_str(), r.run.window_s,
                static_cast<unsigned long long>(r.run.arrivals), static_cast<unsigned long long>(r.run.events),
                r.run.complete ? "" : "  INCOMPLETE");
  out += "\n";
  out += format("%-22s %9s %8s %9s %9s %9s %9s %9s %9s %10s %6s\n", "workflow", "offered", "success", "thru/s",
                "good/s", "mean", "p50", "p99", "p99.9", "cost/ok", "SLO");
  for (const auto& [name, w] : r.workflows) {
    std::string slo = "-";
    if (w.slo)
      slo = w.slo->met ? "met" : "MISS";
    out +=
        format("%-22s %9llu %7.2f%% %9.4g %9.4g %9s %9s %9s %9s %10s %6s\n", name.c_str(),
               static_cast<unsigned long long>(w.offered), 100.0 * w.success_ratio, w.throughput_per_s, w.goodput_per_s,
               seconds(w.latency_s.mean).c_str(), seconds(w.latency_s.p50).c_str(), seconds(w.latency_s.p99).c_str(),
               seconds(w.latency_s.p999).c_str(), money(w.cost_per_success_usd).c_str(), slo.c_str());
  }
  const auto& t = r.totals;
  out +=
      format("%-22s %9llu %7.2f%% %9.4g %9.4g %9s %9s %9s %9s %10s\n", "(all)",
             static_cast<unsigned long long>(t.offered), 100.0 * t.success_ratio, t.throughput_per_s, t.goodput_per_s,
             seconds(t.latency_s.mean).c_str(), seconds(t.latency_s.p50).c_str(), seconds(t.latency_s.p99).c_str(),
             seconds(t.latency_s.p999).c_str(), money(t.cost_per_success_usd).c_str());
  out += format("\neffectiveness (%s) %s", r.effectiveness.objective.c_str(),
                r.effectiveness.value ? format("%.5g", *r.effectiveness.value).c_str() : "-");
  if (t.mean_quality)
    out += format("  mean quality %.4f", *t.mean_quality);
  if (t.selection.decisions)
    out += format("  selection: %llu decisions, %.1f%% optimal, regret %.4g per decision",
                  static_cast<unsigned long long>(t.selection.decisions), 100.0 * *t.selection.optimal_ratio,
                  *t.selection.regret_per_decision);
  out += "\n";
  if (r.run.saturation != "stable")
    out += format(
        "%s: the requests in the system grew by %.3g/s, %.1f%% of the arrival rate (quarter averages "
        "%.4g -> %.4g): the means above describe a run that did not keep up\n",
        r.run.saturation == "overloaded" ? "OVERLOADED" : "BACKLOGGED", r.run.backlog_growth_per_s,
        100.0 * r.run.backlog_growth_share, r.run.in_flight_quarters[0], r.run.in_flight_quarters[3]);
  out += "\n";
  // Success among the calls whose answer was awaited: hedged copies that lost and calls of failed
  // requests (canceled) are left out.
  out += format("%-22s %9s %8s %9s %7s %8s %9s %9s %8s %8s %8s %10s\n", "service", "calls", "success", "thru/s", "util",
                "queue", "mean", "p99", "errors", "rejects", "429s", "cost");
  for (const auto& [name, s] : r.services) {
    if (s.offered == 0 && s.served == 0)
      continue;
    const double awaited = static_cast<double>(s.offered - std::min(s.offered, s.canceled));
    const double ok = awaited > 0 ? 100.0 * static_cast<double>(s.completed) / awaited : 0.0;
    out +=
        format("%-22s %9llu %7.2f%% %9.4g %6.1f%% %8.3g %9s %9s %8llu %8llu %8llu %10s\n", name.c_str(),
               static_cast<unsigned long long>(s.offered), ok, s.throughput_per_s, 100.0 * s.utilization,
               s.mean_queue_length, seconds(s.latency_s.mean).c_str(), seconds(s.latency_s.p99).c_str(),
               static_cast<unsigned long long>(s.failures.error), static_cast<unsigned long long>(s.failures.rejected),
               static_cast<unsigned long long>(s.failures.rate_limited), money(s.cost_usd).c_str());
  }
  return out; // warnings go to stderr (cli), not into the table
}

std::string profiles_table(const results::ProfilesResult& r)
{
  std::string out;
  out += format("scenario %s  %u replication%s (seeds %llu..%llu)  objective %s  wall %.3gs on %u job%s\n",
                r.context.scenario_name.c_str(), r.replications, r.replications == 1 ? "" : "s",
                static_cast<unsigned long long>(r.seeds.front()), static_cast<unsigned long long>(r.seeds.back()),
                r.objective.c_str(), r.wall_time_s, r.jobs, r.jobs == 1 ? "" : "s");
  out += "\n";
  out +=
      format("%-12s %-14s %8s %8s %8s %9s %8s %9s %7s %7s %8s %-22s %7s\n", "profile", "selection", "p50", "p95", "p99",
             "thru/s", "success", "good/s", "quality", "cost/ok", "optimal", "amplification [95% CI]", "bracket");
  auto mean = [](const results::ProfileSummary& p, const char* metric) -> std::optional<double> {
    auto it = p.metrics.find(metric);
    if (it == p.metrics.end() || it->second.values.empty())
      return std::nullopt;
    return it->second.mean;
  };
  auto secs = [&](const results::ProfileSummary& p, const char* metric) {
    auto v = mean(p, metric);
    return v ? seconds(*v) : std::string("-");
  };
  auto num = [&](const results::ProfileSummary& p, const char* metric, const char* fmt, double scale) {
    auto v = mean(p, metric);
    return v ? format(fmt, *v * scale) : std::string("-");
  };
  for (const auto& p : r.profiles) {
    std::string amplification = "-";
    if (p.amplification) {
      amplification = format("%.4f", p.amplification->mean);
      if (p.amplification->ci_low)
        amplification += format(" [%.4f, %.4f]", *p.amplification->ci_low, *p.amplification->ci_high);
    }
    out +=
        format("%-12s %-14s %8s %8s %8s %9s %8s %9s %7s %7s %8s %-22s %7s%s\n", p.name.c_str(), p.selection.c_str(),
               secs(p, "latency_p50_s").c_str(), secs(p, "latency_p95_s").c_str(), secs(p, "latency_p99_s").c_str(),
               num(p, "throughput_per_s", "%.4g", 1).c_str(), num(p, "success_ratio", "%.2f%%", 100).c_str(),
               num(p, "goodput_per_s", "%.4g", 1).c_str(), num(p, "mean_quality", "%.4f", 1).c_str(),
               money(mean(p, "cost_per_success_usd")).c_str(), num(p, "selection_optimal_ratio", "%.1f%%", 100).c_str(),
               amplification.c_str(), p.bracket_position ? format("%.2f", *p.bracket_position).c_str() : "-",
               p.complete ? "" : "  INCOMPLETE");
  }
  return out;
}

namespace {
std::string link_text(const sim::LinkSpec& l)
{
  return format("%.4g Gbps, %s", l.bandwidth_Bps * 8 / 1e9, seconds(l.latency_s).c_str());
}

/** The platform as the scenario describes it (an XML platform is read by SimGrid at run time). */
std::string explain_platform(const models::Scenario& s)
{
  const auto& p = s.platform;
  if (p.empty())
    return "platform: none (no network, no placement)\n";
  std::string out = format("\nplatform: network %s, contention %s, egress $%.4g/GB\n",
                           p.model == sim::NetworkModel::CM02 ? "cm02" : "lv08", p.contention ? "on" : "off",
                           p.egress_usd_per_gb);
  if (!p.xml_path.empty())
    return out + "  SimGrid platform file " + p.xml_path + "\n";
  for (size_t r = 0; r < p.regions.size(); ++r) {
    out += "  region " + p.regions[r].name + "\n";
    for (const auto& z : p.zones) {
      if (z.region != r)
        continue;
      out += "    zone " + z.name + ": ";
      for (size_t g = 0; g < z.hosts.size(); ++g) {
        const auto& h = z.hosts[g];
        out += format("%s%u x %s (%s, %u x %.4g Gflop/s)", g ? ", " : "", h.count, h.name.c_str(),
                      h.kind == sim::HostKind::GPU ? "gpu" : "cpu", h.cores, h.speed_flops / 1e9);
      }
      out += "; host links " + link_text(z.host_link) + "; clients " + link_text(z.client_link) + "\n";
    }
  }
  for (const auto& route : p.routes)
    out += "  " + route.name + ": " + link_text(route.link) + "\n";
  out += "  other zone pairs: same region " + link_text(p.intra_region) + ", across regions " +
         link_text(p.inter_region) + "\n";
  return out;
}
} // namespace

std::string explain_text(const models::Scenario& s)
{
  std::string out;
  out += format("scenario %s (%s)\n", s.name.c_str(), s.path.c_str());
  if (!s.description.empty())
    out += "  " + s.description + "\n";
  const auto& sim = s.simulation;
  out += format("simulation: seed %llu, ", static_cast<unsigned long long>(sim.seed));
  out += sim.requests ? format("%llu requests", static_cast<unsigned long long>(*sim.requests))
                      : format("duration %s", seconds(*sim.duration_s).c_str());
  out += sim.warmup_s ? format(", warm-up %s", seconds(*sim.warmup_s).c_str())
                      : format(", warm-up %.4g%%", 100.0 * sim.warmup_fraction);
  out += format(", engine %s\n",
                sim.engine == models::EngineSync::LOCKSTEP || s.uses_simgrid_activities() ? "lockstep" : "windowed");
  out += explain_platform(s);

  out += format("\nservices (%zu):\n", s.services.size());
  for (const auto& svc : s.services) {
    std::string caps;
    for (const auto& c : svc.capabilities)
      caps += (caps.empty() ? "" : ",") + c;
    out += format("  %-22s %u x %u slots, queue %s, errors %.3g, quality %s%s%s\n", svc.name.c_str(), svc.instances,
                  svc.concurrency, svc.queue_capacity ? std::to_string(*svc.queue_capacity).c_str() : "unbounded",
                  svc.error_probability, svc.quality ? format("%.3g", *svc.quality).c_str() : "-",
                  caps.empty() ? "" : ", capabilities ", caps.c_str());
    if (svc.latency)
      out += "      latency " + svc.latency->describe() + "\n";
    if (!s.platform.empty()) {
      std::string where;
      for (const auto& h : svc.hosts)
        where += (where.empty() ? "" : ",") + h.name;
      for (const auto& z : svc.zones)
        where += (where.empty() ? "" : ",") + z;
      const auto& pl = svc.payload;
      out += format("      placed on %s%s%s; payload request %s + %.4g B/input token, response %s + %.4g B/output token\n",
                    svc.hosts.empty() ? "zones " : "hosts ", where.empty() ? "(every zone)" : where.c_str(),
                    svc.host_kind ? (*svc.host_kind == sim::HostKind::GPU ? " (gpu hosts)" : " (cpu hosts)") : "",
                    pl.request_bytes ? pl.request_bytes->describe().c_str() : "0", pl.request_bytes_per_input_token,
                    pl.response_bytes ? pl.response_bytes->describe().c_str() : "0",
                    pl.response_bytes_per_output_token);
    }
    if (svc.work)
      out += format("      work %s flops + %.4g / input token + %.4g / output token, on its host's cores\n",
                    svc.work->flops ? svc.work->flops->describe().c_str() : "0", svc.work->flops_per_input_token,
                    svc.work->flops_per_output_token);
    if (const auto& b = svc.batching)
      out += format("      batching: max %u sequences, %u tokens per iteration; iteration = %.4g s + %.4g s/sequence "
                    "+ %.4g s/prefill token + %.4g s/context token\n",
                    b->max_batch, b->max_batch_tokens, b->base_s, b->per_sequence_s, b->per_prefill_token_s,
                    b->per_context_token_s);
  }

  out += format("\nworkflows (%zu), steps in topological order:\n", s.workflows.size());
  for (size_t w = 0; w < s.workflows.size(); ++w) {
    const auto& wf = s.workflows[w];
    out += "  " + wf.name;
    if (s.slos[w])
      out += format("  (SLO %s <= %s)", s.slos[w]->key.c_str(), seconds(s.slos[w]->latency_s).c_str());
    out += "\n";
    for (uint32_t k : wf.topological_order) {
      const auto& step = wf.steps[k];
      std::string after, candidates;
      for (uint32_t a : step.after)
        after += (after.empty() ? "" : ",") + wf.steps[a].name;
      for (uint32_t c : step.candidates)
        candidates += (candidates.empty() ? "" : ",") + s.services[c].name;
      out += format("    %-18s %s %s -> [%s]%s%s%s\n", step.name.c_str(), step.by_capability ? "capability" : "service",
                    step.target.c_str(), candidates.c_str(), after.empty() ? "" : " after ", after.c_str(),
                    step.optional ? " (optional)" : "");
    }
  }

  out += format("\nworkload (%zu sources):\n", s.sources.size());
  for (const auto& src : s.sources) {
    const auto& a = src.arrival;
    std::string what;
    switch (a.process) {
      case models::ArrivalProcess::POISSON:
        what = format("poisson %.4g/s", a.rate_per_s);
        break;
      case models::ArrivalProcess::CLOSED_LOOP:
        what = format("closed loop, %u users, think %s", a.users, a.think_time_s->describe().c_str());
        break;
      case models::ArrivalProcess::DIURNAL:
        what = format("diurnal %.4g/s x (1 + %.3g sin), period %s", a.rate_per_s, a.diurnal_amplitude,
                      seconds(a.diurnal_period_s).c_str());
        break;
      case models::ArrivalProcess::RAMP:
        what = format("ramp %.4g/s to %.4g/s over %s", a.ramp_from_per_s, a.ramp_to_per_s, seconds(a.ramp_s).c_str());
        break;
      case models::ArrivalProcess::BURSTY:
        what = format("bursty on %.4g/s for %s, off %.4g/s for %s", a.rate_on_per_s, seconds(a.mean_on_s).c_str(),
                      a.rate_off_per_s, seconds(a.mean_off_s).c_str());
        break;
      case models::ArrivalProcess::TRACE:
        what = format("trace %s: %zu rows over %s, time scale %.4g%s", a.trace->get_path().c_str(),
                      a.trace->get_rows().size(), seconds(a.trace->get_span_s()).c_str(), a.time_scale,
                      a.loop ? ", looping" : "");
        break;
    }
    auto rate = models::WorkloadSource::mean_rate_per_s(src);
    out += format("  %-22s -> %s: %s%s\n", src.name.c_str(), s.workflows[src.workflow].name.c_str(), what.c_str(),
                  rate ? format(" (mean %.4g/s)", *rate).c_str() : "");
  }

  const auto load = models::compute_offered_load(s);
  out += "\noffered load vs capacity:\n";
  out += format("  %-22s %10s %12s %8s %12s\n", "service", "calls/s", "mean service", "slots", "utilization");
  for (const auto& sl : load.services) {
    out +=
        format("  %-22s %10.4g %12s %8u %12s\n", sl.service.c_str(), sl.calls_per_s,
               sl.mean_service_s ? seconds(*sl.mean_service_s).c_str() : "-", sl.slots,
               sl.utilization ? format("%.1f%%%s", 100.0 * *sl.utilization, *sl.utilization >= 1 ? " OVER" : "").c_str()
                              : "-");
  }
  if (!load.complete)
    out += "  (closed-loop sources are not included: their rate depends on the response time)\n";
  for (const auto& w : models::overload_warnings(s, load))
    out += "warning: " + w + "\n";
  return out;
}

} // namespace orchsim::analysis
