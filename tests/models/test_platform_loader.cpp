// tests/models/test_platform_loader.cpp: the loader reads `platform:` and the platform keys of services,
// sources, selection and faults into the spec structs (sim/PlatformSpec.hpp, models/Scenario.hpp), in SI
// units, and refuses platform-only keys without a platform. Bad files: tests/data/bad/platform_*.yaml.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "models/Distribution.hpp"
#include "models/ScenarioLoader.hpp"
#include "sim/InputError.hpp"

using Catch::Matchers::Message;
using namespace orchsim;
using models::FaultSpec;
using models::load_scenario_text;
using sim::InputError;

namespace {

const std::string FILE_PATH = ORCHSIM_SOURCE_DIR "/tests/inline.yaml";

/** Two regions, three zones, hosts of both kinds. */
const std::string PLATFORM = R"(
platform:
  network:
    model: cm02
    contention: true
    egress_usd_per_gb: 0.02
    intra_region: {bandwidth: 10Gbps, latency: 0.5ms}
    inter_region: {bandwidth: 1Gbps, latency: 40ms}
  regions:
    eu:
      zones:
        eu-a:
          hosts:
            - {name: gpu, count: 4, kind: gpu, speed: 312Tf, cores: 2}
            - {name: front, speed: 2Gf}
          host_link: {bandwidth: 25Gbps, latency: 50us}
          client_link: {bandwidth: 1.25GBps, latency: 1ms}
        eu-b:
          hosts: [{name: cpu, count: 2, kind: cpu, cores: 16}]
    us:
      zones:
        us-a:
          hosts: [{name: big, count: 2, kind: gpu, speed: 1Pf}]
  routes:
    - {between: [eu, us], bandwidth: 1Gbps, latency: 40ms}
    - {between: [eu-a, eu-b], bandwidth: 100Mbps, latency: 2ms}
)";

const std::string REST = R"(
workflows:
  w: {steps: [{name: only, service: s}]}
workload:
  - {workflow: w, arrival: {process: poisson, rate: 1/s}, tokens: {input: 100, output: 20}}
)";

std::string scenario(const std::string& platform, const std::string& services, const std::string& extra = "")
{
  return "simulation: {seed: 1, duration: 1h}\n" + platform + "services:\n" + services + REST + extra;
}

models::Scenario load(const std::string& text, const std::vector<std::string>& overrides = {})
{
  return load_scenario_text(text, FILE_PATH, overrides);
}

} // namespace

TEST_CASE("models::ScenarioLoader: a YAML platform becomes regions, zones, hosts and routes in SI units",
          "[models][platform-loader]")
{
  const auto s = load(scenario(PLATFORM, "  s: {latency: 1s}\n"));
  const auto& p = s.platform;
  REQUIRE_FALSE(p.empty());
  CHECK(p.xml_path.empty());
  CHECK(p.model == sim::NetworkModel::CM02);
  CHECK(p.contention);
  CHECK(p.egress_usd_per_gb == Approx(0.02));
  CHECK(p.intra_region.bandwidth_Bps == Approx(1.25e9)); // 10 Gbps / 8
  CHECK(p.intra_region.latency_s == Approx(0.5e-3));
  CHECK(p.inter_region.bandwidth_Bps == Approx(1.25e8));
  CHECK(p.inter_region.latency_s == Approx(0.04));

  REQUIRE(p.regions.size() == 2);
  CHECK(p.regions[0].name == "eu");
  CHECK(p.regions[1].name == "us");
  REQUIRE(p.zones.size() == 3);
  CHECK(p.zones[0].name == "eu-a");
  CHECK(p.zones[0].region == 0);
  CHECK(p.zones[1].name == "eu-b");
  CHECK(p.zones[1].region == 0);
  CHECK(p.zones[2].name == "us-a");
  CHECK(p.zones[2].region == 1);

  const auto& eu_a = p.zones[0];
  REQUIRE(eu_a.hosts.size() == 2);
  CHECK(eu_a.hosts[0].name == "gpu");
  CHECK(eu_a.hosts[0].count == 4);
  CHECK(eu_a.hosts[0].kind == sim::HostKind::GPU);
  CHECK(eu_a.hosts[0].speed_flops == Approx(312e12));
  CHECK(eu_a.hosts[0].cores == 2);
  CHECK(eu_a.hosts[1].name == "front");
  CHECK(eu_a.hosts[1].count == 1); // defaults: one cpu host with one core
  CHECK(eu_a.hosts[1].kind == sim::HostKind::CPU);
  CHECK(eu_a.hosts[1].speed_flops == Approx(2e9));
  CHECK(eu_a.hosts[1].cores == 1);
  CHECK(eu_a.host_link.bandwidth_Bps == Approx(25e9 / 8));
  CHECK(eu_a.host_link.latency_s == Approx(50e-6));
  CHECK(eu_a.client_link.bandwidth_Bps == Approx(1.25e9));
  CHECK(eu_a.client_link.latency_s == Approx(1e-3));
  // Links not written keep ZoneSpec's defaults.
  const sim::ZoneSpec defaults;
  CHECK(p.zones[1].host_link.bandwidth_Bps == defaults.host_link.bandwidth_Bps);
  CHECK(p.zones[1].client_link.latency_s == defaults.client_link.latency_s);
  CHECK(p.zones[1].hosts[0].speed_flops == Approx(1e9));
  CHECK(p.zones[1].hosts[0].cores == 16);

  REQUIRE(p.routes.size() == 2);
  CHECK(p.routes[0].name == "route 0 (eu - us)");
  CHECK(p.routes[0].from_zones == std::vector<uint32_t>{0, 1}); // a region stands for its zones
  CHECK(p.routes[0].to_zones == std::vector<uint32_t>{2});
  CHECK(p.routes[0].link.bandwidth_Bps == Approx(1.25e8));
  CHECK(p.routes[0].link.latency_s == Approx(0.04));
  CHECK(p.routes[1].name == "route 1 (eu-a - eu-b)");
  CHECK(p.routes[1].from_zones == std::vector<uint32_t>{0});
  CHECK(p.routes[1].to_zones == std::vector<uint32_t>{1});
  CHECK(p.routes[1].link.bandwidth_Bps == Approx(12.5e6));
}

TEST_CASE("models::ScenarioLoader: network defaults are PlatformSpec's and a scenario without platform has none",
          "[models][platform-loader]")
{
  const auto minimal =
      load(scenario("platform:\n  regions: {r: {zones: {z: {hosts: [{name: h}]}}}}\n", "  s: {latency: 1s}\n"));
  const sim::PlatformSpec defaults;
  CHECK(minimal.platform.model == sim::NetworkModel::CM02);
  CHECK(minimal.platform.contention);
  CHECK(minimal.platform.egress_usd_per_gb == 0.0);
  CHECK(minimal.platform.intra_region.bandwidth_Bps == defaults.intra_region.bandwidth_Bps);
  CHECK(minimal.platform.inter_region.latency_s == defaults.inter_region.latency_s);
  CHECK(minimal.platform.routes.empty());

  const auto none = load(scenario("", "  s: {latency: 1s, zones: [x, y]}\n"));
  CHECK(none.platform.empty());
  CHECK(none.services[0].zones == std::vector<std::string>{"x", "y"});
  CHECK(none.services[0].zone_refs.empty()); // labels only
}

TEST_CASE("models::ScenarioLoader: placement, client location, payload and work are read against the platform",
          "[models][platform-loader]")
{
  const std::string services = R"(  s:
    instances: 4
    zones: [eu-a, us-a]
    host_kind: gpu
    work: {flops: {dist: lognormal, median: 2Tf, p99: 20Tf}, per_input_token: 1Gf, per_output_token: 20Gf}
    payload: {request: {dist: lognormal, median: 2KB, p99: 20KB}, response: 8KiB, per_input_token: 4B, per_output_token: 4B}
  pinned: {latency: 1s, hosts: [gpu-0, front], payload: {request: 1MB}}
)";
  auto text = scenario(PLATFORM, services);
  text.replace(text.find("tokens: {input"), 0, "location: us-a, ");
  const auto s = load(text);
  const auto& svc = s.services[0];
  CHECK(svc.latency == nullptr);
  CHECK(svc.zones == std::vector<std::string>{"eu-a", "us-a"});
  REQUIRE(svc.zone_refs.size() == 2);
  CHECK(svc.zone_refs[1].name == "us-a");
  CHECK(svc.zone_refs[1].where.key_path == "services.s.zones.1");
  CHECK(svc.zone_refs[1].where.line == 31);
  CHECK(svc.hosts.empty());
  REQUIRE(svc.host_kind);
  CHECK(*svc.host_kind == sim::HostKind::GPU);

  REQUIRE(svc.work);
  REQUIRE(svc.work->flops);
  // Written in flops and bytes, drawn in flops and bytes: the same lognormal as with plain numbers.
  CHECK(svc.work->flops->mean().value_or(0) == Approx(*models::make_lognormal_median_p99(2e12, 20e12)->mean()));
  CHECK(svc.work->flops_per_input_token == Approx(1e9));
  CHECK(svc.work->flops_per_output_token == Approx(20e9));

  REQUIRE(svc.payload.request_bytes);
  CHECK(svc.payload.request_bytes->mean().value_or(0) == Approx(*models::make_lognormal_median_p99(2e3, 20e3)->mean()));
  REQUIRE(svc.payload.response_bytes);
  CHECK(svc.payload.response_bytes->mean().value_or(0) == Approx(8192));
  CHECK(svc.payload.request_bytes_per_input_token == 4.0);
  CHECK(svc.payload.response_bytes_per_output_token == 4.0);

  const auto& pinned = s.services[1];
  REQUIRE(pinned.hosts.size() == 2);
  CHECK(pinned.hosts[0].name == "gpu-0");
  CHECK(pinned.hosts[1].name == "front"); // a group of one host is named after the group
  CHECK(pinned.hosts[1].where.key_path == "services.pinned.hosts.1");
  CHECK(pinned.zones.empty());
  CHECK(pinned.payload.request_bytes->mean().value_or(0) == Approx(1e6));
  CHECK_FALSE(pinned.payload.response_bytes);

  REQUIRE(s.sources[0].location);
  CHECK(s.sources[0].location->name == "us-a");
  CHECK(s.sources[0].location->where.key_path == "workload.0.location");
}

TEST_CASE("models::ScenarioLoader: a batching service gets its concurrency from max_batch and needs no platform",
          "[models][platform-loader]")
{
  const auto s = load(scenario("", R"(  s:
    instances: 2
    batching: {max_batch: 32, max_batch_tokens: 4096, base: 20ms, per_sequence: 0.2ms, per_prefill_token: 0.15ms,
               per_context_token: 0.5us}
  defaults: {batching: {base: 10ms}}
)"));
  const auto& svc = s.services[0];
  CHECK(svc.latency == nullptr);
  CHECK_FALSE(svc.work);
  REQUIRE(svc.batching);
  CHECK(svc.batching->max_batch == 32);
  CHECK(svc.batching->max_batch_tokens == 4096);
  CHECK(svc.batching->base_s == Approx(0.02));
  CHECK(svc.batching->per_sequence_s == Approx(0.2e-3));
  CHECK(svc.batching->per_prefill_token_s == Approx(0.15e-3));
  CHECK(svc.batching->per_context_token_s == Approx(0.5e-6));
  CHECK(svc.concurrency == 32);
  const models::BatchingSpec defaults;
  REQUIRE(s.services[1].batching);
  CHECK(s.services[1].batching->max_batch == defaults.max_batch);
  CHECK(s.services[1].batching->max_batch_tokens == defaults.max_batch_tokens);
  CHECK(s.services[1].concurrency == defaults.max_batch);
}

TEST_CASE("models::ScenarioLoader: zone and region outages become one OUTAGE fault each", "[models][platform-loader]")
{
  const std::string faults = R"(faults:
  - {type: zone_outage, zone: eu-b, at: 10m, duration: 5m}
  - {type: region_outage, region: us, at: 2m}
  - {type: zone_outage, zone: eu-a, at: 10m, duration: 5m, name: rack-fire}
  - {type: crash, service: s, at: 1m, duration: 1m}
)";
  const auto text = scenario(PLATFORM, "  s: {latency: 1s, instances: 3, zones: [eu-a, eu-b]}\n", faults);
  const auto s = load(text);
  REQUIRE(s.faults.size() == 4); // by start time
  CHECK(s.faults[0].kind == FaultSpec::Kind::CRASH);
  const auto& region = s.faults[1];
  CHECK(region.kind == FaultSpec::Kind::OUTAGE);
  CHECK(region.name == "fault 1 (region_outage us)");
  CHECK(region.place.name == "us");
  CHECK(region.place_is_region);
  CHECK(region.start_s == Approx(120));
  CHECK(region.duration_s == models::INF);
  const auto& zone = s.faults[2];
  CHECK(zone.kind == FaultSpec::Kind::OUTAGE);
  CHECK(zone.name == "fault 0 (zone_outage eu-b)");
  CHECK(zone.place.name == "eu-b");
  CHECK(zone.place.where.key_path == "faults.0.zone");
  CHECK(zone.place.where.line > 0);
  CHECK_FALSE(zone.place_is_region);
  CHECK(zone.instances.empty());
  CHECK(zone.start_s == Approx(600));
  CHECK(zone.duration_s == Approx(300));
  CHECK(s.faults[3].name == "rack-fire"); // a different zone may be out at the same time

  const auto items = models::fault_items(text, {});
  REQUIRE(items.size() == 4);
  CHECK(items[0].label == "fault 0 (zone_outage eu-b)");
  CHECK(items[1].label == "fault 1 (region_outage us)");
  CHECK(items[2].label == "rack-fire");
  // An item loads alone, as validation runs it.
  const auto alone = load(text, {"faults=[" + items[1].yaml + "]"});
  REQUIRE(alone.faults.size() == 1);
  CHECK(alone.faults[0].name == "fault 0 (region_outage us)");

  SECTION("two outages of one zone may not overlap")
  {
    REQUIRE_THROWS_MATCHES(
        load(text, {"faults.2.zone=eu-b"}), InputError,
        Message(FILE_PATH + ":38:5: faults.2: overlaps fault 0 (zone_outage eu-b) on the same zone: faults of one "
                            "kind must not overlap in time"));
  }
  SECTION("without a platform a zone outage is still one crash per service placed there")
  {
    const auto labels = load(scenario("", "  s: {latency: 1s, instances: 3, zones: [eu-a, eu-b]}\n",
                                      "faults: [{type: zone_outage, zone: eu-a, at: 10m, duration: 5m}]\n"));
    REQUIRE(labels.faults.size() == 1);
    CHECK(labels.faults[0].kind == FaultSpec::Kind::CRASH);
    CHECK(labels.faults[0].instances == std::vector<uint32_t>{0, 2});
  }
}

TEST_CASE("models::ScenarioLoader: locality selection reads spill_at, in the orchestrator and in profiles",
          "[models][platform-loader]")
{
  const std::string extra = R"(orchestrator:
  selection: {strategy: locality, spill_at: 2.5}
profiles:
  baseline: {}
  local:
    orchestrator: {selection: {strategy: locality}}
)";
  const auto text = scenario(PLATFORM, "  s: {latency: 1s}\n", extra);
  const auto s = load(text);
  CHECK(s.orchestrator.selection.strategy == models::SelectionStrategy::LOCALITY);
  CHECK(s.orchestrator.selection.spill_at == Approx(2.5));
  const auto local = load_scenario_text(text, FILE_PATH, {}, "local");
  CHECK(local.orchestrator.selection.strategy == models::SelectionStrategy::LOCALITY);
  CHECK(local.orchestrator.selection.spill_at == 1.0);
  REQUIRE_THROWS_MATCHES(load(text, {"orchestrator.selection.spill_at=0"}), InputError,
                         Message("--set orchestrator.selection.spill_at=0: orchestrator.selection.spill_at: expected "
                                 "a load per slot > 0 (outstanding calls per concurrency slot), found '0'"));
}

TEST_CASE("models::ScenarioLoader: --set reaches platform keys like any other", "[models][platform-loader]")
{
  const auto text = scenario(PLATFORM, "  s: {latency: 1s}\n");
  const auto s = load(text, {"platform.network.contention=false", "platform.regions.eu.zones.eu-b.hosts.0.count=8",
                             "platform.network.model=lv08"});
  CHECK_FALSE(s.platform.contention);
  CHECK(s.platform.model == sim::NetworkModel::LV08);
  CHECK(s.platform.zones[1].hosts[0].count == 8);
  REQUIRE_THROWS_MATCHES(load(text, {"platform.network.inter_region.bandwidth=1Gbit"}), InputError,
                         Message("--set platform.network.inter_region.bandwidth=1Gbit: "
                                 "platform.network.inter_region.bandwidth: expected a bandwidth with a unit (10Gbps, "
                                 "100Mbps, 125MBps), found '1Gbit'"));
  REQUIRE_THROWS_MATCHES(load(text, {"platform.network.contention=maybe"}), InputError,
                         Message("--set platform.network.contention=maybe: platform.network.contention: expected true "
                                 "or false, found 'maybe'"));
}

TEST_CASE("models::ScenarioLoader: an XML platform is resolved next to the scenario and its names are not checked",
          "[models][platform-loader]")
{
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "orchsim_test_platform_loader";
  fs::create_directories(dir / "platforms");
  std::ofstream(dir / "platforms" / "two-dc.xml") << "<?xml version='1.0'?>\n<platform version=\"4.1\"/>\n";
  const std::string path = (dir / "scenario.yaml").string();
  const std::string xml = "platform:\n  file: platforms/two-dc.xml\n  network: {contention: false}\n";
  auto text = scenario(xml, "  s: {latency: 1s, zones: [dc1], host_kind: gpu}\n  t: {latency: 1s, hosts: [node-7]}\n",
                       "faults: [{type: region_outage, region: west, at: 1m, duration: 1m}]\n");
  text.replace(text.find("tokens: {input"), 0, "location: client.example.org, ");

  const auto s = load_scenario_text(text, path);
  CHECK(s.platform.xml_path == (dir / "platforms" / "two-dc.xml").string());
  CHECK(s.platform.xml_where.key_path == "platform.file");
  CHECK(s.platform.xml_where.line == 3);
  CHECK(s.platform.zones.empty());
  CHECK_FALSE(s.platform.empty());
  CHECK_FALSE(s.platform.contention);
  REQUIRE(s.services[0].zone_refs.size() == 1);
  CHECK(s.services[0].zone_refs[0].name == "dc1");
  CHECK(s.services[1].hosts[0].name == "node-7");
  CHECK(s.sources[0].location->name == "client.example.org");
  CHECK(s.faults[0].kind == FaultSpec::Kind::OUTAGE);
  CHECK(s.faults[0].place.name == "west");

  REQUIRE_THROWS_MATCHES(load_scenario_text(text, path, {"platform.network.intra_region={latency: 1ms}"}), InputError,
                         Message("--set platform.network.intra_region={latency: 1ms}: platform.network.intra_region: "
                                 "an XML platform's links are in its file: expected no 'intra_region' beside 'file'"));
  REQUIRE_THROWS_MATCHES(load_scenario_text(text, path, {"platform.file=platforms/none.xml"}), InputError,
                         Message("--set platform.file=platforms/none.xml: platform.file: cannot open platform file '" +
                                 (dir / "platforms" / "none.xml").string() + "': No such file or directory"));
  fs::remove_all(dir);
}

TEST_CASE("models::ScenarioLoader: platform-only keys without a platform are refused at the key",
          "[models][platform-loader]")
{
  const std::string needs = " needs a `platform:` section (docs/PLATFORM.md)";
  auto refused = [&](const std::string& services, const std::string& message, const std::string& extra = "") {
    REQUIRE_THROWS_MATCHES(load(scenario("", services, extra)), InputError, Message(FILE_PATH + ":" + message));
  };
  refused("  s:\n    work: {flops: 1Gf}\n", "4:5: services.s.work: `work`" + needs);
  refused("  s:\n    latency: 1s\n    hosts: [a]\n", "5:5: services.s.hosts: `hosts`" + needs);
  refused("  s:\n    latency: 1s\n    host_kind: gpu\n", "5:5: services.s.host_kind: `host_kind`" + needs);
  auto text = scenario("", "  s: {latency: 1s}\n");
  text.replace(text.find("tokens: {input"), 0, "location: eu-a, ");
  REQUIRE_THROWS_MATCHES(load(text), InputError, Message(FILE_PATH + ":8:59: workload.0.location: `location`" + needs));
}

TEST_CASE("models::ScenarioLoader: a service takes exactly one of latency, work and batching",
          "[models][platform-loader]")
{
  auto refused = [&](const std::string& services, const std::string& message) {
    REQUIRE_THROWS_MATCHES(load(scenario(PLATFORM, services)), InputError, Message(FILE_PATH + ":" + message));
  };
  refused("  s:\n    latency: 1s\n    batching: {base: 1ms}\n",
          "31:5: services.s.batching: expected either 'latency' or 'batching', not both");
  refused("  s:\n    work: {flops: 1Gf}\n    batching: {base: 1ms}\n",
          "31:5: services.s.batching: expected either 'work' or 'batching', not both");
  refused("  s:\n    instances: 2\n",
          "29:3: services.s: missing required key 'latency' (or 'work' or 'batching': how long a call takes)");
  refused("  s:\n    latency: 1s\n    host_kind: gpu\n",
          "31:16: services.s.host_kind: zone 'eu-b' has no gpu host; without `zones` or `hosts` the instances are "
          "placed in every zone");
  refused("  s:\n    latency: 1s\n    host_kind: cpu\n    hosts: [front, gpu-1]\n",
          "32:20: services.s.hosts.1: host 'gpu-1' is not a cpu host (host_kind: cpu)");
}
