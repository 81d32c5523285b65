// sim/PlatformSpec.hpp
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "sim/InputError.hpp"

namespace orchsim::sim {

/** The platform a scenario runs on, as the scenario file describes it (docs/PLATFORM.md): regions made
 *  of zones, hosts in zones, the links between them. sim::Platform builds it into SimGrid netzones.
 *  Plain data in SI units (bytes per second, seconds, flop/s); the loader validates every value. */

enum class HostKind : uint8_t { CPU, GPU };

/** A network link: SimGrid's link with its bandwidth and latency. */
struct LinkSpec {
  double bandwidth_Bps = 1.25e9; // bytes per second (10 Gbps)
  double latency_s = 0.0;
};

/** `count` hosts of one kind in a zone, named `<name>-0` ... `<name>-<count-1>` (`<name>` alone when
 *  count is 1). */
struct HostGroupSpec {
  std::string name;
  uint32_t count = 1;
  HostKind kind = HostKind::CPU;
  double speed_flops = 1e9; // per core
  uint32_t cores = 1;
};

/** A zone (an availability zone, a rack): a SimGrid star zone. Each host reaches the zone's switch over
 *  its own link (`host_link`); the zone's clients (the requests of sources located here, and the
 *  orchestrator serving them) reach it over `client_link`. */
struct ZoneSpec {
  std::string name;
  uint32_t region = 0; // index into PlatformSpec::regions
  std::vector<HostGroupSpec> hosts;
  LinkSpec host_link{1.25e9, 50e-6};   // 10 Gbps, 50 us
  LinkSpec client_link{1.25e9, 1e-3};  // 10 Gbps, 1 ms
};

struct RegionSpec {
  std::string name;
};

/** The link between two zones. Names may be zones or regions; a region stands for each of its zones,
 *  and all the zone pairs a route covers share its one link (a WAN link between regions). */
struct RouteSpec {
  std::vector<uint32_t> from_zones; // indices into PlatformSpec::zones
  std::vector<uint32_t> to_zones;
  LinkSpec link;
  std::string name; // `route <i> (<a> - <b>)` for messages and the link's SimGrid name
};

enum class NetworkModel : uint8_t {
  /** SimGrid's default TCP model: max-min sharing with correction factors calibrated on fresh TCP
   *  connections (latency x 13.01: slow start), a window bound and reverse acknowledgement traffic. */
  LV08,
  /** Max-min fair sharing without factors: a transfer takes latency + size / its fair share of the
   *  bottleneck. The default: calls between services run over warm, persistent connections (HTTP/2,
   *  gRPC), where propagation latency and bandwidth share are what a call sees. */
  CM02,
};

struct PlatformSpec {
  std::vector<RegionSpec> regions;
  std::vector<ZoneSpec> zones;
  std::vector<RouteSpec> routes;
  /** Zone pairs no route names: same region over `intra_region`, different regions over `inter_region`
   *  (one link per zone pair). */
  LinkSpec intra_region{1.25e9, 0.5e-3};
  LinkSpec inter_region{1.25e8, 40e-3};
  /** A SimGrid platform XML file (absolute, or relative to the working directory) used instead of
   *  regions/zones/routes: zones are its netzones that hold hosts, a zone's region its parent netzone. */
  std::string xml_path;
  InputLocation xml_where; // the `file:` key, for errors found when SimGrid reads the file
  NetworkModel model = NetworkModel::CM02;
  /** false: a transfer takes route latency + size / bottleneck bandwidth, as if alone on the network
   *  (no SimGrid activity; faster). true: SimGrid's network model shares links among transfers. */
  bool contention = true;
  double egress_usd_per_gb = 0.0; // billed per GB (1e9 bytes) that crosses a region boundary

  bool empty() const { return zones.empty() && xml_path.empty(); }
};

/** A place named by the scenario (a host, zone or region), with where it was named for errors
 *  found once the platform is built (names in an XML platform). */
struct PlaceRef {
  std::string name;
  InputLocation where;
};

} // namespace orchsim::sim
