#include "analysis/Runner.hpp"

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include <unistd.h>

#include "analysis/ProcessPool.hpp"
#include "analysis/Recovery.hpp"
#include "analysis/Saturation.hpp"
#include "models/OfferedLoad.hpp"
#include "models/ScenarioLoader.hpp"
#include "orchestrator/Simulation.hpp"
#include "orchsim/Version.hpp"
#include "results/Sha256.hpp"
#include "sim/Engine.hpp"
#include "sim/InputError.hpp"
#include "sim/Interrupt.hpp"
#include "sim/Platform.hpp"

namespace orchsim::analysis {

namespace {

results::LatencySummary summarize(const sim::Histogram& h)
{
  results::LatencySummary l;
  l.count = h.get_count();
  l.mean = h.get_mean();
  l.p50 = h.quantile(0.50);
  l.p90 = h.quantile(0.90);
  l.p95 = h.quantile(0.95);
  l.p99 = h.quantile(0.99);
  l.p999 = h.quantile(0.999);
  l.max = h.get_max();
  return l;
}

/** A summary with its CDF (workflows and totals). */
results::LatencySummary summarize_with_cdf(const sim::Histogram& h)
{
  results::LatencySummary l = summarize(h);
  if (l.count > 0)
    for (double p : results::CDF_PROBABILITIES)
      l.cdf.emplace_back(p, h.quantile(p));
  return l;
}

results::Failures failures(const orchestrator::FailureCounts& f)
{
  using C = models::FailureCause;
  return {f[C::ERROR], f[C::TIMEOUT], f[C::REJECTED], f[C::RATE_LIMITED], f[C::SHED], f[C::CIRCUIT_OPEN]};
}

const char* strategy_name(models::SelectionStrategy s)
{
  using S = models::SelectionStrategy;
  switch (s) {
    case S::ROUND_ROBIN:
      return "round_robin";
    case S::WEIGHTED_ROUND_ROBIN:
      return "weighted_round_robin";
    case S::RANDOM:
      return "random";
    case S::LEAST_OUTSTANDING:
      return "least_outstanding";
    case S::POWER_OF_D:
      return "power_of_d";
    case S::WEIGHTED_LEAST_REQUEST:
      return "weighted_least_request";
    case S::PEAK_EWMA:
      return "peak_ewma";
    case S::RING_HASH:
      return "ring_hash";
    case S::CAPABILITY_SCORE:
      return "capability_score";
    case S::UCB1:
      return "ucb1";
    case S::THOMPSON:
      return "thompson";
    case S::LINUCB:
      return "linucb";
    case S::PREDICTIVE:
      return "predictive";
    case S::ORACLE:
      return "oracle";
    case S::LOCALITY:
      return "locality";
  }
  return "unknown";
}

/** A switch, not a table: a new kind that is not named here fails to compile (-Wswitch), never reads
 *  past an array. */
const char* fault_kind_name(models::FaultSpec::Kind kind)
{
  using K = models::FaultSpec::Kind;
  switch (kind) {
    case K::CRASH:
      return "crash";
    case K::LATENCY:
      return "latency";
    case K::ERRORS:
      return "errors";
    case K::RATE_LIMIT:
      return "rate_limit";
    case K::PRICE:
      return "price";
    case K::OUTAGE:
      return "outage";
  }
  return "unknown";
}

results::SelectionQuality selection_quality(uint64_t decisions, uint64_t optimal, double regret)
{
  results::SelectionQuality q;
  q.decisions = decisions;
  q.regret = regret;
  if (decisions) {
    q.optimal_ratio = static_cast<double>(optimal) / static_cast<double>(decisions);
    q.regret_per_decision = regret / static_cast<double>(decisions);
  }
  return q;
}

} // namespace

const char* objective_name(models::EffectivenessObjective o)
{
  switch (o) {
    case models::EffectivenessObjective::QUALITY_GOODPUT:
      return "quality_goodput";
    case models::EffectivenessObjective::GOODPUT:
      return "goodput";
    case models::EffectivenessObjective::GOODPUT_PER_USD:
      return "goodput_per_usd";
  }
  return "unknown";
}

namespace {

} // namespace

LoadedScenario load(const std::string& path, const std::vector<std::string>& overrides, const std::string& profile)
{
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw sim::InputError(sim::InputLocation{path, 0, 0, ""},
                          std::string("cannot open scenario file: ") + std::strerror(errno));
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (in.bad())
    throw sim::InputError(sim::InputLocation{path, 0, 0, ""}, "cannot read scenario file");
  const std::string text = buffer.str();
  LoadedScenario loaded{models::load_scenario_text(text, path, overrides, profile), results::sha256_hex(text), text};
  // Every profile is checked whatever runs, so that a mistake in one is found before a long sweep.
  for (const auto& p : loaded.scenario.profiles)
    if (p.name != loaded.scenario.profile)
      models::load_scenario_text(text, path, overrides, p.name);
  return loaded;
}

LoadedScenario with_profile(const LoadedScenario& loaded, const std::string& profile)
{
  return LoadedScenario{
      models::load_scenario_text(loaded.text, loaded.scenario.path, loaded.scenario.overrides, profile), loaded.sha256,
      loaded.text};
}

results::RunContext run_context(const models::Scenario& s, const std::string& sha256)
{
  results::RunContext c;
  c.orchsim_version = VERSION;
  c.git_describe = GIT_DESCRIBE;
  c.simgrid_version = sim::Engine::simgrid_version();
  c.scenario_name = s.name;
  c.scenario_path = s.path;
  c.scenario_sha256 = sha256;
  c.seed = s.simulation.seed;
  c.overrides = s.overrides;
  c.selection = strategy_name(s.orchestrator.selection.strategy);
  c.profile = s.profile;
  return c;
}

results::RunResult to_result(const models::Scenario& s, const std::string& sha256, const orchestrator::RunStats& st)
{
  results::RunResult r;
  r.context = run_context(s, sha256);

  const double window = st.window_s();
  r.run.window_start_s = st.window_start_s;
  r.run.window_end_s = st.window_end_s;
  r.run.window_s = window;
  r.run.end_s = st.end_s;
  r.run.arrivals = st.arrivals;
  r.run.events = st.events;
  r.run.complete = !st.truncated;
  r.run.warnings = models::overload_warnings(s, models::compute_offered_load(s));
  if (st.interrupted)
    r.run.warnings.push_back("interrupted by " + sim::signal_name(sim::stop_signal()) +
                             ": the result covers the run up to simulated time " + std::to_string(st.end_s) + " s");
  else if (st.out_of_memory)
    r.run.warnings.push_back("the process reached its memory bound (--max-memory): the run ended early; its queues "
                             "were probably growing without bound");
  else if (st.truncated)
    r.run.warnings.push_back("a run bound (max events or max simulated time) ended the run early");
  uint64_t measured_arrivals = 0;
  for (const auto& w : st.workflows)
    measured_arrivals += w.offered;
  const BacklogTrend trend = backlog_trend(st.in_flight_quarters.means(), window, measured_arrivals);
  r.run.saturation = saturation_name(trend.verdict);
  r.run.in_flight_quarters = trend.in_flight_quarters;
  r.run.backlog_growth_per_s = trend.growth_per_s;
  r.run.backlog_growth_share = trend.growth_share;
  auto per_s = [window](double n) { return window > 0 ? n / window : 0.0; };
  for (const auto& f : s.faults) {
    results::FaultInfo info;
    info.name = f.name;
    info.kind = fault_kind_name(f.kind);
    info.service = f.kind == models::FaultSpec::Kind::OUTAGE ? f.place.name : s.services[f.service].name;
    info.start_s = f.start_s;
    if (std::isfinite(f.duration_s))
      info.end_s = f.start_s + f.duration_s;
    if (st.series) {
      info.recovery_s = recovery_times(s, f, *st.series);
      info.adapt_s = adaptation_times(s, f, *st.series);
    }
    r.run.faults.push_back(info);
  }

  for (const auto& w : st.workflows) {
    results::WorkflowMetrics m;
    m.offered = w.offered;
    m.completed = w.completed;
    m.failed = w.failed.total();
    m.failures = failures(w.failed);
    m.success_ratio = w.offered ? static_cast<double>(w.completed) / static_cast<double>(w.offered) : 0.0;
    m.throughput_per_s = per_s(static_cast<double>(w.completed));
    m.goodput_per_s = per_s(static_cast<double>(w.good));
    m.latency_s = summarize_with_cdf(w.latency_s);
    m.mean_in_flight = w.in_flight.mean();
    m.calls = w.calls;
    m.retries = w.retries;
    m.hedges = w.hedges;
    m.fallbacks = w.fallbacks;
    m.escalations = w.escalations;
    m.calls_per_request = w.offered ? static_cast<double>(w.calls) / static_cast<double>(w.offered) : 0.0;
    m.wasted_service_s = w.wasted_service_s;
    m.hedge_service_s = w.hedge_service_s;
    m.cost_usd = w.cost_usd;
    if (w.completed) {
      m.cost_per_success_usd = w.cost_usd / static_cast<double>(w.completed);
    }
    if (w.quality_requests)
      m.mean_quality = w.quality_sum / static_cast<double>(w.quality_requests);
    m.quality_goodput_per_s = per_s(w.good_quality);
    m.selection = selection_quality(w.decisions, w.oracle_picks, w.regret);
    if (w.slo) {
      results::SloResult slo;
      slo.objective = w.slo->key;
      slo.percentile = w.slo->percentile;
      slo.target_s = w.slo->latency_s;
      slo.measured_s = w.latency_s.quantile(w.slo->percentile);
      slo.met = w.completed > 0 && slo.measured_s <= slo.target_s;
      slo.attainment = w.completed ? static_cast<double>(w.good) / static_cast<double>(w.completed) : 0.0;
      m.slo = slo;
    }
    r.workflows[w.name] = m;
  }
  for (const auto& sv : st.services) {
    results::ServiceMetrics m;
    m.slots = sv.slots;
    m.offered = sv.offered;
    m.completed = sv.completed;
    m.canceled = sv.canceled;
    m.served = sv.served;
    m.retries = sv.retries;
    m.hedges = sv.hedges;
    m.wasted_service_s = sv.wasted_service_s;
    m.hedge_service_s = sv.hedge_service_s;
    m.breaker_opens = sv.breaker_opens;
    m.availability = sv.instances ? sv.up_instances.mean() / sv.instances : 1.0;
    if (st.window_s() <= 0)
      m.availability = 1.0;
    m.ejections = sv.ejections;
    m.failures = failures(sv.failed);
    m.throughput_per_s = per_s(static_cast<double>(sv.completed));
    const double ready_slots = sv.ready_slots.mean();
    m.utilization = ready_slots > 0 ? sv.busy_slots.mean() / ready_slots : 0.0;
    m.mean_instances = sv.provisioned.mean();
    m.instance_cost_usd = m.mean_instances * window / 3600.0 * sv.instance_hour_usd;
    m.scale_ups = sv.scale_ups;
    m.scale_downs = sv.scale_downs;
    m.mean_queue_length = sv.queued.mean();
    m.latency_s = summarize(sv.latency_s);
    m.cost_usd = sv.cost_usd;
    if (sv.completed)
      m.cost_per_success_usd = sv.cost_usd / static_cast<double>(sv.completed);
    if (const auto& b = sv.batching) {
      results::BatchingMetrics bm;
      bm.steps = b->steps;
      bm.mean_batch = b->steps ? static_cast<double>(b->step_sequences) / static_cast<double>(b->steps) : 0.0;
      bm.tokens_per_s = per_s(static_cast<double>(b->step_tokens));
      bm.mean_step_s = b->steps ? b->step_s / static_cast<double>(b->steps) : 0.0;
      bm.ttft_s = summarize(b->ttft_s);
      bm.tpot_s = summarize(b->tpot_s);
      m.batching = bm;
    }
    r.services[sv.name] = m;
  }
  if (const auto& n = st.network) {
    results::NetworkMetrics nm;
    nm.contention = s.platform.contention;
    nm.transfers = n->transfers;
    nm.bytes = n->bytes;
    nm.cross_region_bytes = n->cross_region_bytes;
    nm.egress_usd = n->egress_usd;
    nm.cross_region_calls = n->cross_region_calls;
    nm.local_zone_calls = n->local_zone_calls;
    nm.transfer_s = summarize(n->transfer_s);
    r.network = nm;
  }
  auto& t = r.totals;
  sim::Histogram all_latency;
  uint64_t good = 0, decisions = 0, optimal = 0, quality_requests = 0;
  double good_quality = 0, regret = 0, quality_sum = 0;
  for (const auto& w : st.workflows) {
    t.offered += w.offered;
    t.completed += w.completed;
    t.failed += w.failed.total();
    good += w.good;
    good_quality += w.good_quality;
    t.cost_usd += w.cost_usd;
    all_latency.merge(w.latency_s);
    decisions += w.decisions;
    optimal += w.oracle_picks;
    regret += w.regret;
    quality_sum += w.quality_sum;
    quality_requests += w.quality_requests;
  }
  for (const auto& [name, m] : r.services)
    t.cost_usd += m.instance_cost_usd;
  t.success_ratio = t.offered ? static_cast<double>(t.completed) / static_cast<double>(t.offered) : 0.0;
  t.throughput_per_s = per_s(static_cast<double>(t.completed));
  t.goodput_per_s = per_s(static_cast<double>(good));
  t.quality_goodput_per_s = per_s(good_quality);
  t.latency_s = summarize_with_cdf(all_latency);
  if (t.completed)
    t.cost_per_success_usd = t.cost_usd / static_cast<double>(t.completed);
  if (quality_requests)
    t.mean_quality = quality_sum / static_cast<double>(quality_requests);
  t.selection = selection_quality(decisions, optimal, regret);
  r.effectiveness.objective = objective_name(s.amplification.objective);
  switch (s.amplification.objective) {
    case models::EffectivenessObjective::QUALITY_GOODPUT:
      r.effectiveness.value = t.quality_goodput_per_s;
      break;
    case models::EffectivenessObjective::GOODPUT:
      r.effectiveness.value = t.goodput_per_s;
      break;
    case models::EffectivenessObjective::GOODPUT_PER_USD:
      if (t.cost_usd > 0)
        r.effectiveness.value = static_cast<double>(good) / t.cost_usd;
      break;
  }

  if (st.series) {
    results::Series series;
    series.interval_s = st.series->get_interval_s();
    series.points = st.series->size();
    for (size_t c = 0; c < st.series->columns(); ++c)
      series.columns.emplace_back(st.series->get_name(c), st.series->get_column(c));
    r.series = std::move(series);
  }
  return r;
}

uint64_t default_memory_bound()
{
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? static_cast<uint64_t>(pages) / 4 * 3 * static_cast<uint64_t>(page) : 0;
}

namespace {
/** One run in this process. */
results::RunResult run_here(const LoadedScenario& loaded, const RunLimits& limits)
{
  orchestrator::Simulation::Options options;
  options.max_events = limits.max_events;
  options.max_time_s = limits.max_sim_time_s;
  options.max_memory_bytes = limits.max_memory_bytes ? limits.max_memory_bytes : default_memory_bound();
  orchestrator::Simulation simulation(loaded.scenario, options);
  const auto start = std::chrono::steady_clock::now();
  const orchestrator::RunStats stats = simulation.run();
  if (stats.stalled)
    throw sim::InputError(sim::InputLocation{loaded.scenario.path, 0, 0, ""},
                          "simulated time stopped advancing (100 million events at one instant): the scenario "
                          "loops through zero-duration activities, e.g. a closed loop with zero think time "
                          "calling services with zero latency");
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  results::RunResult r = to_result(loaded.scenario, loaded.sha256, stats);
  r.host.wall_time_s = wall;
  r.host.events_per_wall_s = wall > 0 ? static_cast<double>(stats.events) / wall : 0.0;
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) == 0)
    r.host.hostname = name;
  r.host.cores = std::thread::hardware_concurrency();
  return r;
}
} // namespace

results::RunResult run(const LoadedScenario& loaded, const RunLimits& limits)
{
  const auto& platform = loaded.scenario.platform;
  if (platform.empty() || !sim::Platform::process_is_fresh())
    return run_here(loaded, limits); // a used SimGrid: works when its platform is this one (install() says)
  // SimGrid's platform is per process, sealed by the first run and inherited by forked children: the
  // run goes to a child, so that this process stays fresh for the next platform run and every platform
  // run starts its own SimGrid at clock 0 (byte-identical to a run in a new process).
  const auto docs = run_in_processes(
      1, 2, [&](size_t) { return results::to_json(run_here(loaded, limits)); }, // 2: in a child even for one piece
      [&](size_t) { return "the run of " + loaded.scenario.path; });
  return results::from_json(docs.front());
}

} // namespace orchsim::analysis
