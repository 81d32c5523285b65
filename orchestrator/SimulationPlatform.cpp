// orchestrator/SimulationPlatform.cpp: what the platform adds to a run (docs/PLATFORM.md) — where
// instances are placed, requests and responses crossing the network, calls computed on SimGrid hosts,
// batching model servers, and zone and region outages.
#include <cmath>

#include "orchestrator/Simulation.hpp"

namespace orchsim::orchestrator {

namespace {

uint32_t token_count(double tokens)
{
  return tokens > 0 ? static_cast<uint32_t>(std::llround(std::min(tokens, 4.0e9))) : 0;
}

double draw(const models::DistributionPtr& d, sim::Rng& rng)
{
  return d ? d->sample(rng) : 0.0;
}

} // namespace

// ---- placement ----------------------------------------------------------------------------------

void Simulation::setup_platform()
{
  const auto& s = scenario_;
  if (s.platform.empty())
    return;
  platform_ = &sim::Platform::install(s.platform);
  if (s.uses_simgrid_activities())
    activities_ = std::make_unique<sim::Activities>(engine_);
  for (uint32_t svc = 0; svc < s.services.size(); ++svc)
    for (uint32_t i = 0; i < services_[svc].allocated; ++i)
      instances_[services_[svc].first_instance + i].host = place_instance(svc, i);
  const auto& zones = platform_->get_zones();
  for (const auto& src : s.sources) {
    uint32_t host = zones.front().clients;
    if (src.location) {
      if (auto z = platform_->find_zone(src.location->name))
        host = zones[*z].clients;
      else if (auto h = platform_->find_host(src.location->name))
        host = *h;
      else
        throw sim::InputError(src.location->where, "no zone or host '" + src.location->name + "' in the platform");
    }
    source_hosts_.push_back(host);
  }
  outage_downed_.resize(s.faults.size());
  for (const auto& fault : s.faults) {
    if (fault.kind != models::FaultSpec::Kind::OUTAGE)
      continue;
    const bool known = fault.place_is_region ? platform_->find_region(fault.place.name).has_value()
                                             : platform_->find_zone(fault.place.name).has_value();
    if (!known)
      throw sim::InputError(fault.place.where, std::string("no ") + (fault.place_is_region ? "region" : "zone") +
                                                   " '" + fault.place.name + "' in the platform");
  }
  stats_.network.emplace();
}

/** Instance `index` of `service`: on hosts[index mod n] when the service names hosts; else in zone
 *  zones[index mod z] (every zone when it names none), on that zone's hosts of its kind in turn. */
uint32_t Simulation::place_instance(uint32_t service, uint32_t index) const
{
  const auto& svc = scenario_.services[service];
  const auto& hosts = platform_->get_hosts();
  if (!svc.hosts.empty()) {
    const auto& ref = svc.hosts[index % svc.hosts.size()];
    const auto h = platform_->find_host(ref.name);
    if (!h || hosts[*h].client)
      throw sim::InputError(ref.where, "no host '" + ref.name + "' in the platform");
    return *h;
  }
  std::vector<uint32_t> zones;
  for (const auto& ref : svc.zone_refs) {
    const auto z = platform_->find_zone(ref.name);
    if (!z)
      throw sim::InputError(ref.where, "no zone '" + ref.name + "' in the platform");
    zones.push_back(*z);
  }
  if (zones.empty())
    for (uint32_t z = 0; z < platform_->get_zones().size(); ++z)
      zones.push_back(z);
  const auto n = static_cast<uint32_t>(zones.size());
  const uint32_t zone = zones[index % n];
  std::vector<uint32_t> candidates;
  for (uint32_t h : platform_->get_zones()[zone].hosts)
    if (!svc.host_kind || hosts[h].kind == *svc.host_kind)
      candidates.push_back(h);
  if (candidates.empty()) {
    const sim::InputLocation where =
        svc.zone_refs.empty() ? sim::InputLocation{scenario_.path, 0, 0, "services." + svc.name}
                              : svc.zone_refs[index % svc.zone_refs.size()].where;
    throw sim::InputError(where, "zone '" + platform_->get_zones()[zone].name + "' has no " +
                                     (svc.host_kind == sim::HostKind::GPU ? "gpu " : "") + "host for service '" +
                                     svc.name + "'");
  }
  return candidates[(index / n) % candidates.size()];
}

double Simulation::network_rtt_s(uint32_t origin, uint32_t instance) const
{
  if (platform_ == nullptr)
    return 0.0;
  const uint32_t host = instances_[instance].host;
  return platform_->path(origin, host).latency_s + platform_->path(host, origin).latency_s;
}

double Simulation::mean_service_s(uint32_t service, const models::CallTokens& tokens) const
{
  const auto& svc = scenario_.services[service];
  if (svc.work) {
    if (platform_ == nullptr)
      return 1.0; // before placement: a neutral prior
    const auto& w = *svc.work;
    const double flops = (w.flops ? w.flops->mean().value_or(0.0) : 0.0) + w.flops_per_input_token * tokens.input +
                         w.flops_per_output_token * tokens.output;
    const auto& host = platform_->get_hosts()[instances_[services_[service].first_instance].host];
    return flops / host.speed_flops;
  }
  return models::nominal_service_s(svc, tokens).value_or(1.0);
}

// ---- the network --------------------------------------------------------------------------------

void Simulation::send(uint32_t c, bool response)
{
  Call& call = calls_[c];
  const Instance& inst = instances_[call.instance];
  const auto& svc = scenario_.services[call.service];
  const uint32_t origin = requests_[call.request].origin;
  const uint32_t from = response ? inst.host : origin;
  const uint32_t to = response ? origin : inst.host;
  const auto& payload = svc.payload;
  sim::Rng rng(sim::Rng::mix(call.draw_key, sim::Rng::hash_name(response ? "response bytes" : "request bytes")));
  const double bytes = response ? draw(payload.response_bytes, rng) +
                                      payload.response_bytes_per_output_token * call.tokens.output
                                : draw(payload.request_bytes, rng) +
                                      payload.request_bytes_per_input_token * call.tokens.input;
  const sim::Platform::Path path = platform_->path(from, to);
  const double now = engine_.now_s();
  call.status = response ? CallStatus::RESPONDING : CallStatus::SENDING;
  call.sent_s = now;
  auto& net = *stats_.network;
  if (call.measured) {
    ++net.transfers;
    net.bytes += bytes;
    if (!response) {
      net.cross_region_calls += path.cross_region;
      net.local_zone_calls += platform_->get_hosts()[from].zone == platform_->get_hosts()[to].zone;
    }
    if (path.cross_region) {
      const double egress = bytes / 1e9 * scenario_.platform.egress_usd_per_gb;
      net.cross_region_bytes += bytes;
      net.egress_usd += egress;
      stats_.services[call.service].cost_usd += egress;
      stats_.workflows[call.workflow].cost_usd += egress;
    }
  }
  const uint32_t kind = response ? RESPONSE_ARRIVED : REQUEST_ARRIVED;
  if (from == to) {
    engine_.schedule(now, kind, c, call.gen);
  } else if (activities_ && scenario_.platform.contention) {
    const auto& hosts = platform_->get_hosts();
    activities_->transfer(hosts[from].host, hosts[to].host, bytes, kind, c, call.gen);
  } else {
    engine_.schedule(now + path.latency_s + (bytes > 0 ? bytes / path.bandwidth_Bps : 0.0), kind, c, call.gen);
  }
}

void Simulation::on_response_arrived(uint32_t c)
{
  Call& call = calls_[c];
  if (call.measured)
    stats_.network->transfer_s.record(engine_.now_s() - call.sent_s);
  if (call.abandoned) { // the orchestrator stopped waiting while the response was on its way
    free_call(c);
    return;
  }
  answer(c);
}

// ---- compute on hosts, batching servers ---------------------------------------------------------

void Simulation::start_work(uint32_t c)
{
  Call& call = calls_[c];
  Instance& inst = instances_[call.instance];
  const auto& svc = scenario_.services[call.service];
  if (svc.work) {
    const auto& w = *svc.work;
    sim::Rng rng(sim::Rng::mix(call.draw_key, sim::Rng::hash_name("work")));
    const double flops = (draw(w.flops, rng) + w.flops_per_input_token * call.tokens.input +
                          w.flops_per_output_token * call.tokens.output) *
                         services_[call.service].latency_multiplier;
    activities_->execute(platform_->get_hosts()[inst.host].host, flops, CALL_DONE, c);
    return;
  }
  inst.batcher->add(c, token_count(call.tokens.input), token_count(call.tokens.output));
  if (!inst.batcher->in_step() && !inst.stepping)
    start_batch_step(call.instance);
}

void Simulation::start_batch_step(uint32_t instance)
{
  Instance& inst = instances_[instance];
  const double step_s = inst.batcher->begin_step() * services_[inst.service].latency_multiplier;
  inst.step_s = step_s;
  engine_.schedule(engine_.now_s() + step_s, BATCH_STEP, instance, inst.step_gen);
}

void Simulation::on_batch_step(uint32_t instance, uint32_t gen)
{
  Instance& inst = instances_[instance];
  if (gen != inst.step_gen)
    return; // the instance crashed during the iteration
  const double now = engine_.now_s();
  auto& batcher = *inst.batcher;
  auto& b = *stats_.services[inst.service].batching;
  if (window_open_) {
    ++b.steps;
    b.step_sequences += batcher.get_step_sequences();
    b.step_tokens += batcher.get_step_tokens();
    b.step_s += inst.step_s;
  }
  const auto& end = batcher.end_step();
  for (uint32_t c : end.first_token) {
    Call& call = calls_[c];
    call.first_token_s = now;
    if (call.measured)
      b.ttft_s.record(now - call.arrived_s); // the wait in the instance's queue included
  }
  finished_scratch_.assign(end.finished.begin(), end.finished.end());
  inst.stepping = true; // calls admitted now join the next iteration, started below
  for (uint32_t c : finished_scratch_) {
    const Call& call = calls_[c];
    const uint32_t out = token_count(call.tokens.output);
    if (call.measured && out >= 2)
      b.tpot_s.record((now - call.first_token_s) / (out - 1));
    on_call_done(c);
  }
  inst.stepping = false;
  if (!batcher.empty() && !inst.down)
    start_batch_step(instance);
}

// ---- zone and region outages --------------------------------------------------------------------

void Simulation::on_outage(uint32_t f, bool start)
{
  const auto& fault = scenario_.faults[f];
  if (!start) {
    for (uint32_t i : outage_downed_[f])
      recover(i);
    outage_downed_[f].clear();
    return;
  }
  const auto place = fault.place_is_region ? platform_->find_region(fault.place.name)
                                           : platform_->find_zone(fault.place.name);
  for (uint32_t i = 0; i < instances_.size(); ++i) {
    const Instance& inst = instances_[i];
    if (inst.down || inst.life == Instance::Life::INACTIVE)
      continue;
    const uint32_t zone = platform_->get_hosts()[inst.host].zone;
    const uint32_t here = fault.place_is_region ? platform_->get_zones()[zone].region : zone;
    if (here == *place) {
      crash(i);
      outage_downed_[f].push_back(i);
    }
  }
}

} // namespace orchsim::orchestrator
