// sim/Platform.hpp
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/PlatformSpec.hpp"

namespace simgrid::s4u {
class Host;
}

namespace orchsim::sim {

/** A scenario's platform built into SimGrid: hosts with their zone and region, and the network paths
 *  between them (docs/PLATFORM.md).
 *
 *  SimGrid has one engine and one platform per process, sealed when the engine first runs, and a
 *  forked child inherits both. So a platform is installed once, before the process's first run;
 *  install() again with the same spec returns the same Platform, with another spec it throws.
 *  analysis::run keeps its callers' processes fresh (process_is_fresh()) by running every platform
 *  scenario in a forked child: each such run starts a SimGrid of its own at clock 0, and its results
 *  are byte-identical to a run in a new process.
 *
 *  The YAML form: each zone is a SimGrid star zone with one link per host (`host_link`), a clients
 *  endpoint `<zone>/clients` (`client_link`) and a gateway router; zones are children of one full
 *  zone whose zone-to-zone routes carry one link each (a route's link shared by every zone pair it
 *  covers). Links are split-duplex: the two directions do not share bandwidth. */
class Platform {
public:
  /** Installs `spec` in the process's SimGrid engine (creating it) and returns it. Throws InputError
   *  for an XML file SimGrid refuses (at spec.xml_where) and std::logic_error when another platform is
   *  installed or the engine has already run. */
  static const Platform& install(const PlatformSpec& spec);
  /** True when install(spec) would succeed: nothing has run yet, or `spec` is the installed platform
   *  and SimGrid's clock is still 0. */
  static bool can_install(const PlatformSpec& spec);
  /** True while this process has neither run SimGrid nor installed a platform. */
  static bool process_is_fresh();

  struct HostInfo {
    std::string name;
    uint32_t zone = 0;
    HostKind kind = HostKind::CPU;
    double speed_flops = 0; // per core
    uint32_t cores = 1;
    bool client = false; // a zone's clients endpoint, not a host services can be placed on
    simgrid::s4u::Host* host = nullptr;
  };
  struct ZoneInfo {
    std::string name;
    uint32_t region = 0;
    uint32_t clients = 0;                 // host index of its clients endpoint
    std::vector<uint32_t> hosts;          // placeable hosts, in declaration order
  };
  /** What a transfer alone on the network would see between two hosts. */
  struct Path {
    double latency_s = 0;        // sum of the route's link latencies
    double bandwidth_Bps = 0;    // the smallest bandwidth on the route (inf for a host to itself)
    bool cross_region = false;
  };

  const std::vector<HostInfo>& get_hosts() const { return hosts_; }
  const std::vector<ZoneInfo>& get_zones() const { return zones_; }
  const std::vector<std::string>& get_regions() const { return regions_; }
  std::optional<uint32_t> find_host(const std::string& name) const;
  std::optional<uint32_t> find_zone(const std::string& name) const;
  std::optional<uint32_t> find_region(const std::string& name) const;
  uint32_t region_of_host(uint32_t host) const { return zones_[hosts_[host].zone].region; }
  /** The route from `from` to `to` (cached after the first call for a pair). */
  Path path(uint32_t from, uint32_t to) const;
  const PlatformSpec& get_spec() const { return spec_; }

private:
  explicit Platform(const PlatformSpec& spec);
  void build_yaml();
  void build_xml();

  PlatformSpec spec_;
  std::vector<HostInfo> hosts_;
  std::vector<ZoneInfo> zones_;
  std::vector<std::string> regions_;
  mutable std::vector<std::optional<Path>> paths_; // [from * hosts + to]
};

} // namespace orchsim::sim
