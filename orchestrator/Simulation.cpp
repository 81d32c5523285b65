// orchestrator/Simulation.cpp: set-up, arrivals, the workflow DAG of each request, the measurement
// window. The call path (selection, queues, coordination) is in SimulationCalls.cpp.
#include "orchestrator/Simulation.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace orchsim::orchestrator {

namespace {

sim::Engine::Options engine_options(const models::Scenario& s, const Simulation::Options& o)
{
  sim::Engine::Options e;
  e.sync = s.simulation.engine == models::EngineSync::LOCKSTEP ? sim::SyncMode::LOCKSTEP : sim::SyncMode::WINDOWED;
  // SimGrid activities (transfers with contention, executions) end at instants only SimGrid knows: the
  // calendar must not run ahead of its clock.
  if (s.uses_simgrid_activities())
    e.sync = sim::SyncMode::LOCKSTEP;
  e.max_events = o.max_events;
  e.max_time_s = o.max_time_s;
  e.max_memory_bytes = o.max_memory_bytes;
  return e;
}

} // namespace

Simulation::Simulation(const models::Scenario& scenario, Options options)
    : scenario_(scenario)
    , options_(options)
    , engine_(engine_options(scenario, options))
    , coordination_rng_(scenario.simulation.seed, "orchestrator/coordination")
    , backoff_(scenario.orchestrator.retry.backoff)
{
  const uint64_t seed = scenario.simulation.seed;
  sources_.reserve(scenario.sources.size());
  for (const auto& src : scenario.sources)
    sources_.emplace_back(src, seed);
  source_requests_.assign(scenario.sources.size(), 0);
  draw_seed_ = sim::Rng::mix(seed, sim::Rng::hash_name("calls"));

  const auto& orch = scenario.orchestrator;
  services_.resize(scenario.services.size());
  for (uint32_t s = 0; s < scenario.services.size(); ++s) {
    const auto& svc = scenario.services[s];
    ServiceState& state = services_[s];
    state.first_instance = static_cast<uint32_t>(instances_.size());
    if (orch.circuit_breaker)
      state.breaker.emplace(*orch.circuit_breaker);
    if (svc.rate_limit)
      state.rate_limit.emplace(*svc.rate_limit);
    if (orch.concurrency_limit)
      state.concurrency = capacity::make_concurrency_limit(*orch.concurrency_limit);
    state.allocated = svc.autoscaling ? svc.autoscaling->get_max() : svc.instances;
    if (orch.outlier_detection)
      state.outliers.emplace(state.allocated, *orch.outlier_detection);
    if (svc.autoscaling) {
      const auto& scaling = *svc.autoscaling;
      if (const auto* hpa = std::get_if<models::HpaOptions>(&scaling.policy)) {
        state.hpa.emplace(*hpa);
        state.period_busy.start(0.0); // the first sync period is measured from the start, not read as idle
        if (scaling.target_tuning) {
          state.tuner.emplace(*scaling.target_tuning, hpa->target_value);
          state.period_latency = std::make_unique<sim::Histogram>();
        }
      } else if (const auto* predictive = std::get_if<models::PredictiveScalingOptions>(&scaling.policy)) {
        if (!offered_load_)
          offered_load_ = models::compute_offered_load(scenario);
        const auto tokens = offered_load_->services[s].mean_tokens.value_or(models::CallTokens{});
        const double prior_s = models::nominal_service_s(svc, tokens).value_or(1.0);
        state.predictive.emplace(*predictive, svc.concurrency, scaling.cold_start_s, prior_s > 0 ? prior_s : 1.0);
        state.period_busy.start(0.0);
      } else {
        state.kpa.emplace(std::get<models::KnativeOptions>(scaling.policy));
      }
    }
    for (uint32_t i = 0; i < state.allocated; ++i) {
      Instance inst;
      inst.service = s;
      inst.life = i < svc.instances ? Instance::Life::ACTIVE : Instance::Life::INACTIVE;
      if (svc.batching)
        inst.batcher = std::make_unique<models::ContinuousBatcher>(*svc.batching);
      instances_.push_back(std::move(inst));
    }
    ServiceStats st;
    st.name = svc.name;
    st.slots = svc.instances * svc.concurrency;
    st.instances = svc.instances;
    st.up_instances.set(0.0, svc.instances);
    st.provisioned.set(0.0, svc.instances);
    st.ready_slots.set(0.0, static_cast<double>(svc.instances) * svc.concurrency);
    st.instance_hour_usd = svc.autoscaling ? svc.autoscaling->instance_hour_usd : 0.0;
    if (svc.batching)
      st.batching = ServiceStats::Batching{}; // not emplace(): clang finds the nested struct not default-constructible
    state.up_instances = svc.instances;
    stats_.services.push_back(std::move(st));
  }
  busy_.assign(scenario.services.size(), 0);
  queued_.assign(scenario.services.size(), 0);
  setup_platform(); // placement first: locality-aware selectors are built with it

  for (uint32_t w = 0; w < scenario.workflows.size(); ++w) {
    const auto& wf = scenario.workflows[w];
    std::vector<StepPlan> plan(wf.steps.size());
    for (uint32_t k = 0; k < wf.steps.size(); ++k) {
      plan[k].pool = pool_for(wf.steps[k].candidates);
      if (wf.steps[k].fallback)
        plan[k].fallback_pool = pool_for({*wf.steps[k].fallback});
      if (wf.steps[k].cascade_threshold) {
        std::vector<uint32_t> by_cost = wf.steps[k].candidates;
        std::stable_sort(by_cost.begin(), by_cost.end(),
                         [&](uint32_t a, uint32_t b) { return expected_cost_usd(a) < expected_cost_usd(b); });
        for (uint32_t svc : by_cost)
          plan[k].cascade_pools.push_back(pool_for({svc}));
      }
      for (uint32_t dep : wf.steps[k].after)
        plan[dep].dependents.push_back(k);
    }
    plans_.push_back(std::move(plan));
    WorkflowStats st;
    st.name = wf.name;
    st.slo = scenario.slos[w];
    stats_.workflows.push_back(std::move(st));
  }

  setup_series();
  const auto& sim = scenario.simulation;
  if (sim.requests && !sim.warmup_s)
    warmup_requests_ = static_cast<uint64_t>(std::floor(sim.warmup_fraction * static_cast<double>(*sim.requests)));
}

Simulation::~Simulation() = default;

/** The cost of one call to `service` at the mean tokens it is offered. */
double Simulation::expected_cost_usd(uint32_t service)
{
  if (!offered_load_)
    offered_load_ = models::compute_offered_load(scenario_);
  const auto& spec = scenario_.services[service];
  const auto tokens = offered_load_->services[service].mean_tokens.value_or(models::CallTokens{});
  return spec.cost.per_call_usd + spec.cost.per_input_token_usd * tokens.input +
         spec.cost.per_output_token_usd * tokens.output;
}

/** The pool of a set of candidate services, made on first use: steps naming the same services share
 *  one selector (and so one view of the instances' load). */
uint32_t Simulation::pool_for(const std::vector<uint32_t>& services)
{
  for (uint32_t p = 0; p < pools_.size(); ++p)
    if (pools_[p].services == services)
      return p;
  const auto p = static_cast<uint32_t>(pools_.size());
  const auto& s = scenario_;
  if (!offered_load_)
    offered_load_ = models::compute_offered_load(s);
  const auto& load = *offered_load_;
  std::vector<PoolMember> members;
  uint32_t first_instance = 0;
  std::vector<uint32_t> service_first(s.services.size());
  for (uint32_t i = 0; i < s.services.size(); ++i) {
    service_first[i] = first_instance;
    first_instance += services_[i].allocated;
  }
  for (uint32_t svc : services) {
    const auto& spec = s.services[svc];
    const models::CallTokens tokens = load.services[svc].mean_tokens.value_or(models::CallTokens{});
    PoolMember m;
    m.service = svc;
    m.weight = spec.weight;
    m.expected_latency_s = spec.latency ? spec.latency->mean_s(tokens).value_or(1.0) : mean_service_s(svc, tokens);
    m.expected_cost_usd = expected_cost_usd(svc);
    m.quality = spec.quality.value_or(0.0);
    m.concurrency = spec.concurrency;
    services_[svc].mean_service_s = m.expected_latency_s;
    services_[svc].mean_output_tokens = tokens.output;
    for (uint32_t i = 0; i < services_[svc].allocated; ++i) {
      m.instance = service_first[svc] + i;
      if (platform_ != nullptr) {
        m.zone = platform_->get_hosts()[instances_[m.instance].host].zone;
        m.region = platform_->region_of_host(instances_[m.instance].host);
      }
      members.push_back(m);
      instances_[m.instance].pools.push_back(p);
    }
  }
  std::string name = "orchestrator/selection";
  for (uint32_t svc : services)
    name += "/" + s.services[svc].name;
  CandidatePool pool;
  pool.services = services;
  SelectorEnvironment environment;
  environment.truth = this;
  environment.workflows = static_cast<uint32_t>(s.workflows.size());
  pool.selector =
      make_selector(s.orchestrator.selection, members, sim::Rng(s.simulation.seed, name), environment);
  const auto& retry = s.orchestrator.retry;
  if (retry.budget)
    pool.budget.emplace(*retry.budget);
  if (retry.throttle)
    pool.throttle.emplace(*retry.throttle);
  if (s.orchestrator.adaptive_timeout)
    pool.timeout.emplace(*s.orchestrator.adaptive_timeout);
  if (s.orchestrator.hedge.max_extra > 0 && s.orchestrator.hedge.percentile) {
    coordination::QuantileTracker::Options o;
    o.min_samples = s.orchestrator.hedge.min_samples;
    pool.latency.emplace(o);
  }
  for (uint32_t svc : services)
    pool.members += services_[svc].allocated;
  if (learns_.size() < instances_.size())
    learns_.resize(instances_.size(), 0);
  if (pool.selector->learns())
    for (uint32_t svc : services)
      for (uint32_t i = 0; i < services_[svc].allocated; ++i)
        learns_[service_first[svc] + i] = 1;
  pools_.push_back(std::move(pool));
  for (uint32_t svc : services) // instances not provisioned yet (autoscaling) cannot be picked
    for (uint32_t i = 0; i < services_[svc].allocated; ++i)
      if (instances_[service_first[svc] + i].life != Instance::Life::ACTIVE)
        pools_[p].selector->set_available(service_first[svc] + i, false);
  return p;
}

RunStats Simulation::run()
{
  const auto& sim = scenario_.simulation;
  // The window opens before any arrival at the same instant (equal times fire in scheduling order).
  double warmup_s = 0.0;
  if (sim.warmup_s)
    warmup_s = *sim.warmup_s;
  else if (sim.duration_s)
    warmup_s = sim.warmup_fraction * *sim.duration_s;
  if (sim.duration_s || sim.warmup_s)
    engine_.schedule(warmup_s, WINDOW_OPEN, 0);
  else if (warmup_requests_ == 0)
    open_window(); // at time 0: the first request is measured
  for (uint32_t s = 0; s < sources_.size(); ++s) {
    auto& src = sources_[s];
    if (src.is_closed_loop()) {
      has_closed_loop_ = true;
      for (uint32_t u = 0; u < src.get_users(); ++u)
        engine_.schedule(src.draw_think_s(), ARRIVAL, s);
    } else if (auto first = src.first_arrival_s()) {
      ++open_sources_left_;
      engine_.schedule(*first, ARRIVAL, s);
    }
  }
  if (sim.duration_s)
    engine_.schedule(*sim.duration_s, WINDOW_CLOSE, 0);
  if (stats_.series)
    engine_.schedule(stats_.series->get_interval_s(), SERIES_TICK, 0);
  for (uint32_t f = 0; f < scenario_.faults.size(); ++f) {
    const auto& fault = scenario_.faults[f];
    engine_.schedule(fault.start_s, FAULT_START, f);
    if (std::isfinite(fault.duration_s))
      engine_.schedule(fault.start_s + fault.duration_s, FAULT_END, f);
  }
  for (uint32_t s = 0; s < services_.size(); ++s) {
    if (services_[s].hpa)
      engine_.schedule(services_[s].hpa->get_options().sync_period_s, AUTOSCALE, s);
    if (services_[s].kpa)
      engine_.schedule(1.0, AUTOSCALE, s); // Knative scrapes concurrency once a second
    if (services_[s].predictive)
      engine_.schedule(services_[s].predictive->get_options().interval_s, AUTOSCALE, s);
  }
  for (uint32_t s = 0; s < services_.size(); ++s)
    if (services_[s].outliers)
      engine_.schedule(services_[s].outliers->get_next_tick_s(), OUTLIER_TICK, s);

  stats_.end_s = engine_.run(*this);
  if (!window_closed_)
    close_window(); // a bound ended the run, or the arrivals ran out (trace)
  stats_.events = engine_.get_events_dispatched();
  stats_.simgrid_timers = engine_.get_simgrid_timers();
  stats_.truncated = engine_.is_truncated();
  stats_.lockstep = engine_options(scenario_, options_).sync == sim::SyncMode::LOCKSTEP;
  stats_.stalled = engine_.is_stalled();
  stats_.interrupted = engine_.is_interrupted();
  stats_.out_of_memory = engine_.is_out_of_memory();
  stats_.arrivals = arrivals_;
  return std::move(stats_);
}

void Simulation::on_event(const sim::Event& event)
{
  switch (event.kind) {
    case ARRIVAL:
      on_arrival(event.id);
      break;
    case CALL_DONE:
      on_call_done(event.id);
      break;
    case CALL_TIMEOUT:
      if (calls_[event.id].gen == event.gen)
        on_call_timeout(event.id);
      break;
    case RETRY:
    case HEDGE: {
      // aux = step | timer generation << 16: a timer outlives neither its request nor its try.
      const uint32_t step = event.aux & 0xffff;
      const Request& req = requests_[event.id];
      if (req.gen != event.gen || (req.steps[step].timer_gen & 0xffff) != event.aux >> 16)
        break;
      if (event.kind == RETRY)
        on_retry_timer(event.id, step);
      else
        on_hedge_timer(event.id, step);
      break;
    }
    case DEADLINE:
      if (requests_[event.id].gen == event.gen)
        on_deadline(event.id);
      break;
    case FAULT_START:
    case FAULT_END:
      on_fault(event.id, event.kind == FAULT_START);
      break;
    case AUTOSCALE:
      on_autoscale(event.id);
      break;
    case INSTANCE_READY:
      on_instance_ready(event.id, event.gen);
      break;
    case SERIES_TICK:
      on_series_tick();
      break;
    case BREAKER_CHECK:
      on_breaker_check(event.id);
      break;
    case OUTLIER_TICK:
      on_outlier_tick(event.id);
      break;
    case WINDOW_OPEN:
      open_window();
      break;
    case REQUEST_ARRIVED:
      if (calls_[event.id].gen == event.gen) {
        if (calls_[event.id].measured && stats_.network)
          stats_.network->transfer_s.record(engine_.now_s() - calls_[event.id].sent_s);
        arrive(event.id);
      }
      break;
    case RESPONSE_ARRIVED:
      if (calls_[event.id].gen == event.gen)
        on_response_arrived(event.id);
      break;
    case BATCH_STEP:
      on_batch_step(event.id, event.gen);
      break;
    case WINDOW_CLOSE:
      close_window();
      arrivals_stopped_ = true;
      break;
  }
}

// ---- time series --------------------------------------------------------------------------------

void Simulation::setup_series()
{
  const auto& sim = scenario_.simulation;
  if (sim.series_interval_s <= 0)
    return;
  stats_.series.emplace(sim.series_interval_s, sim.series_max_points);
  auto& series = *stats_.series;
  using M = sim::TimeSeries::Merge;
  for (const auto& w : scenario_.workflows) {
    const std::string p = "workflows." + w.name + ".";
    series.add_column(p + "arrivals", M::SUM);
    series.add_column(p + "completed", M::SUM);
    series.add_column(p + "failed", M::SUM);
    for (int c = 0; c < models::FAILURE_CAUSES; ++c)
      series.add_column(p + "failures." + models::to_string(static_cast<Cause>(c)), M::SUM);
    series.add_column(p + "p50_s", M::MEAN);
    series.add_column(p + "p99_s", M::MAX);
    series.add_column(p + "in_flight", M::MEAN);
    series.add_column(p + "decisions", M::SUM);
    series.add_column(p + "optimal_picks", M::SUM);
    if (scenario_.orchestrator.adaptive_timeout)
      series.add_column(p + "timeout_s", M::MEAN);
  }
  for (const auto& s : scenario_.services) {
    const std::string p = "services." + s.name + ".";
    series.add_column(p + "offered", M::SUM);
    series.add_column(p + "completed", M::SUM);
    series.add_column(p + "failed", M::SUM);
    series.add_column(p + "queue", M::MEAN);
    series.add_column(p + "busy", M::MEAN);
    series.add_column(p + "up_instances", M::MEAN);
    series.add_column(p + "instances", M::MEAN);
    series.add_column(p + "breaker_open", M::MAX);
  }
  for (uint32_t s = 0; s < scenario_.services.size(); ++s) {
    const std::string p = "services." + scenario_.services[s].name + ".";
    if (services_[s].tuner)
      series.add_column(p + "target", M::MEAN);
    if (services_[s].predictive)
      series.add_column(p + "forecast_per_s", M::MEAN);
  }
  interval_workflows_.resize(scenario_.workflows.size());
  if (scenario_.orchestrator.adaptive_timeout)
    for (auto& iw : interval_workflows_)
      iw.last_timeout_s = scenario_.orchestrator.adaptive_timeout->max_s; // before any answer
  interval_services_.resize(scenario_.services.size());
  series_row_.resize(series.columns());
}

/** Closes an interval: counts since the last tick, percentiles of the latencies completed in it, and
 *  gauges as they stand now. Ticks go on while requests arrive or are in flight. */
void Simulation::on_series_tick()
{
  auto& series = *stats_.series;
  size_t k = 0;
  for (uint32_t w = 0; w < interval_workflows_.size(); ++w) {
    auto& iw = interval_workflows_[w];
    series_row_[k++] = static_cast<double>(iw.arrivals);
    series_row_[k++] = static_cast<double>(iw.completed);
    series_row_[k++] = static_cast<double>(iw.failed.total());
    for (uint64_t n : iw.failed.by_cause)
      series_row_[k++] = static_cast<double>(n);
    series_row_[k++] = iw.latency_s.quantile(0.50);
    series_row_[k++] = iw.latency_s.quantile(0.99);
    series_row_[k++] = stats_.workflows[w].in_flight.get_level();
    series_row_[k++] = static_cast<double>(iw.decisions);
    series_row_[k++] = static_cast<double>(iw.optimal_picks);
    if (scenario_.orchestrator.adaptive_timeout) {
      if (iw.timeout_calls > 0)
        iw.last_timeout_s = iw.timeout_sum_s / static_cast<double>(iw.timeout_calls);
      series_row_[k++] = iw.last_timeout_s;
      iw.timeout_sum_s = 0.0;
      iw.timeout_calls = 0;
    }
    if (iw.latency_s.get_count() > 0)
      iw.latency_s.clear();
    iw.arrivals = iw.completed = iw.decisions = iw.optimal_picks = 0;
    iw.failed = FailureCounts{};
  }
  for (uint32_t s = 0; s < interval_services_.size(); ++s) {
    auto& is = interval_services_[s];
    series_row_[k++] = static_cast<double>(is.offered);
    series_row_[k++] = static_cast<double>(is.completed);
    series_row_[k++] = static_cast<double>(is.failed);
    series_row_[k++] = queued_[s];
    series_row_[k++] = busy_[s];
    series_row_[k++] = services_[s].up_instances;
    series_row_[k++] = stats_.services[s].provisioned.get_level();
    series_row_[k++] = services_[s].breaker_open ? 1.0 : 0.0;
    is = IntervalService{};
  }
  for (uint32_t s = 0; s < services_.size(); ++s) {
    if (services_[s].tuner)
      series_row_[k++] = services_[s].tuner->get_target();
    if (services_[s].predictive)
      series_row_[k++] = services_[s].predictive->get_forecast_per_s();
  }
  series.append(series_row_);
  if (!arrivals_stopped_ || active_requests_ > 0)
    engine_.schedule(static_cast<double>(series.size() + 1) * series.get_interval_s(), SERIES_TICK, 0);
}

// ---- measurement window -------------------------------------------------------------------------

void Simulation::open_window()
{
  if (window_open_ || window_closed_)
    return;
  const double now = engine_.now_s();
  window_open_ = true;
  stats_.window_start_s = now;
  for (auto& s : stats_.services) {
    s.busy_slots.start(now);
    s.queued.start(now);
    s.up_instances.start(now);
    s.provisioned.start(now);
    s.ready_slots.start(now);
  }
  for (auto& w : stats_.workflows)
    w.in_flight.start(now);
  stats_.in_flight_quarters.start(now);
}

void Simulation::close_window()
{
  if (window_closed_)
    return;
  const double now = engine_.now_s();
  if (!window_open_)
    open_window();
  window_closed_ = true;
  stats_.window_end_s = now;
  for (auto& s : stats_.services) {
    s.busy_slots.stop(now);
    s.queued.stop(now);
    s.up_instances.stop(now);
    s.provisioned.stop(now);
    s.ready_slots.stop(now);
  }
  for (auto& w : stats_.workflows)
    w.in_flight.stop(now);
  stats_.in_flight_quarters.stop(now);
}

// ---- arrivals -----------------------------------------------------------------------------------

void Simulation::on_arrival(uint32_t source)
{
  if (arrivals_stopped_)
    return;
  const auto& sim = scenario_.simulation;
  const double now = engine_.now_s();
  auto& src = sources_[source];
  const uint64_t index = arrivals_++;
  if (sim.requests && index == warmup_requests_ && !sim.warmup_s)
    open_window();
  const models::CallTokens tokens = src.draw_tokens();
  const uint64_t key = src.draw_key(index);
  if (options_.arrival_log)
    options_.arrival_log->push_back(ArrivalRecord{source, now, tokens});
  const bool measured = window_open_ && !window_closed_;
  bool ended = false; // every source has run out of requests (a trace without loop)
  if (!src.is_closed_loop()) {
    if (auto next = src.next_arrival_s(now))
      engine_.schedule(*next, ARRIVAL, source);
    else
      ended = --open_sources_left_ == 0 && !has_closed_loop_;
  }
  const bool last = ended || (sim.requests && arrivals_ >= *sim.requests);
  start_request(source, tokens, key, measured);
  if (last) {
    arrivals_stopped_ = true;
    close_window();
  }
}

void Simulation::start_request(uint32_t source, const models::CallTokens& tokens, uint64_t key, bool measured)
{
  const uint32_t workflow = scenario_.sources[source].workflow;
  const auto& wf = scenario_.workflows[workflow];
  const double now = engine_.now_s();
  const uint32_t r = requests_.acquire();
  Request& req = requests_[r];
  req.source = source;
  req.workflow = workflow;
  req.steps_left = static_cast<uint32_t>(wf.steps.size());
  req.arrival_s = now;
  req.deadline_s = now + scenario_.orchestrator.deadline_s;
  req.arrival_key = key;
  req.draw_base = sim::Rng::mix(sim::Rng::mix(draw_seed_, source), source_requests_[source]++);
  req.quality_sum = 0.0;
  req.quality_count = 0;
  req.measured = measured;
  req.origin = source_hosts_.empty() ? 0 : source_hosts_[source];
  req.steps.resize(wf.steps.size());
  auto& src = sources_[source];
  for (uint32_t k = 0; k < wf.steps.size(); ++k) {
    const auto& spec = wf.steps[k];
    StepState& st = req.steps[k];
    st = StepState{};
    st.waiting = static_cast<uint32_t>(spec.after.size());
    st.tokens = tokens;
    // Per-step sizes are drawn at arrival, in step order, so they never depend on scheduling.
    if (spec.input_tokens)
      st.tokens.input = std::round(src.draw(*spec.input_tokens));
    if (spec.output_tokens)
      st.tokens.output = std::round(src.draw(*spec.output_tokens));
  }
  auto& ws = stats_.workflows[workflow];
  if (measured)
    ++ws.offered;
  if (stats_.series)
    ++interval_workflows_[workflow].arrivals;
  ws.in_flight.add(now, 1.0);
  stats_.in_flight_quarters.add(now, 1.0);
  ++active_requests_;
  if (std::isfinite(req.deadline_s))
    engine_.schedule(req.deadline_s, DEADLINE, r, req.gen);
  const uint32_t gen = req.gen;
  for (uint32_t k : wf.topological_order) {
    if (requests_[r].gen != gen)
      return; // an immediate failure (a full queue, nothing available) already ended the request
    StepState& st = requests_[r].steps[k];
    if (st.waiting == 0 && st.status == StepStatus::WAITING) {
      st.status = StepStatus::RUNNING;
      issue_call(r, k, CallKind::FIRST);
    }
  }
}

// ---- steps and requests -------------------------------------------------------------------------

void Simulation::step_succeeded(uint32_t request, uint32_t step)
{
  Request& req = requests_[request];
  req.steps[step].status = StepStatus::DONE;
  ++req.steps[step].timer_gen;
  abandon_step_calls(request, step); // lost hedges
  if (--req.steps_left == 0) {
    auto& ws = stats_.workflows[req.workflow];
    if (stats_.series) {
      auto& iw = interval_workflows_[req.workflow];
      ++iw.completed;
      iw.latency_s.record(engine_.now_s() - req.arrival_s);
    }
    if (req.measured) {
      const double latency = engine_.now_s() - req.arrival_s;
      ++ws.completed;
      ws.latency_s.record(latency);
      if (!ws.slo || latency <= ws.slo->latency_s) {
        ++ws.good;
        ws.good_quality += req.quality_count > 0 ? req.quality_sum / req.quality_count : 1.0;
      }
      if (req.quality_count > 0) {
        ws.quality_sum += req.quality_sum / req.quality_count;
        ++ws.quality_requests;
      }
    }
    finish_request(request);
    return;
  }
  const uint32_t gen = req.gen;
  for (uint32_t d : plans_[req.workflow][step].dependents) {
    if (requests_[request].gen != gen)
      return;
    StepState& st = requests_[request].steps[d];
    if (--st.waiting == 0 && st.status == StepStatus::WAITING) {
      st.status = StepStatus::RUNNING;
      issue_call(request, d, CallKind::FIRST);
    }
  }
}

void Simulation::step_failed(uint32_t request, uint32_t step, Cause cause)
{
  const auto& spec = scenario_.workflows[requests_[request].workflow].steps[step];
  if (!spec.optional) {
    requests_[request].steps[step].status = StepStatus::DONE;
    fail_request(request, cause);
    return;
  }
  step_succeeded(request, step); // an optional step's failure counts as done
}

void Simulation::fail_request(uint32_t request, Cause cause)
{
  Request& req = requests_[request];
  for (uint32_t k = 0; k < req.steps.size(); ++k) {
    ++req.steps[k].timer_gen;
    abandon_step_calls(request, k);
    req.steps[k].status = StepStatus::DONE;
  }
  if (req.measured)
    ++stats_.workflows[req.workflow].failed[cause];
  if (stats_.series)
    ++interval_workflows_[req.workflow].failed[cause];
  finish_request(request);
}

void Simulation::on_deadline(uint32_t request)
{
  fail_request(request, Cause::TIMEOUT);
}

void Simulation::finish_request(uint32_t request)
{
  Request& req = requests_[request];
  stats_.workflows[req.workflow].in_flight.add(engine_.now_s(), -1.0);
  stats_.in_flight_quarters.add(engine_.now_s(), -1.0);
  --active_requests_;
  const uint32_t source = req.source;
  ++req.gen; // pending timers and the deadline of this request are now stale
  requests_.release(request);
  auto& src = sources_[source];
  if (src.is_closed_loop() && !arrivals_stopped_)
    engine_.schedule(engine_.now_s() + src.draw_think_s(), ARRIVAL, source);
}

} // namespace orchsim::orchestrator
