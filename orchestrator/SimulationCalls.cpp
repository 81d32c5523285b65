// orchestrator/SimulationCalls.cpp: the call path of a step — selection, instance queues and service,
// and coordination: per-try timeout, retries (backoff, budget, throttling), hedged copies, fallback.
#include <algorithm>
#include <cmath>

#include "orchestrator/Simulation.hpp"

namespace orchsim::orchestrator {

// ---- issuing a call -----------------------------------------------------------------------------

void Simulation::issue_call(uint32_t request, uint32_t step, CallKind kind)
{
  Request& req = requests_[request];
  StepState& st = req.steps[step];
  const uint32_t p = current_pool(request, step);
  CandidatePool& pool = pools_[p];
  const double now = engine_.now_s();
  if (kind != CallKind::HEDGE) {
    ++st.tries;
    st.try_started_s = now;
  }
  auto& ws = stats_.workflows[req.workflow];
  if (req.measured) {
    ++ws.calls;
    ws.retries += kind == CallKind::RETRY;
    ws.hedges += kind == CallKind::HEDGE;
    ws.fallbacks += kind == CallKind::FALLBACK;
  }

  PickContext context{now, req.arrival_key, st.tokens, req.workflow};
  if (platform_ != nullptr) {
    pick_origin_ = req.origin;
    context.origin_zone = platform_->get_hosts()[req.origin].zone;
    context.origin_region = platform_->region_of_host(req.origin);
  }
  uint32_t instance = pool.selector->pick(context);
  // A half-open breaker whose probes are all out refuses the call and withdraws its service: pick
  // again among the others (at most once per candidate service).
  for (size_t again = 0; instance != Selector::NONE && again < pool.services.size(); ++again) {
    ServiceState& state = services_[instances_[instance].service];
    if (!state.breaker || state.breaker_open || state.breaker->would_allow(now))
      break;
    withdraw(instances_[instance].service, true);
    instance = pool.selector->pick(context);
  }
  if (instance != Selector::NONE && (req.measured || stats_.series))
    judge_pick(p, instance, st.tokens, req.workflow, req.measured);
  if (instance == Selector::NONE) {
    if (kind == CallKind::RETRY && pool.budget)
      pool.budget->on_retry_end(); // granted, never started
    if (kind != CallKind::HEDGE)
      call_failed(request, step, Cause::CIRCUIT_OPEN);
    return;
  }
  Instance& inst = instances_[instance];
  auto& ss = stats_.services[inst.service];
  if (auto refused = admit(inst.service, st.tokens, now)) {
    if (req.measured)
      ++ss.offered;
    count_call_failure(inst.service, *refused, req.measured);
    if (kind == CallKind::RETRY && pool.budget)
      pool.budget->on_retry_end(); // granted, never started
    if (kind != CallKind::HEDGE)
      call_failed(request, step, *refused);
    return;
  }

  const uint32_t c = calls_.acquire();
  Call& call = calls_[c];
  call.request = request;
  call.step = step;
  call.instance = instance;
  call.service = inst.service;
  call.workflow = req.workflow;
  call.pool = p;
  call.issued_s = now;
  call.service_s = 0.0;
  call.price_multiplier = services_[inst.service].price_multiplier;
  // Common random numbers: the same call of the same request draws the same service time, error and
  // quality in every profile, whichever instance of the service serves it.
  call.draw_key = sim::Rng::mix(sim::Rng::mix(sim::Rng::mix(req.draw_base, step), st.calls_issued++), inst.service);
  call.tokens = st.tokens;
  call.outstanding_at_issue = inst.waiting++;
  call.kind = kind;
  call.abandoned = false;
  call.measured = req.measured;
  call.error = false;
  call.prev = NIL;
  call.next = st.head;
  if (st.head != NIL)
    calls_[st.head].prev = c;
  st.head = c;
  ++st.live;
  ++pool.active;
  ++services_[inst.service].in_flight;
  if (pool.budget && kind == CallKind::FIRST)
    pool.budget->on_request(now);
  notify_issue(instance, now);
  if (stats_.series)
    ++interval_services_[inst.service].offered;
  ++services_[inst.service].period_calls;
  if (call.measured) {
    ++ss.offered;
    ss.retries += kind == CallKind::RETRY;
    ss.hedges += kind == CallKind::HEDGE;
  }

  if (platform_ != nullptr)
    send(c, false); // it reaches the instance when its request has crossed the network
  else if (!arrive(c))
    return;
  double timeout = scenario_.orchestrator.call_timeout_s;
  if (pool.timeout) {
    timeout = pool.timeout->get_timeout_s();
    if (stats_.series) {
      auto& iw = interval_workflows_[requests_[request].workflow];
      iw.timeout_sum_s += timeout;
      ++iw.timeout_calls;
    }
  }
  if (std::isfinite(timeout))
    engine_.schedule(now + timeout, CALL_TIMEOUT, c, calls_[c].gen);
  if (kind != CallKind::HEDGE && scenario_.orchestrator.hedge.max_extra > requests_[request].steps[step].hedges)
    schedule_hedge(request, step);
}

/** The call reached its instance (at once without a platform, after its request's transfer with
 *  one): served when a slot is free, queued, or refused when the queue is full. */
bool Simulation::arrive(uint32_t c)
{
  Call& call = calls_[c];
  const uint32_t instance = call.instance;
  Instance& inst = instances_[instance];
  const auto& svc = scenario_.services[call.service];
  const double now = engine_.now_s();
  if (call.abandoned) { // the orchestrator stopped waiting while the request was on its way
    free_call(c);
    return false;
  }
  if (inst.down || inst.life == Instance::Life::INACTIVE) { // went down while the request travelled
    fail_now(c, Cause::ERROR);
    free_call(c);
    return false;
  }
  call.arrived_s = now;
  if (inst.busy < svc.concurrency) {
    begin_service(c);
  } else if (svc.queue_capacity && inst.queued >= *svc.queue_capacity) {
    // Refused at once (HTTP 503). Reported as abandoned, not as a 0 s answer: a fast refusal must not
    // look like a fast instance to latency-learning strategies (peak_ewma, capability_score).
    const uint32_t request = call.request;
    const uint32_t step = call.step;
    notify_abandon(instance, now);
    record_outcome(call, Cause::REJECTED, now);
    call_ended(call);
    unlink(c);
    count_call_failure(call.service, Cause::REJECTED, call.measured);
    if (pools_[call.pool].throttle)
      pools_[call.pool].throttle->on_failure();
    free_call(c);
    call_failed(request, step, Cause::REJECTED);
    return false;
  } else {
    call.status = CallStatus::QUEUED;
    inst.queue.push_back(c);
    ++inst.queued;
    set_queued(call.service, +1);
  }
  return true;
}

void Simulation::begin_service(uint32_t c)
{
  Call& call = calls_[c];
  Instance& inst = instances_[call.instance];
  const auto& svc = scenario_.services[call.service];
  call.status = CallStatus::IN_SERVICE;
  call.crashed = false;
  call.slot = static_cast<uint32_t>(inst.in_service.size());
  inst.in_service.push_back(c);
  ++inst.busy;
  set_busy(call.service, +1);
  const ServiceState& state = services_[call.service];
  sim::Rng rng(call.draw_key);
  call.started_s = engine_.now_s();
  if (svc.latency)
    call.service_s = svc.latency->sample_s(call.tokens, rng) * state.latency_multiplier;
  const double error_probability = state.error_probability.value_or(svc.error_probability);
  if (error_probability > 0)
    call.error = rng.uniform() < error_probability;
  if (svc.latency)
    engine_.schedule(engine_.now_s() + call.service_s, CALL_DONE, c);
  else
    start_work(c); // a SimGrid execution or a batching server's iterations
}

// ---- answers, timeouts --------------------------------------------------------------------------

void Simulation::on_call_done(uint32_t c)
{
  const double now = engine_.now_s();
  Call& call = calls_[c];
  const uint32_t instance = call.instance;
  Instance& inst = instances_[instance];
  const auto& svc = scenario_.services[call.service];
  auto& ss = stats_.services[call.service];

  if (call.crashed) { // already failed when its instance crashed; the slot was freed then
    free_call(c);
    return;
  }
  if (!svc.latency)
    call.service_s = now - call.started_s; // measured, not drawn: an execution or batch iterations
  // Out of the in-service list (swap with the last), and the slot is free: the next live call in the
  // queue takes it.
  const uint32_t moved = inst.in_service.back();
  inst.in_service[call.slot] = moved;
  calls_[moved].slot = call.slot;
  inst.in_service.pop_back();
  --inst.busy;
  set_busy(call.service, -1);
  if (inst.life == Instance::Life::DRAINING && inst.busy == 0 && inst.queued == 0)
    finish_draining(instance);
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

  const double cost = call_cost_usd(call);
  ServiceState& state = services_[call.service];
  if (state.predictive)
    state.predictive->observe_service_time(call.service_s);
  if (call.measured) {
    ++ss.served;
    ss.cost_usd += cost;
    auto& ws = stats_.workflows[call.workflow];
    ws.cost_usd += cost; // paid even when nobody waits for the answer
    if (call.abandoned) {
      ss.wasted_service_s += call.service_s;
      ws.wasted_service_s += call.service_s;
    }
    if (call.kind == CallKind::HEDGE) {
      ss.hedge_service_s += call.service_s;
      ws.hedge_service_s += call.service_s;
    }
  }
  if (call.abandoned) {
    free_call(c);
    return;
  }
  if (platform_ != nullptr)
    send(c, true); // the orchestrator has the answer when the response has crossed the network
  else
    answer(c);
}

double Simulation::call_cost_usd(const Call& call) const
{
  const auto& svc = scenario_.services[call.service];
  return (svc.cost.per_call_usd + svc.cost.per_input_token_usd * call.tokens.input +
          svc.cost.per_output_token_usd * call.tokens.output) *
         call.price_multiplier;
}

void Simulation::answer(uint32_t c)
{
  const double now = engine_.now_s();
  Call& call = calls_[c];
  const uint32_t instance = call.instance;
  auto& ss = stats_.services[call.service];
  ServiceState& state = services_[call.service];
  const double cost = call_cost_usd(call);
  const double latency = now - call.issued_s;
  const bool success = !call.error;
  notify_answer(instance, now, latency, success);
  notify_outcome(call, success ? CallOutcome::End::SUCCESS : CallOutcome::End::FAILURE, now, cost);
  record_outcome(call, success ? std::nullopt : std::optional<Cause>(Cause::ERROR), now);
  call_ended(call);
  CandidatePool& pool = pools_[call.pool];
  if (pool.throttle) {
    if (success)
      pool.throttle->on_success();
    else
      pool.throttle->on_failure();
  }
  if (pool.latency && success) // the try's latency as the step saw it: a winning hedge counts from the try's start
    pool.latency->record(now - requests_[call.request].steps[call.step].try_started_s);
  if (pool.timeout && success)
    pool.timeout->record(latency);
  if (state.period_latency && success)
    state.period_latency->record(latency);
  unlink(c);
  const uint32_t request = call.request;
  const uint32_t step = call.step;
  const uint32_t call_service = call.service;
  const uint64_t draw_key = call.draw_key;
  if (!success) {
    count_call_failure(call_service, Cause::ERROR, call.measured);
  } else {
    if (stats_.series)
      ++interval_services_[call_service].completed;
    if (call.measured) {
      ++ss.completed;
      ss.latency_s.record(latency);
    }
  }
  free_call(c);
  if (!success) {
    call_failed(request, step, Cause::ERROR);
    return;
  }
  sim::Rng quality_rng(sim::Rng::mix(draw_key, sim::Rng::hash_name("quality")));
  if (escalate(request, step, call_service, quality_rng))
    return;
  step_succeeded(request, step);
}

void Simulation::on_call_timeout(uint32_t c)
{
  Call& call = calls_[c];
  if (call.abandoned)
    return;
  CandidatePool& pool = pools_[call.pool];
  if (pool.throttle)
    pool.throttle->on_failure();
  count_call_failure(call.service, Cause::TIMEOUT, call.measured);
  const uint32_t request = call.request;
  const uint32_t step = call.step;
  record_outcome(call, Cause::TIMEOUT, engine_.now_s());
  abandon(c, false);
  notify_outcome(call, CallOutcome::End::TIMEOUT, engine_.now_s(), 0.0); // billed later, if ever served
  unlink(c);
  call_failed(request, step, Cause::TIMEOUT);
}

// ---- coordination: retries, fallback, hedging, cascades -----------------------------------------

uint32_t Simulation::current_pool(uint32_t request, uint32_t step) const
{
  const Request& req = requests_[request];
  const StepState& st = req.steps[step];
  const StepPlan& plan = plans_[req.workflow][step];
  if (st.on_fallback)
    return plan.fallback_pool;
  if (!plan.cascade_pools.empty())
    return plan.cascade_pools[st.cascade_level];
  return plan.pool;
}

/** Scores the answer: a cascade step draws the answer's quality from the service's quality model and
 *  escalates to the next (costlier) service while it is below the threshold; other steps take the
 *  service's mean quality. The step's quality is its last answer's. */
bool Simulation::escalate(uint32_t request, uint32_t step, uint32_t service, sim::Rng& rng)
{
  Request& req = requests_[request];
  StepState& st = req.steps[step];
  const auto& svc = scenario_.services[service];
  const auto& spec = scenario_.workflows[req.workflow].steps[step];
  const StepPlan& plan = plans_[req.workflow][step];
  double quality = svc.quality.value_or(0.0);
  if (spec.cascade_threshold && svc.quality_model)
    quality = std::clamp(svc.quality_model->sample(rng), 0.0, 1.0);
  if (spec.cascade_threshold && !st.on_fallback && quality < *spec.cascade_threshold &&
      st.cascade_level + 1 < plan.cascade_pools.size()) {
    abandon_step_calls(request, step); // lost hedges of this level
    ++st.cascade_level;
    ++st.timer_gen;
    st.tries = 0;
    st.hedges = 0;
    if (req.measured)
      ++stats_.workflows[req.workflow].escalations;
    issue_call(request, step, CallKind::FIRST);
    return true;
  }
  if (svc.quality) {
    req.quality_sum += quality;
    ++req.quality_count;
  }
  return false;
}

void Simulation::call_failed(uint32_t request, uint32_t step, Cause cause)
{
  StepState& st = requests_[request].steps[step];
  st.last_failure = cause;
  if (st.live > 0)
    return; // another copy of this try may still succeed
  try_exhausted(request, step);
}

/** Every call of the current try has failed: retry it, fall back, or fail the step. */
void Simulation::try_exhausted(uint32_t request, uint32_t step)
{
  Request& req = requests_[request];
  StepState& st = req.steps[step];
  ++st.timer_gen; // this try's hedge timers are stale
  const auto& retry = scenario_.orchestrator.retry;
  const double now = engine_.now_s();
  const StepPlan& plan = plans_[req.workflow][step];
  CandidatePool& pool = pools_[current_pool(request, step)];
  if (!st.on_fallback && st.tries < retry.max_attempts && retry.retries(st.last_failure)) {
    const double delay = backoff_.delay_s(st.tries, coordination_rng_);
    const bool in_time = now + delay < req.deadline_s;
    const bool throttle_ok = !pool.throttle || pool.throttle->allows_retry();
    if (in_time && throttle_ok) {
      schedule_step_timer(RETRY, request, step, now + delay);
      return;
    }
  }
  if (plan.fallback_pool != NIL && !st.on_fallback) {
    st.on_fallback = true;
    st.hedges = 0;
    issue_call(request, step, CallKind::FALLBACK);
    return;
  }
  step_failed(request, step, st.last_failure);
}

void Simulation::schedule_step_timer(EventKind kind, uint32_t request, uint32_t step, double at_s)
{
  const Request& req = requests_[request];
  engine_.schedule(at_s, kind, request, req.gen, step | (req.steps[step].timer_gen & 0xffff) << 16);
}

/** The backoff is over: the retry goes out if the retry budget has room now (Envoy counts retries in
 *  flight when they start), else the step falls back or fails as if it had no retry left. */
void Simulation::on_retry_timer(uint32_t request, uint32_t step)
{
  StepState& st = requests_[request].steps[step];
  if (st.status != StepStatus::RUNNING)
    return;
  CandidatePool& pool = pools_[current_pool(request, step)];
  if (pool.budget && !pool.budget->try_withdraw(engine_.now_s(), pool.active)) {
    st.tries = scenario_.orchestrator.retry.max_attempts; // no retry left: fall back or fail
    try_exhausted(request, step);
    return;
  }
  issue_call(request, step, CallKind::RETRY);
}

void Simulation::schedule_hedge(uint32_t request, uint32_t step)
{
  const auto& hedge = scenario_.orchestrator.hedge;
  const CandidatePool& pool = pools_[current_pool(request, step)];
  double delay = hedge.delay_s;
  if (hedge.percentile && pool.latency)
    delay = pool.latency->quantile_or(*hedge.percentile, hedge.delay_s);
  schedule_step_timer(HEDGE, request, step, engine_.now_s() + delay);
}

void Simulation::on_hedge_timer(uint32_t request, uint32_t step)
{
  StepState& st = requests_[request].steps[step];
  if (st.status != StepStatus::RUNNING || st.live == 0 || st.hedges >= scenario_.orchestrator.hedge.max_extra)
    return;
  CandidatePool& pool = pools_[current_pool(request, step)];
  if (pool.throttle && !pool.throttle->allows_retry())
    return; // gRPC: hedges are throttled like retries
  ++st.hedges;
  issue_call(request, step, CallKind::HEDGE);
  if (requests_[request].steps[step].status == StepStatus::RUNNING &&
      requests_[request].steps[step].hedges < scenario_.orchestrator.hedge.max_extra)
    schedule_hedge(request, step);
}

// ---- abandoning calls ---------------------------------------------------------------------------

/** The orchestrator stops waiting for a call: a queued call leaves the queue (its entry is skipped and
 *  freed when it reaches the head); a call in service runs on and is freed when it ends. */
void Simulation::abandon(uint32_t c, bool count_canceled)
{
  Call& call = calls_[c];
  call.abandoned = true;
  call_ended(call);
  notify_abandon(call.instance, engine_.now_s());
  if (count_canceled && call.measured)
    ++stats_.services[call.service].canceled;
  if (call.status == CallStatus::QUEUED) {
    call.status = CallStatus::CANCELED;
    --instances_[call.instance].queued;
    set_queued(call.service, -1);
  }
}

void Simulation::abandon_step_calls(uint32_t request, uint32_t step)
{
  StepState& st = requests_[request].steps[step];
  for (uint32_t c = st.head; c != NIL;) {
    const uint32_t next = calls_[c].next;
    abandon(c, true);
    c = next;
  }
  st.head = NIL;
  st.live = 0;
}

void Simulation::call_ended(const Call& call)
{
  CandidatePool& pool = pools_[call.pool];
  --pool.active;
  --services_[call.service].in_flight;
  --instances_[call.instance].waiting;
  if (pool.budget && call.kind == CallKind::RETRY)
    pool.budget->on_retry_end();
}

/** Removes a call from its step's list of live calls. */
void Simulation::unlink(uint32_t c)
{
  Call& call = calls_[c];
  StepState& st = requests_[call.request].steps[call.step];
  if (call.prev != NIL)
    calls_[call.prev].next = call.next;
  else
    st.head = call.next;
  if (call.next != NIL)
    calls_[call.next].prev = call.prev;
  call.prev = call.next = NIL;
  --st.live;
}

void Simulation::free_call(uint32_t c)
{
  ++calls_[c].gen; // stale timeouts for this slot are now ignored
  calls_.release(c);
}

// ---- per-service policies: admission, breakers, outlier detection -------------------------------

std::optional<models::FailureCause> Simulation::admit(uint32_t service, const models::CallTokens& tokens, double now_s)
{
  ServiceState& state = services_[service];
  if (state.concurrency && state.in_flight >= state.concurrency->get_limit())
    return Cause::SHED;
  if (state.breaker && !state.breaker->allow(now_s))
    return Cause::CIRCUIT_OPEN;
  if (state.rate_limit && !state.rate_limit->try_acquire(now_s, tokens.input + tokens.output)) {
    if (state.breaker)
      state.breaker->on_failure(now_s); // the breaker let the call through; the provider refused it
    return Cause::RATE_LIMITED;
  }
  return std::nullopt;
}

void Simulation::record_outcome(const Call& call, std::optional<Cause> failure, double now_s)
{
  ServiceState& state = services_[call.service];
  if (state.concurrency && failure != Cause::ERROR) // Netflix: errors are ignored, drops lower the limit
    state.concurrency->on_sample(now_s, now_s - call.issued_s, state.in_flight, failure.has_value());
  if (state.breaker) {
    if (failure)
      state.breaker->on_failure(now_s);
    else
      state.breaker->on_success(now_s);
    const auto breaker_state = state.breaker->get_state(now_s);
    if (breaker_state == coordination::CircuitBreaker::State::OPEN &&
        state.breaker->get_opened_at_s() != state.breaker_opened_at_s) {
      // Newly opened: withdrawn from selection, so capability steps go elsewhere, until it may probe.
      state.breaker_opened_at_s = state.breaker->get_opened_at_s();
      if (window_open_ && !window_closed_)
        ++stats_.services[call.service].breaker_opens;
      withdraw(call.service, true);
      // Resilience4j half-opens strictly after the open duration.
      const double reopen = state.breaker_opened_at_s + state.breaker->get_options().open_duration_s;
      engine_.schedule(std::nextafter(reopen, models::INF), BREAKER_CHECK, call.service);
    } else if (breaker_state == coordination::CircuitBreaker::State::CLOSED && state.breaker_open) {
      withdraw(call.service, false); // the probes succeeded
    }
  }
  if (state.outliers && failure != Cause::REJECTED &&
      state.outliers->on_result(call.instance - state.first_instance, failure.has_value(), now_s)) {
    instances_[call.instance].ejected = true;
    if (window_open_ && !window_closed_)
      ++stats_.services[call.service].ejections;
    update_availability(call.instance);
  }
}

bool Simulation::selectable(uint32_t instance) const
{
  const Instance& inst = instances_[instance];
  return inst.life == Instance::Life::ACTIVE && !inst.down && !inst.ejected && !services_[inst.service].breaker_open;
}

void Simulation::update_availability(uint32_t instance)
{
  const bool available = selectable(instance);
  for (uint32_t p : instances_[instance].pools)
    pools_[p].selector->set_available(instance, available);
}

// ---- the truth: the oracle, and selection quality -----------------------------------------------

/** Expected completion = (expected wait + expected service) / success probability (the expected
 *  time to a successful answer if failures were retried at once); the wait is the calls ahead of this
 *  one over the instance's slots times the mean service time, 0 when a slot is free. The service time
 *  is the latency model's mean at the call's input tokens and the mean output tokens: the truth knows
 *  the parameters and the state, not the draws (an answer's length is one). */
double Simulation::true_score(uint32_t instance, const models::CallTokens& call_tokens,
                              const models::Objective& objective) const
{
  const Instance& inst = instances_[instance];
  const auto& svc = scenario_.services[inst.service];
  const ServiceState& state = services_[inst.service];
  const models::CallTokens tokens{call_tokens.input, state.mean_output_tokens};
  const double service_s =
      (svc.latency ? svc.latency->mean_s(tokens).value_or(state.mean_service_s) : mean_service_s(inst.service, tokens)) *
          state.latency_multiplier +
      network_rtt_s(pick_origin_, instance);
  const double wait_s = inst.busy < svc.concurrency ? 0.0
                                                    : static_cast<double>(inst.queued + 1) * state.mean_service_s *
                                                          state.latency_multiplier / svc.concurrency;
  const double success = 1.0 - state.error_probability.value_or(svc.error_probability);
  const double completion_s = (wait_s + service_s) / std::max(success, 1e-3);
  const double cost = (svc.cost.per_call_usd + svc.cost.per_input_token_usd * tokens.input +
                       svc.cost.per_output_token_usd * tokens.output) *
                      state.price_multiplier;
  return objective.latency * completion_s + objective.cost * cost - objective.quality * svc.quality.value_or(0.0);
}

void Simulation::judge_pick(uint32_t pool, uint32_t picked, const models::CallTokens& tokens, uint32_t workflow,
                            bool measured)
{
  if (pools_[pool].members < 2)
    return;
  const auto& objective = scenario_.oracle_objective;
  uint32_t choices = 0;
  for (uint32_t svc : pools_[pool].services) {
    const uint32_t first = services_[svc].first_instance;
    for (uint32_t i = first; i < first + services_[svc].allocated && choices < 2; ++i)
      choices += selectable(i);
  }
  if (choices < 2)
    return;
  double best = models::INF;
  for (uint32_t svc : pools_[pool].services) {
    const uint32_t first = services_[svc].first_instance;
    for (uint32_t i = first; i < first + services_[svc].allocated; ++i)
      if (selectable(i))
        best = std::min(best, true_score(i, tokens, objective));
  }
  const double mine = true_score(picked, tokens, objective);
  const double regret = std::max(0.0, mine - best);
  const bool optimal = regret <= 1e-9 * std::max(1.0, std::abs(best));
  if (stats_.series) {
    ++interval_workflows_[workflow].decisions;
    interval_workflows_[workflow].optimal_picks += optimal;
  }
  if (measured) {
    auto& ws = stats_.workflows[workflow];
    ++ws.decisions;
    ws.oracle_picks += optimal;
    ws.regret += regret;
  }
}

void Simulation::on_breaker_check(uint32_t service)
{
  withdraw(service, false); // the breaker itself admits the half-open probes from now on
}

void Simulation::withdraw(uint32_t service, bool withdrawn)
{
  ServiceState& state = services_[service];
  if (state.breaker_open == withdrawn)
    return;
  state.breaker_open = withdrawn;
  for (uint32_t i = 0; i < state.allocated; ++i)
    update_availability(state.first_instance + i);
}

void Simulation::on_outlier_tick(uint32_t service)
{
  ServiceState& state = services_[service];
  const double now = engine_.now_s();
  for (uint32_t host : state.outliers->tick(now)) {
    instances_[state.first_instance + host].ejected = false;
    update_availability(state.first_instance + host);
  }
  if (!arrivals_stopped_ || active_requests_ > 0)
    engine_.schedule(state.outliers->get_next_tick_s(), OUTLIER_TICK, service);
}

// ---- faults -------------------------------------------------------------------------------------

void Simulation::on_fault(uint32_t f, bool start)
{
  const auto& fault = scenario_.faults[f];
  if (fault.kind == models::FaultSpec::Kind::OUTAGE) {
    on_outage(f, start);
    return;
  }
  ServiceState& state = services_[fault.service];
  const double now = engine_.now_s();
  switch (fault.kind) {
    case models::FaultSpec::Kind::CRASH:
      for (uint32_t i : fault.instances) {
        const uint32_t instance = state.first_instance + i;
        if (start)
          crash(instance);
        else
          recover(instance);
      }
      break;
    case models::FaultSpec::Kind::LATENCY:
      state.latency_multiplier = start ? fault.latency_multiplier : 1.0;
      break;
    case models::FaultSpec::Kind::PRICE:
      state.price_multiplier = start ? fault.price_multiplier : 1.0;
      break;
    case models::FaultSpec::Kind::ERRORS:
      if (start)
        state.error_probability = fault.error_probability;
      else
        state.error_probability.reset();
      break;
    case models::FaultSpec::Kind::RATE_LIMIT:
      if (start) {
        state.saved_rate_limit = state.rate_limit;
        state.rate_limit.emplace(fault.rate_limit, now);
      } else {
        state.rate_limit = state.saved_rate_limit;
        state.saved_rate_limit.reset();
      }
      break;
    case models::FaultSpec::Kind::OUTAGE:
      break; // above
  }
}

/** An instance goes down: it leaves selection, and every call queued or in service there fails now. */
void Simulation::crash(uint32_t instance)
{
  Instance& inst = instances_[instance];
  ServiceState& state = services_[inst.service];
  inst.down = true;
  --state.up_instances;
  stats_.services[inst.service].up_instances.set(engine_.now_s(), state.up_instances);
  update_availability(instance);
  while (!inst.queue.empty()) {
    const uint32_t c = inst.queue.front();
    inst.queue.pop_front();
    if (calls_[c].status == CallStatus::CANCELED) {
      free_call(c);
      continue;
    }
    --inst.queued;
    set_queued(inst.service, -1);
    fail_now(c, Cause::ERROR);
    free_call(c);
  }
  for (uint32_t c : inst.in_service) {
    calls_[c].crashed = true; // freed when its CALL_DONE comes
    --inst.busy;
    set_busy(inst.service, -1);
    if (!calls_[c].abandoned)
      fail_now(c, Cause::ERROR);
  }
  if (inst.batcher) { // no CALL_DONE will come: the iteration in progress is void
    for (uint32_t c : inst.in_service) {
      inst.batcher->remove(c);
      free_call(c);
    }
    ++inst.step_gen;
    inst.batcher = std::make_unique<models::ContinuousBatcher>(*scenario_.services[inst.service].batching);
  }
  inst.in_service.clear();
}

/** An instance a fault took down is up again: back in selection. */
void Simulation::recover(uint32_t instance)
{
  Instance& inst = instances_[instance];
  ServiceState& state = services_[inst.service];
  inst.down = false;
  ++state.up_instances;
  stats_.services[inst.service].up_instances.set(engine_.now_s(), state.up_instances);
  update_availability(instance);
}

void Simulation::fail_now(uint32_t c, Cause cause)
{
  Call& call = calls_[c];
  const double now = engine_.now_s();
  if (call.abandoned)
    return;
  call.abandoned = true; // nothing more will come of it
  notify_answer(call.instance, now, now - call.issued_s, false);
  notify_outcome(call, CallOutcome::End::FAILURE, now, 0.0); // a crashed call is not billed
  record_outcome(call, cause, now);
  call_ended(call);
  if (pools_[call.pool].throttle)
    pools_[call.pool].throttle->on_failure();
  count_call_failure(call.service, cause, call.measured);
  const uint32_t request = call.request;
  const uint32_t step = call.step;
  unlink(c);
  call_failed(request, step, cause);
}

// ---- bookkeeping --------------------------------------------------------------------------------

void Simulation::count_call_failure(uint32_t service, Cause cause, bool measured)
{
  if (measured)
    ++stats_.services[service].failed[cause];
  if (stats_.series)
    ++interval_services_[service].failed;
}

void Simulation::notify_issue(uint32_t instance, double now_s)
{
  for (uint32_t p : instances_[instance].pools)
    pools_[p].selector->on_issue(instance, now_s);
}

void Simulation::notify_answer(uint32_t instance, double now_s, double latency_s, bool success)
{
  for (uint32_t p : instances_[instance].pools)
    pools_[p].selector->on_answer(instance, now_s, latency_s, success);
}

void Simulation::notify_abandon(uint32_t instance, double now_s)
{
  for (uint32_t p : instances_[instance].pools)
    pools_[p].selector->on_abandon(instance, now_s);
}

void Simulation::notify_outcome(const Call& call, CallOutcome::End end, double now_s, double cost_usd)
{
  if (!learns_[call.instance])
    return;
  CallOutcome outcome;
  outcome.context = PickContext{call.issued_s, requests_[call.request].arrival_key, call.tokens, call.workflow};
  outcome.outstanding = call.outstanding_at_issue;
  outcome.latency_s = now_s - call.issued_s;
  outcome.end = end;
  outcome.cost_usd = cost_usd;
  for (uint32_t p : instances_[call.instance].pools)
    pools_[p].selector->on_outcome(call.instance, outcome);
}

void Simulation::set_busy(uint32_t service, int delta)
{
  busy_[service] += delta;
  stats_.services[service].busy_slots.set(engine_.now_s(), busy_[service]);
  if (services_[service].hpa || services_[service].predictive)
    services_[service].period_busy.set(engine_.now_s(), busy_[service]);
}

void Simulation::set_queued(uint32_t service, int delta)
{
  queued_[service] += delta;
  stats_.services[service].queued.set(engine_.now_s(), queued_[service]);
}

} // namespace orchsim::orchestrator
