#include "sim/Platform.hpp"

#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>

#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/Link.hpp>
#include <simgrid/s4u/NetZone.hpp>

#include "sim/SimgridEngine.hpp"

namespace orchsim::sim {

namespace sg = simgrid::s4u;

namespace {

/** Everything that makes two specs build different platforms, as text. */
std::string fingerprint(const PlatformSpec& s)
{
  std::ostringstream out;
  out.precision(17);
  auto link = [&](const LinkSpec& l) { out << l.bandwidth_Bps << '/' << l.latency_s << ';'; };
  out << "model " << int(s.model) << " xml " << s.xml_path << '\n';
  for (const auto& r : s.regions)
    out << "region " << r.name << '\n';
  for (const auto& z : s.zones) {
    out << "zone " << z.name << ' ' << z.region << ' ';
    link(z.host_link);
    link(z.client_link);
    for (const auto& h : z.hosts)
      out << h.name << ' ' << h.count << ' ' << int(h.kind) << ' ' << h.speed_flops << ' ' << h.cores << ';';
    out << '\n';
  }
  for (const auto& r : s.routes) {
    out << "route " << r.name << ' ';
    for (auto z : r.from_zones)
      out << z << ',';
    out << '-';
    for (auto z : r.to_zones)
      out << z << ',';
    link(r.link);
    out << '\n';
  }
  link(s.intra_region);
  link(s.inter_region);
  return out.str();
}

std::unique_ptr<Platform>& installed()
{
  static std::unique_ptr<Platform> platform;
  return platform;
}

sg::Link* make_link(sg::NetZone* zone, const std::string& name, const LinkSpec& spec)
{
  sg::Link* link = zone->create_split_duplex_link(name, spec.bandwidth_Bps);
  link->set_latency(spec.latency_s);
  link->seal();
  return link;
}

} // namespace

bool Platform::process_is_fresh()
{
  return !detail::engine_has_run() && detail::installed_platform().empty();
}

bool Platform::can_install(const PlatformSpec& spec)
{
  if (!detail::engine_has_run())
    return detail::installed_platform().empty() || detail::installed_platform() == fingerprint(spec);
  return installed() && detail::installed_platform() == fingerprint(spec) && sg::Engine::get_clock() == 0.0;
}

const Platform& Platform::install(const PlatformSpec& spec)
{
  const std::string print = fingerprint(spec);
  if (installed() && detail::installed_platform() == print)
    return *installed();
  if (!detail::installed_platform().empty() || detail::engine_has_run())
    throw std::logic_error("sim::Platform: this process has already run SimGrid with another platform, and SimGrid "
                           "allows one per process: run each platform scenario in a process of its own (the "
                           "orchsim commands do; analysis::run does from a process that has not run SimGrid)");
  auto& engine = detail::simgrid_engine();
  if (spec.model == NetworkModel::CM02) {
    // The textbook model: max-min fair sharing, no TCP corrections, no reverse acknowledgement flow, no
    // window bound, so a transfer alone takes exactly latency + size / bandwidth.
    engine.set_config("network/model:CM02");
    engine.set_config("network/crosstraffic:0");
    engine.set_config("network/TCP-gamma:0");
  }
  installed().reset(new Platform(spec));
  detail::installed_platform() = print;
  return *installed();
}

Platform::Platform(const PlatformSpec& spec) : spec_(spec)
{
  if (spec_.xml_path.empty())
    build_yaml();
  else
    build_xml();
  paths_.assign(hosts_.size() * hosts_.size(), std::nullopt);
}

void Platform::build_yaml()
{
  for (const auto& r : spec_.regions)
    regions_.push_back(r.name);
  sg::NetZone* root = sg::create_full_zone("orchsim");
  std::vector<sg::NetZone*> stars;
  std::vector<simgrid::kernel::routing::NetPoint*> gateways;
  for (const auto& z : spec_.zones) {
    sg::NetZone* star = sg::create_star_zone(z.name);
    star->set_parent(root);
    ZoneInfo info;
    info.name = z.name;
    info.region = z.region;
    auto add_host = [&](const std::string& name, double speed, uint32_t cores, HostKind kind, bool client,
                        const LinkSpec& link_spec) {
      sg::Host* host = star->create_host(name, speed);
      host->set_core_count(static_cast<int>(cores));
      host->seal();
      sg::Link* link = make_link(star, name + "/link", link_spec);
      star->add_route(host->get_netpoint(), nullptr, nullptr, nullptr, {sg::LinkInRoute(link, sg::LinkInRoute::Direction::UP)},
                      true);
      hosts_.push_back(HostInfo{name, static_cast<uint32_t>(zones_.size()), kind, speed, cores, client, host});
      return static_cast<uint32_t>(hosts_.size() - 1);
    };
    for (const auto& group : z.hosts)
      for (uint32_t i = 0; i < group.count; ++i)
        info.hosts.push_back(add_host(group.count == 1 ? group.name : group.name + "-" + std::to_string(i),
                                      group.speed_flops, group.cores, group.kind, false, z.host_link));
    info.clients = add_host(z.name + "/clients", 1e9, 1, HostKind::CPU, true, z.client_link);
    simgrid::kernel::routing::NetPoint* gateway = star->create_router(z.name + "/gateway");
    star->add_route(gateway, nullptr, nullptr, nullptr, {}, true);
    star->seal();
    stars.push_back(star);
    gateways.push_back(gateway);
    zones_.push_back(std::move(info));
  }
  // One link per zone pair: a route's (shared by all the pairs it covers) or the default one.
  const size_t n = spec_.zones.size();
  std::vector<sg::Link*> pair_link(n * n, nullptr);
  for (const auto& route : spec_.routes) {
    sg::Link* link = make_link(root, route.name, route.link);
    for (auto a : route.from_zones)
      for (auto b : route.to_zones)
        pair_link[std::min(a, b) * n + std::max(a, b)] = link;
  }
  for (size_t a = 0; a < n; ++a)
    for (size_t b = a + 1; b < n; ++b) {
      sg::Link* link = pair_link[a * n + b];
      if (link == nullptr) {
        const bool same = spec_.zones[a].region == spec_.zones[b].region;
        link = make_link(root, spec_.zones[a].name + "<->" + spec_.zones[b].name,
                         same ? spec_.intra_region : spec_.inter_region);
      }
      root->add_route(stars[a]->get_netpoint(), stars[b]->get_netpoint(), gateways[a], gateways[b],
                      {sg::LinkInRoute(link, sg::LinkInRoute::Direction::UP)}, true);
    }
  root->seal();
}

void Platform::build_xml()
{
  auto& engine = detail::simgrid_engine();
  if (!std::filesystem::exists(spec_.xml_path))
    throw InputError(spec_.xml_where, "no such platform file '" + spec_.xml_path + "'");
  try {
    engine.load_platform(spec_.xml_path);
  } catch (const std::exception& e) {
    throw InputError(spec_.xml_where, "SimGrid cannot read platform file '" + spec_.xml_path + "': " + e.what());
  }
  // Zones: the netzones that hold hosts, in host order; a zone's region: its parent netzone (itself
  // when it is the root).
  std::map<const sg::NetZone*, uint32_t> zone_index;
  for (sg::Host* host : engine.get_all_hosts()) {
    const sg::NetZone* zone = host->get_englobing_zone();
    auto [it, fresh] = zone_index.try_emplace(zone, static_cast<uint32_t>(zones_.size()));
    if (fresh) {
      const sg::NetZone* parent = zone->get_parent() != nullptr ? zone->get_parent() : zone;
      auto region = find_region(parent->get_name());
      if (!region) {
        regions_.push_back(parent->get_name());
        region = static_cast<uint32_t>(regions_.size() - 1);
      }
      zones_.push_back(ZoneInfo{zone->get_name(), *region, 0, {}});
    }
    HostInfo info;
    info.name = host->get_name();
    info.zone = it->second;
    info.kind = HostKind::CPU;
    if (const char* kind = host->get_property("kind"); kind != nullptr && std::string(kind) == "gpu")
      info.kind = HostKind::GPU;
    info.speed_flops = host->get_speed();
    info.cores = static_cast<uint32_t>(host->get_core_count());
    info.host = host;
    hosts_.push_back(info);
    zones_[info.zone].hosts.push_back(static_cast<uint32_t>(hosts_.size() - 1));
  }
  if (hosts_.empty())
    throw InputError(spec_.xml_where, "platform file '" + spec_.xml_path + "' declares no host");
  // In an XML platform the clients of a zone are its first host (a source names a host to be precise).
  for (auto& z : zones_)
    z.clients = z.hosts.front();
}

std::optional<uint32_t> Platform::find_host(const std::string& name) const
{
  for (uint32_t i = 0; i < hosts_.size(); ++i)
    if (hosts_[i].name == name)
      return i;
  return std::nullopt;
}

std::optional<uint32_t> Platform::find_zone(const std::string& name) const
{
  for (uint32_t i = 0; i < zones_.size(); ++i)
    if (zones_[i].name == name)
      return i;
  return std::nullopt;
}

std::optional<uint32_t> Platform::find_region(const std::string& name) const
{
  for (uint32_t i = 0; i < regions_.size(); ++i)
    if (regions_[i] == name)
      return i;
  return std::nullopt;
}

Platform::Path Platform::path(uint32_t from, uint32_t to) const
{
  auto& cached = paths_[from * hosts_.size() + to];
  if (!cached) {
    Path p;
    p.cross_region = region_of_host(from) != region_of_host(to);
    if (from == to) {
      p.bandwidth_Bps = std::numeric_limits<double>::infinity();
    } else {
      std::vector<sg::Link*> links;
      double latency = 0;
      hosts_[from].host->route_to(hosts_[to].host, links, &latency);
      p.latency_s = latency;
      p.bandwidth_Bps = std::numeric_limits<double>::infinity();
      for (const sg::Link* link : links)
        p.bandwidth_Bps = std::min(p.bandwidth_Bps, link->get_bandwidth());
    }
    cached = p;
  }
  return *cached;
}

} // namespace orchsim::sim
