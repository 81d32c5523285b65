#include "orchestrator/Simulation.hpp"

#include <cmath>

namespace orchsim::orchestrator {

using models::ArrivalProcess;

namespace {
sim::Engine::Options engine_options(const models::Scenario& s, const Simulation::Options& o)
{
  sim::Engine::Options e;
  e.sync = s.simulation.engine == models::EngineSync::LOCKSTEP ? sim::SyncMode::LOCKSTEP : sim::SyncMode::WINDOWED;
  e.max_events = o.max_events;
  e.max_time_s = o.max_time_s;
  return e;
}
} // namespace

Simulation::Simulation(const models::Scenario& scenario, Options options)
    : scenario_(scenario)
    , options_(options)
    , engine_(engine_options(scenario, options))
    , selector_(scenario.orchestrator.selection, sim::Rng(scenario.simulation.seed, "orchestrator/selection"))
{
  const uint64_t seed = scenario.simulation.seed;
  sources_.reserve(scenario.sources.size());
  for (const auto& src : scenario.sources)
    sources_.emplace_back(src, seed);

  std::vector<std::vector<uint32_t>> service_instances(scenario.services.size());
  for (uint32_t s = 0; s < scenario.services.size(); ++s) {
    const auto& svc = scenario.services[s];
    for (uint32_t i = 0; i < svc.instances; ++i) {
      service_instances[s].push_back(static_cast<uint32_t>(instances_.size()));
      instances_.push_back(Instance{s, 0, 0, {}, sim::Rng(seed, "instance/" + svc.name + "/" + std::to_string(i))});
    }
    ServiceStats st;
    st.name = svc.name;
    st.slots = svc.instances * svc.concurrency;
    stats_.services.push_back(std::move(st));
  }
  outstanding_.assign(instances_.size(), 0);
  busy_.assign(scenario.services.size(), 0);
  queued_.assign(scenario.services.size(), 0);

  for (uint32_t w = 0; w < scenario.workflows.size(); ++w) {
    const auto& wf = scenario.workflows[w];
    std::vector<StepPlan> plan(wf.steps.size());
    for (uint32_t k = 0; k < wf.steps.size(); ++k) {
      for (uint32_t s : wf.steps[k].candidates)
        plan[k].instances.insert(plan[k].instances.end(), service_instances[s].begin(), service_instances[s].end());
      for (uint32_t dep : wf.steps[k].after)
        plan[dep].dependents.push_back(k);
    }
    plans_.push_back(std::move(plan));
    WorkflowStats st;
    st.name = wf.name;
    st.slo = scenario.slos[w];
    stats_.workflows.push_back(std::move(st));
  }

  const auto& sim = scenario.simulation;
  if (sim.requests && !sim.warmup_s)
    warmup_requests_ = static_cast<uint64_t>(std::floor(sim.warmup_fraction * static_cast<double>(*sim.requests)));
}

Simulation::~Simulation() = default;

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

  stats_.end_s = engine_.run(*this);
  if (!window_closed_)
    close_window(); // a bound ended the run, or the arrivals ran out (trace)
  stats_.events = engine_.get_events_dispatched();
  stats_.simgrid_timers = engine_.get_simgrid_timers();
  stats_.truncated = engine_.is_truncated();
  stats_.stalled = engine_.is_stalled();
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
    case WINDOW_OPEN:
      open_window();
      break;
    case WINDOW_CLOSE:
      close_window();
      arrivals_stopped_ = true;
      break;
  }
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
  }
  for (auto& w : stats_.workflows)
    w.in_flight.start(now);
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
  }
  for (auto& w : stats_.workflows)
    w.in_flight.stop(now);
}

void Simulation::set_busy(uint32_t service, int delta)
{
  busy_[service] += delta;
  stats_.services[service].busy_slots.set(engine_.now_s(), busy_[service]);
}

void Simulation::set_queued(uint32_t service, int delta)
{
  queued_[service] += delta;
  stats_.services[service].queued.set(engine_.now_s(), queued_[service]);
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
  start_request(source, tokens, measured);
  if (last) {
    arrivals_stopped_ = true;
    close_window();
  }
}

void Simulation::start_request(uint32_t source, const models::CallTokens& tokens, bool measured)
{
  const uint32_t workflow = scenario_.sources[source].workflow;
  const auto& wf = scenario_.workflows[workflow];
  const uint32_t r = requests_.acquire();
  Request& req = requests_[r];
  req.source = source;
  req.workflow = workflow;
  req.steps_left = static_cast<uint32_t>(wf.steps.size());
  req.arrival_s = engine_.now_s();
  req.quality_sum = 0.0;
  req.quality_count = 0;
  req.measured = measured;
  req.steps.resize(wf.steps.size());
  auto& src = sources_[source];
  for (uint32_t k = 0; k < wf.steps.size(); ++k) {
    const auto& spec = wf.steps[k];
    StepState& st = req.steps[k];
    st.waiting = static_cast<uint32_t>(spec.after.size());
    st.status = StepStatus::WAITING;
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
  ws.in_flight.add(engine_.now_s(), 1.0);
  const uint32_t gen = req.gen;
  for (uint32_t k : wf.topological_order) {
    if (requests_[r].gen != gen)
      return; // a synchronous failure (a full queue) already ended the request
    if (requests_[r].steps[k].waiting == 0 && requests_[r].steps[k].status == StepStatus::WAITING)
      start_step(r, k);
  }
}

// ---- calls --------------------------------------------------------------------------------------

void Simulation::free_call(uint32_t call)
{
  ++calls_[call].gen; // stale timeouts for this slot are now ignored
  calls_.release(call);
}

bool Simulation::start_step(uint32_t request, uint32_t step)
{
  Request& req = requests_[request];
  StepPlan& plan = plans_[req.workflow][step];
  const uint32_t instance = selector_.pick(plan.instances, outstanding_, plan.cursor);
  Instance& inst = instances_[instance];
  const auto& svc = scenario_.services[inst.service];

  const uint32_t c = calls_.acquire();
  Call& call = calls_[c];
  call.request = request;
  call.step = step;
  call.instance = instance;
  call.service = inst.service;
  call.workflow = req.workflow;
  call.issued_s = engine_.now_s();
  call.tokens = req.steps[step].tokens;
  call.abandoned = false;
  call.measured = req.measured;
  call.error = false;
  req.steps[step].status = StepStatus::RUNNING;
  req.steps[step].call = c;
  auto& ss = stats_.services[inst.service];
  if (call.measured)
    ++ss.offered;

  if (inst.busy < svc.concurrency) {
    ++outstanding_[instance];
    begin_service(c);
  } else if (svc.queue_capacity && inst.queued >= *svc.queue_capacity) {
    if (call.measured)
      ++ss.failed.rejected;
    free_call(c);
    step_finished(request, step, Outcome::REJECTED);
    return false;
  } else {
    ++outstanding_[instance];
    call.status = CallStatus::QUEUED;
    inst.queue.push_back(c);
    ++inst.queued;
    set_queued(inst.service, +1);
  }
  const double timeout = scenario_.orchestrator.call_timeout_s;
  if (std::isfinite(timeout))
    engine_.schedule(engine_.now_s() + timeout, CALL_TIMEOUT, c, calls_[c].gen);
  return true;
}

void Simulation::begin_service(uint32_t c)
{
  Call& call = calls_[c];
  Instance& inst = instances_[call.instance];
  const auto& svc = scenario_.services[call.service];
  call.status = CallStatus::IN_SERVICE;
  ++inst.busy;
  set_busy(call.service, +1);
  const double service_s = svc.latency->sample_s(call.tokens, inst.rng);
  if (svc.error_probability > 0)
    call.error = inst.rng.uniform() < svc.error_probability;
  engine_.schedule(engine_.now_s() + service_s, CALL_DONE, c);
}

void Simulation::on_call_done(uint32_t c)
{
  const double now = engine_.now_s();
  Call& call = calls_[c];
  const uint32_t instance = call.instance;
  Instance& inst = instances_[instance];
  const auto& svc = scenario_.services[call.service];
  auto& ss = stats_.services[call.service];

  // The slot is free: the next live call in the queue takes it.
  --inst.busy;
  set_busy(call.service, -1);
  while (!inst.queue.empty()) {
    const uint32_t next = inst.queue.front();
    inst.queue.pop_front();
    if (calls_[next].status == CallStatus::CANCELED) {
      free_call(next);
      continue;
    }
    --inst.queued;
    set_queued(call.service, -1);
    begin_service(next);
    break;
  }

  const double cost = svc.cost.per_call_usd + svc.cost.per_input_token_usd * call.tokens.input +
                      svc.cost.per_output_token_usd * call.tokens.output;
  if (call.measured) {
    ++ss.served;
    ss.cost_usd += cost;
    stats_.workflows[call.workflow].cost_usd += cost; // paid even when nobody waits for the answer
  }
  if (call.abandoned) {
    free_call(c);
    return;
  }
  --outstanding_[instance];
  const uint32_t request = call.request;
  const uint32_t step = call.step;
  const bool error = call.error;
  if (call.measured) {
    if (error)
      ++ss.failed.error;
    else {
      ++ss.completed;
      ss.latency_s.record(now - call.issued_s);
    }
  }
  free_call(c);
  if (!error && svc.quality) {
    requests_[request].quality_sum += *svc.quality;
    ++requests_[request].quality_count;
  }
  step_finished(request, step, error ? Outcome::ERROR : Outcome::SUCCESS);
}

void Simulation::on_call_timeout(uint32_t c)
{
  Call& call = calls_[c];
  if (call.abandoned)
    return;
  call.abandoned = true;
  --outstanding_[call.instance];
  if (call.measured)
    ++stats_.services[call.service].failed.timeout;
  if (call.status == CallStatus::QUEUED) {
    call.status = CallStatus::CANCELED; // leaves the queue; the slot is freed when it reaches the head
    --instances_[call.instance].queued;
    set_queued(call.service, -1);
  }
  step_finished(call.request, call.step, Outcome::TIMEOUT);
}

// ---- requests -----------------------------------------------------------------------------------

void Simulation::step_finished(uint32_t request, uint32_t step, Outcome outcome)
{
  Request& req = requests_[request];
  const auto& spec = scenario_.workflows[req.workflow].steps[step];
  if (outcome != Outcome::SUCCESS && !spec.optional) {
    req.steps[step].status = StepStatus::DONE;
    fail_request(request, outcome);
    return;
  }
  req.steps[step].status = StepStatus::DONE;
  if (--req.steps_left == 0) {
    auto& ws = stats_.workflows[req.workflow];
    if (req.measured) {
      const double latency = engine_.now_s() - req.arrival_s;
      ++ws.completed;
      ws.latency_s.record(latency);
      if (!ws.slo || latency <= ws.slo->latency_s)
        ++ws.good;
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
    if (--st.waiting == 0 && st.status == StepStatus::WAITING)
      start_step(request, d);
  }
}

void Simulation::fail_request(uint32_t request, Outcome cause)
{
  Request& req = requests_[request];
  for (auto& st : req.steps) {
    if (st.status != StepStatus::RUNNING)
      continue;
    Call& call = calls_[st.call];
    if (call.abandoned)
      continue;
    call.abandoned = true;
    --outstanding_[call.instance];
    if (call.measured)
      ++stats_.services[call.service].canceled;
    if (call.status == CallStatus::QUEUED) {
      call.status = CallStatus::CANCELED;
      --instances_[call.instance].queued;
      set_queued(call.service, -1);
    }
    st.status = StepStatus::DONE;
  }
  if (req.measured) {
    auto& failed = stats_.workflows[req.workflow].failed;
    switch (cause) {
      case Outcome::ERROR:
        ++failed.error;
        break;
      case Outcome::TIMEOUT:
        ++failed.timeout;
        break;
      case Outcome::REJECTED:
        ++failed.rejected;
        break;
      case Outcome::SUCCESS:
        break;
    }
  }
  finish_request(request);
}

void Simulation::finish_request(uint32_t request)
{
  Request& req = requests_[request];
  stats_.workflows[req.workflow].in_flight.add(engine_.now_s(), -1.0);
  const uint32_t source = req.source;
  ++req.gen;
  requests_.release(request);
  auto& src = sources_[source];
  if (src.is_closed_loop() && !arrivals_stopped_)
    engine_.schedule(engine_.now_s() + src.draw_think_s(), ARRIVAL, source);
}

} // namespace orchsim::orchestrator
