// orchestrator/SimulationScaling.cpp: autoscaling (Kubernetes HPA with optional target tuning, Knative KPA,
// predictive) of a service's instances, with cold starts and draining.
#include <cmath>

#include "orchestrator/Simulation.hpp"

namespace orchsim::orchestrator {

/** HPA: every sync period, the mean utilization of the ready instances' slots over the period against
 *  the target (tuned first, when asked). KPA: every second a reading of the service's concurrency (the
 *  orchestrator's calls in flight to it); the autoscaler decides on its own tick. Predictive: every
 *  interval, the calls sent in it and its mean busy slots. Ticks go on while the run is active. */
void Simulation::on_autoscale(uint32_t service)
{
  ServiceState& state = services_[service];
  const double now = engine_.now_s();
  uint32_t ready = 0, current = 0;
  for (uint32_t i = 0; i < state.allocated; ++i) {
    const auto life = instances_[state.first_instance + i].life;
    ready += life == Instance::Life::ACTIVE;
    current += life == Instance::Life::ACTIVE || life == Instance::Life::STARTING;
  }
  double next_s = now;
  if (state.hpa) {
    autoscale_hpa(service, current, now);
    next_s += state.hpa->get_options().sync_period_s;
  } else if (state.predictive) {
    autoscale_predictive(service, now);
    next_s += state.predictive->get_options().interval_s;
  } else {
    state.kpa->observe(now, state.in_flight);
    scale_to(service, state.kpa->evaluate(now, ready));
    next_s += 1.0;
  }
  if (!arrivals_stopped_ || active_requests_ > 0)
    engine_.schedule(next_s, AUTOSCALE, service);
}

void Simulation::autoscale_hpa(uint32_t service, uint32_t current, double now_s)
{
  ServiceState& state = services_[service];
  // Target tuning: the latencies answered over the period against the objective, before the decision.
  if (state.tuner && state.period_latency->get_count() > 0) {
    const double observed = state.period_latency->quantile(state.tuner->get_options().percentile);
    state.hpa->set_target_value(state.tuner->update(observed));
    state.period_latency->clear();
  }
  // Kubernetes counts pods that are not ready yet at 0 % when it scales up: the average is over every
  // instance asked for, so pending cold starts do not compound into a runaway scale-up.
  const double slots = static_cast<double>(current) * scenario_.services[service].concurrency;
  const double utilization = slots > 0 ? state.period_busy.mean() / slots : 0.0;
  state.period_busy.start(now_s);
  scale_to(service, state.hpa->evaluate(now_s, current, utilization));
}

void Simulation::autoscale_predictive(uint32_t service, double now_s)
{
  ServiceState& state = services_[service];
  const double calls = static_cast<double>(state.period_calls);
  const double busy = state.period_busy.mean();
  state.period_calls = 0;
  state.period_busy.start(now_s);
  scale_to(service, state.predictive->evaluate(calls, busy));
}

void Simulation::scale_to(uint32_t service, uint32_t desired)
{
  ServiceState& state = services_[service];
  const auto& svc = scenario_.services[service];
  const uint32_t first = state.first_instance;
  uint32_t current = 0;
  for (uint32_t i = 0; i < state.allocated; ++i) {
    const auto life = instances_[first + i].life;
    current += life == Instance::Life::ACTIVE || life == Instance::Life::STARTING;
  }
  const bool counted = window_open_ && !window_closed_;
  auto& ss = stats_.services[service];
  if (desired > current) {
    uint32_t need = desired - current;
    ss.scale_ups += counted;
    // Draining instances come back at once; then inactive ones start, lowest index first.
    for (uint32_t i = 0; i < state.allocated && need > 0; ++i)
      if (instances_[first + i].life == Instance::Life::DRAINING) {
        set_life(first + i, Instance::Life::ACTIVE);
        --need;
      }
    for (uint32_t i = 0; i < state.allocated && need > 0; ++i) {
      Instance& inst = instances_[first + i];
      if (inst.life != Instance::Life::INACTIVE)
        continue;
      --need;
      if (svc.autoscaling->cold_start_s <= 0) {
        set_life(first + i, Instance::Life::ACTIVE);
      } else {
        set_life(first + i, Instance::Life::STARTING);
        engine_.schedule(engine_.now_s() + svc.autoscaling->cold_start_s, INSTANCE_READY, first + i, inst.start_gen);
      }
    }
  } else if (desired < current) {
    uint32_t excess = current - desired;
    ss.scale_downs += counted;
    // Starts not yet done are canceled first, then serving instances drain, highest index first.
    for (uint32_t i = state.allocated; i-- > 0 && excess > 0;)
      if (instances_[first + i].life == Instance::Life::STARTING) {
        ++instances_[first + i].start_gen;
        set_life(first + i, Instance::Life::INACTIVE);
        --excess;
      }
    for (uint32_t i = state.allocated; i-- > 0 && excess > 0;)
      if (instances_[first + i].life == Instance::Life::ACTIVE) {
        set_life(first + i, Instance::Life::DRAINING);
        if (instances_[first + i].busy == 0 && instances_[first + i].queued == 0)
          finish_draining(first + i);
        --excess;
      }
  }
}

void Simulation::on_instance_ready(uint32_t instance, uint32_t gen)
{
  Instance& inst = instances_[instance];
  if (inst.start_gen == gen && inst.life == Instance::Life::STARTING)
    set_life(instance, Instance::Life::ACTIVE);
}

void Simulation::finish_draining(uint32_t instance)
{
  set_life(instance, Instance::Life::INACTIVE);
}

/** Moves an instance through its life and keeps selection and the provisioned/ready measures in step. */
void Simulation::set_life(uint32_t instance, Instance::Life life)
{
  Instance& inst = instances_[instance];
  inst.life = life;
  update_availability(instance);
  const uint32_t service = inst.service;
  const ServiceState& state = services_[service];
  uint32_t provisioned = 0, ready = 0;
  for (uint32_t i = 0; i < state.allocated; ++i) {
    const auto l = instances_[state.first_instance + i].life;
    provisioned += l != Instance::Life::INACTIVE;
    ready += l == Instance::Life::ACTIVE;
  }
  auto& ss = stats_.services[service];
  const double now = engine_.now_s();
  ss.provisioned.set(now, provisioned);
  ss.ready_slots.set(now, static_cast<double>(ready) * scenario_.services[service].concurrency);
}

} // namespace orchsim::orchestrator
