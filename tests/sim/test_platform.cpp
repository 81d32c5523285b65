// tests/sim/test_platform.cpp: sim::Platform and sim::Activities against what SimGrid's resource models
// give by hand: a transfer takes latency + size / its max-min fair share, executions share a host's cores,
// routes between zones and regions add up their links, an XML platform is read with its zones and regions.
//
// SimGrid has one engine and one platform per process, sealed by the first run: every test builds its
// platform and runs its engine in a forked child (analysis::run_in_processes with parallel 2) and returns
// what it measured as JSON; the parent asserts. This process never touches SimGrid here. When tests that
// ran before in the same process have used SimGrid, a child forked now inherits it: the test case then
// runs again alone in a fresh copy of the test program (test::ran_in_fresh_process).
#include <catch2/catch.hpp>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>

#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "analysis/ProcessPool.hpp"
#include "sim/Activities.hpp"
#include "sim/Engine.hpp"
#include "sim/Platform.hpp"
#include "sim/PlatformSpec.hpp"
#include "tests/TestSupport.hpp"

using namespace orchsim;
using nlohmann::json;

namespace orchsim::test {

/** Declared in tests/TestSupport.hpp. When this process's SimGrid has run (an earlier test case ran a
 *  simulation here), no child forked from it can install a platform: runs the current test case alone in
 *  a fresh copy of this program, checks that it passed, and returns true (the caller returns at once).
 *  Returns false, doing nothing, when this process's SimGrid is untouched. */
bool ran_in_fresh_process()
{
  if (sim::Platform::process_is_fresh())
    return false;
  // Catch reads ',' as "or" and '\' as an escape: escape both so the name matches itself only.
  std::string spec;
  for (char c : Catch::getResultCapture().getCurrentTestName()) {
    if (c == ',' || c == '\\')
      spec += '\\';
    spec += c;
  }
  char log[] = "/tmp/orchsim-fresh-run-XXXXXX";
  const int fd = ::mkstemp(log);
  REQUIRE(fd >= 0);
  std::cout.flush();
  std::cerr.flush();
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    ::execl("/proc/self/exe", "orchsim_tests", spec.c_str(), static_cast<char*>(nullptr));
    std::_Exit(127);
  }
  ::close(fd);
  int status = 0;
  while (pid > 0 && ::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  std::stringstream output;
  output << std::ifstream(log).rdbuf();
  std::remove(log);
  INFO("this test case, run alone in a fresh process (SimGrid had run in this one):\n" << output.str());
  CHECK(pid > 0);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  // It ran, and only itself: Catch's summary says "(... in 1 test case)" or "test cases: 1 | ...".
  CHECK((output.str().find(" in 1 test case)") != std::string::npos ||
         output.str().find("test cases: 1 ") != std::string::npos));
  return true;
}

} // namespace orchsim::test

namespace {

/** Runs `work` in a forked child process and returns what it returned. */
json in_child(const std::function<json()>& work)
{
  return analysis::run_in_processes(
             1, 2, [&](size_t) { return work(); }, [](size_t) { return std::string("a sim::Platform test"); })
      .front();
}

constexpr uint32_t START = 0; // id: which of the test's actions to run
constexpr uint32_t DONE = 1;  // id: which activity ended

/** Runs the actions scheduled at their times and records when each activity's DONE event fires. */
class Recorder final : public sim::EventHandler {
public:
  explicit Recorder(sim::Engine& engine) : engine_(engine) {}
  void at(double time_s, std::function<void()> action)
  {
    engine_.schedule(time_s, START, static_cast<uint32_t>(actions_.size()));
    actions_.push_back(std::move(action));
  }
  void on_event(const sim::Event& event) override
  {
    if (event.kind == START)
      actions_.at(event.id)();
    else
      done_s[std::to_string(event.id)] = engine_.now_s();
  }
  std::map<std::string, double> done_s; // activity id -> when its last byte arrived / its last flop ran

private:
  sim::Engine& engine_;
  std::vector<std::function<void()>> actions_;
};

sim::Engine::Options lockstep()
{
  sim::Engine::Options options;
  options.sync = sim::SyncMode::LOCKSTEP;
  return options;
}

/** One region, one zone `z` with one host `h` (speed and cores as given). */
sim::PlatformSpec one_zone(const sim::LinkSpec& client_link, const sim::LinkSpec& host_link, uint32_t cores = 1,
                           double speed_flops = 1e9)
{
  sim::PlatformSpec spec;
  spec.model = sim::NetworkModel::CM02;
  spec.regions.push_back({"r"});
  sim::ZoneSpec zone;
  zone.name = "z";
  zone.region = 0;
  sim::HostGroupSpec group;
  group.name = "h";
  group.cores = cores;
  group.speed_flops = speed_flops;
  zone.hosts.push_back(group);
  zone.client_link = client_link;
  zone.host_link = host_link;
  spec.zones.push_back(zone);
  return spec;
}

/** The clients endpoint and the host of one_zone(). */
struct Ends {
  simgrid::s4u::Host* clients;
  simgrid::s4u::Host* host;
  uint32_t clients_index;
  uint32_t host_index;
};

Ends ends_of(const sim::Platform& platform)
{
  const auto& zone = platform.get_zones().front();
  const uint32_t h = zone.hosts.front();
  return {platform.get_hosts()[zone.clients].host, platform.get_hosts()[h].host, zone.clients, h};
}

} // namespace

TEST_CASE("sim::Platform: a transfer alone on an idle route takes latency + size / bandwidth", "[platform]")
{
  if (test::ran_in_fresh_process())
    return;
  const json out = in_child([] {
    const auto& platform = sim::Platform::install(one_zone({1e6, 10e-3}, {1e9, 0.0}));
    const Ends e = ends_of(platform);
    sim::Engine engine(lockstep());
    sim::Activities activities(engine);
    Recorder recorder(engine);
    recorder.at(0.0, [&] { activities.transfer(e.clients, e.host, 1e6, DONE, 0); });
    engine.run(recorder);
    const auto path = platform.path(e.clients_index, e.host_index);
    return json{{"done", recorder.done_s.at("0")},
                {"latency", path.latency_s},
                {"bandwidth", path.bandwidth_Bps},
                {"cross_region", path.cross_region},
                {"in_flight", activities.get_in_flight()}};
  });
  // CM02 without TCP factors: latency + size / bandwidth = 0.01 + 1e6 / 1e6 s.
  CHECK(out["done"].get<double>() == Approx(0.01 + 1.0).margin(1e-9));
  // The route is the client link then the host link: latencies add, the smaller bandwidth bounds.
  CHECK(out["latency"].get<double>() == Approx(0.01).margin(1e-15));
  CHECK(out["bandwidth"].get<double>() == 1e6);
  CHECK_FALSE(out["cross_region"].get<bool>());
  CHECK(out["in_flight"].get<uint32_t>() == 0);
}

TEST_CASE("sim::Activities: two flows on one link each get half of its bandwidth (max-min fair sharing)", "[platform]")
{
  if (test::ran_in_fresh_process())
    return;
  const json out = in_child([] {
    const auto& platform = sim::Platform::install(one_zone({1e6, 10e-3}, {1e9, 0.0}));
    const Ends e = ends_of(platform);
    json result;
    {
      sim::Engine engine(lockstep());
      sim::Activities activities(engine);
      Recorder recorder(engine);
      recorder.at(0.0, [&] {
        activities.transfer(e.clients, e.host, 1e6, DONE, 0);
        activities.transfer(e.clients, e.host, 1e6, DONE, 1);
      });
      engine.run(recorder);
      result["together"] = {recorder.done_s.at("0"), recorder.done_s.at("1")};
    }
    // A second run in the same process starts at SimGrid's clock where the first one ended; the run's
    // own clock starts at 0 again, so only the run times matter.
    {
      sim::Engine engine(lockstep());
      sim::Activities activities(engine);
      Recorder recorder(engine);
      recorder.at(0.0, [&] { activities.transfer(e.clients, e.host, 1e6, DONE, 0); });
      recorder.at(0.51, [&] { activities.transfer(e.clients, e.host, 1e6, DONE, 1); });
      engine.run(recorder);
      result["staggered"] = {recorder.done_s.at("0"), recorder.done_s.at("1")};
    }
    return result;
  });
  // Together: both in their latency phase until 0.01 s, then 1e6 B/s shared equally: 1e6 / 5e5 = 2 s more.
  CHECK(out["together"][0].get<double>() == Approx(0.01 + 2.0).margin(1e-9));
  CHECK(out["together"][1].get<double>() == Approx(0.01 + 2.0).margin(1e-9));
  // Staggered, by hand from max-min with SimGrid's latency phase (a flow takes no bandwidth until its
  // latency has elapsed):
  //   flow 0 alone at 1e6 B/s from 0.01 s; flow 1 starts at 0.51 s but takes no share until 0.52 s, so
  //   flow 0 has sent 0.51e6 B at 0.52 s. Then 5e5 B/s each: flow 0 ends 0.49e6 / 5e5 = 0.98 s later,
  //   at 1.50 s (not 0.01 + 0.5 + 0.5 / 0.5 = 1.51 s, which would share the link from 0.51 s). Flow 1
  //   has sent 0.49e6 B by then and sends its last 0.51e6 B alone: 0.51 s more, 2.01 s — the link was
  //   busy from 0.01 s with 2e6 B, so the last byte leaves at 0.01 + 2.0 s whatever the sharing.
  CHECK(out["staggered"][0].get<double>() == Approx(1.50).margin(1e-9));
  CHECK(out["staggered"][1].get<double>() == Approx(2.01).margin(1e-9));
}

TEST_CASE("sim::Activities: executions share a host's cores", "[platform]")
{
  if (test::ran_in_fresh_process())
    return;
  const json out = in_child([] {
    const auto& platform = sim::Platform::install(one_zone({1.25e9, 1e-3}, {1.25e9, 50e-6}, 2, 1e9));
    const Ends e = ends_of(platform);
    json result;
    {
      sim::Engine engine(lockstep());
      sim::Activities activities(engine);
      Recorder recorder(engine);
      recorder.at(0.0, [&] {
        for (uint32_t i = 0; i < 3; ++i)
          activities.execute(e.host, 1e9, DONE, i);
      });
      engine.run(recorder);
      result["three"] = {recorder.done_s.at("0"), recorder.done_s.at("1"), recorder.done_s.at("2")};
      result["started"] = activities.get_started();
    }
    {
      sim::Engine engine(lockstep());
      sim::Activities activities(engine);
      Recorder recorder(engine);
      recorder.at(0.0, [&] { activities.execute(e.host, 1e9, DONE, 0); });
      engine.run(recorder);
      result["alone"] = recorder.done_s.at("0");
    }
    return result;
  });
  // Three executions on 2 cores of 1e9 flop/s: 2e9 flop/s shared by three, 1e9 / (2e9 / 3) = 1.5 s each.
  for (int i = 0; i < 3; ++i)
    CHECK(out["three"][i].get<double>() == Approx(1.5).margin(1e-9));
  CHECK(out["started"].get<uint64_t>() == 3);
  // One execution runs on one core: 1e9 / 1e9 = 1 s (the idle second core does not speed it up).
  CHECK(out["alone"].get<double>() == Approx(1.0).margin(1e-9));
}

TEST_CASE("sim::Platform: routes between zones and regions add up their links", "[platform]")
{
  if (test::ran_in_fresh_process())
    return;
  const json out = in_child([] {
    sim::PlatformSpec spec;
    spec.regions = {{"ra"}, {"rb"}};
    sim::ZoneSpec a;
    a.name = "za";
    a.region = 0;
    a.hosts.push_back(sim::HostGroupSpec{"ha", 1, sim::HostKind::CPU, 1e9, 1});
    a.client_link = {1e8, 2e-3};
    a.host_link = {1e9, 50e-6};
    sim::ZoneSpec b;
    b.name = "zb";
    b.region = 1;
    b.hosts.push_back(sim::HostGroupSpec{"hb", 1, sim::HostKind::GPU, 1e12, 1});
    b.client_link = {1e8, 3e-3};
    b.host_link = {5e8, 100e-6};
    spec.zones = {a, b};
    // {between: [ra, rb], bandwidth: 1e7 B/s, latency: 40 ms}: a region stands for each of its zones.
    spec.routes.push_back(sim::RouteSpec{{0}, {1}, {1e7, 40e-3}, "route 0 (ra - rb)"});
    const auto& platform = sim::Platform::install(spec);
    const auto clients_a = platform.get_zones()[0].clients;
    const auto host_a = *platform.find_host("ha");
    const auto host_b = *platform.find_host("hb");
    auto path_json = [&](uint32_t from, uint32_t to) {
      const auto p = platform.path(from, to);
      return json{{"latency", p.latency_s}, {"bandwidth", p.bandwidth_Bps}, {"cross_region", p.cross_region}};
    };
    json result;
    result["cross"] = path_json(clients_a, host_b);
    result["back"] = path_json(host_b, clients_a);
    result["local"] = path_json(clients_a, host_a);
    result["self"] = path_json(host_a, host_a);
    result["region_of_b"] = platform.region_of_host(host_b);
    result["b_is_gpu"] = platform.get_hosts()[host_b].kind == sim::HostKind::GPU;
    // A transfer over the cross-region route takes its latency + size / its bottleneck.
    sim::Engine engine(lockstep());
    sim::Activities activities(engine);
    Recorder recorder(engine);
    recorder.at(0.0, [&] {
      activities.transfer(platform.get_hosts()[clients_a].host, platform.get_hosts()[host_b].host, 1e6, DONE, 0);
    });
    engine.run(recorder);
    result["transfer"] = recorder.done_s.at("0");
    return result;
  });
  // clients of za -> hb: za's client link + the WAN route + zb's host link.
  const double latency = 2e-3 + 40e-3 + 100e-6;
  CHECK(out["cross"]["latency"].get<double>() == Approx(latency).margin(1e-15));
  CHECK(out["cross"]["bandwidth"].get<double>() == 1e7); // min(1e8, 1e7, 5e8)
  CHECK(out["cross"]["cross_region"].get<bool>());
  CHECK(out["back"]["latency"].get<double>() == Approx(latency).margin(1e-15)); // routes are symmetric
  CHECK(out["back"]["cross_region"].get<bool>());
  // Inside za: the client link and the host link only.
  CHECK(out["local"]["latency"].get<double>() == Approx(2e-3 + 50e-6).margin(1e-15));
  CHECK(out["local"]["bandwidth"].get<double>() == 1e8);
  CHECK_FALSE(out["local"]["cross_region"].get<bool>());
  // A host to itself: no link, no latency, unbounded.
  CHECK(out["self"]["latency"].get<double>() == 0.0);
  CHECK(out["self"]["bandwidth"].is_null()); // infinity: JSON has no such number
  CHECK(out["region_of_b"].get<uint32_t>() == 1);
  CHECK(out["b_is_gpu"].get<bool>());
  // CM02: latency + 1e6 B / 1e7 B/s.
  CHECK(out["transfer"].get<double>() == Approx(latency + 0.1).margin(1e-9));
}

TEST_CASE("sim::Platform: install again with the same spec returns it, with another spec throws", "[platform]")
{
  if (test::ran_in_fresh_process())
    return;
  const json out = in_child([] {
    const auto spec = one_zone({1e6, 10e-3}, {1e9, 0.0});
    auto other = spec;
    other.zones[0].client_link.latency_s = 20e-3;
    json result;
    result["can_before"] = sim::Platform::can_install(spec);
    const auto& first = sim::Platform::install(spec);
    const auto& second = sim::Platform::install(spec);
    result["same"] = &first == &second;
    result["can_same"] = sim::Platform::can_install(spec);
    result["can_other"] = sim::Platform::can_install(other);
    try {
      sim::Platform::install(other);
      result["other"] = "installed";
    } catch (const std::logic_error& e) {
      result["other"] = std::string("logic_error: ") + e.what();
    }
    // After a run the platform is sealed and SimGrid's clock has moved: not even the same spec can
    // start a run at clock 0 any more.
    sim::Engine engine(lockstep());
    Recorder recorder(engine);
    recorder.at(1.0, [] {});
    engine.run(recorder);
    result["can_after_run"] = sim::Platform::can_install(spec);
    result["same_after_run"] = &sim::Platform::install(spec) == &first;
    return result;
  });
  CHECK(out["can_before"].get<bool>());
  CHECK(out["same"].get<bool>());
  CHECK(out["can_same"].get<bool>());
  CHECK_FALSE(out["can_other"].get<bool>());
  CHECK_THAT(out["other"].get<std::string>(), Catch::Matchers::StartsWith("logic_error: "));
  CHECK_FALSE(out["can_after_run"].get<bool>());
  CHECK(out["same_after_run"].get<bool>());
}

namespace {

/** Two regions (netzones eu and us under world): eu holds zones dc1 and dc2, us holds dc3. Every zone
 *  has a gateway router; zone routes go through the gateways. */
const char* XML_PLATFORM = R"(<?xml version='1.0'?>
<!DOCTYPE platform SYSTEM "https://simgrid.org/simgrid.dtd">
<platform version="4.1">
  <zone id="world" routing="Full">
    <zone id="eu" routing="Full">
      <zone id="dc1" routing="Full">
        <host id="gpu1" speed="100Gf" core="4">
          <prop id="kind" value="gpu"/>
        </host>
        <host id="cpu1" speed="2Gf"/>
        <router id="dc1-gw"/>
        <link id="gpu1-link" bandwidth="10GBps" latency="10us"/>
        <link id="cpu1-link" bandwidth="1GBps" latency="20us"/>
        <route src="gpu1" dst="cpu1"><link_ctn id="gpu1-link"/><link_ctn id="cpu1-link"/></route>
        <route src="gpu1" dst="dc1-gw"><link_ctn id="gpu1-link"/></route>
        <route src="cpu1" dst="dc1-gw"><link_ctn id="cpu1-link"/></route>
      </zone>
      <zone id="dc2" routing="Full">
        <host id="cpu2" speed="3Gf" core="2"/>
        <router id="dc2-gw"/>
        <link id="cpu2-link" bandwidth="1GBps" latency="30us"/>
        <route src="cpu2" dst="dc2-gw"><link_ctn id="cpu2-link"/></route>
      </zone>
      <link id="dc1-dc2" bandwidth="100MBps" latency="1ms"/>
      <zoneRoute src="dc1" dst="dc2" gw_src="dc1-gw" gw_dst="dc2-gw"><link_ctn id="dc1-dc2"/></zoneRoute>
    </zone>
    <zone id="us" routing="Full">
      <zone id="dc3" routing="Full">
        <host id="cpu3" speed="1Gf"/>
        <router id="dc3-gw"/>
        <link id="cpu3-link" bandwidth="1GBps" latency="40us"/>
        <route src="cpu3" dst="dc3-gw"><link_ctn id="cpu3-link"/></route>
      </zone>
    </zone>
    <link id="wan" bandwidth="10MBps" latency="40ms"/>
    <zoneRoute src="eu" dst="us" gw_src="dc1-gw" gw_dst="dc3-gw"><link_ctn id="wan"/></zoneRoute>
  </zone>
</platform>
)";

/** A folder of its own under the system's temporary folder, removed with everything in it. */
struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const std::string& stem)
      : path(std::filesystem::temp_directory_path() / (stem + "-" + std::to_string(::getpid())))
  {
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

} // namespace

TEST_CASE("sim::Platform: an XML platform gives its hosts, zones, regions and kind property", "[platform]")
{
  if (test::ran_in_fresh_process())
    return;
  TempDir dir("orchsim-xml-platform-test");
  const auto file = dir.path / "platform.xml";
  std::ofstream(file) << XML_PLATFORM;
  const json out = in_child([&] {
    sim::PlatformSpec spec;
    spec.xml_path = file.string();
    const auto& platform = sim::Platform::install(spec);
    json result;
    for (const auto& h : platform.get_hosts())
      result["hosts"][h.name] = {{"zone", platform.get_zones()[h.zone].name},
                                 {"region", platform.get_regions()[platform.get_zones()[h.zone].region]},
                                 {"gpu", h.kind == sim::HostKind::GPU},
                                 {"speed", h.speed_flops},
                                 {"cores", h.cores},
                                 {"client", h.client}};
    for (const auto& z : platform.get_zones()) {
      json hosts = json::array();
      for (uint32_t h : z.hosts)
        hosts.push_back(platform.get_hosts()[h].name);
      result["zones"][z.name] = {{"region", platform.get_regions()[z.region]},
                                 {"hosts", hosts},
                                 {"clients", platform.get_hosts()[z.clients].name}};
    }
    result["regions"] = platform.get_regions();
    auto path_json = [&](const char* from, const char* to) {
      const auto p = platform.path(*platform.find_host(from), *platform.find_host(to));
      return json{{"latency", p.latency_s}, {"bandwidth", p.bandwidth_Bps}, {"cross_region", p.cross_region}};
    };
    result["gpu1-cpu1"] = path_json("gpu1", "cpu1");
    result["cpu2-cpu1"] = path_json("cpu2", "cpu1");
    result["gpu1-cpu3"] = path_json("gpu1", "cpu3");
    return result;
  });
  const auto& hosts = out["hosts"];
  REQUIRE(hosts.size() == 4);
  CHECK(hosts["gpu1"]["zone"] == "dc1");
  CHECK(hosts["gpu1"]["region"] == "eu");
  CHECK(hosts["gpu1"]["gpu"].get<bool>()); // <prop id="kind" value="gpu"/>
  CHECK(hosts["gpu1"]["speed"].get<double>() == 100e9);
  CHECK(hosts["gpu1"]["cores"].get<uint32_t>() == 4);
  CHECK_FALSE(hosts["cpu1"]["gpu"].get<bool>()); // no kind property: cpu
  CHECK(hosts["cpu1"]["speed"].get<double>() == 2e9);
  CHECK(hosts["cpu2"]["zone"] == "dc2");
  CHECK(hosts["cpu2"]["region"] == "eu");
  CHECK(hosts["cpu2"]["cores"].get<uint32_t>() == 2);
  CHECK(hosts["cpu3"]["zone"] == "dc3");
  CHECK(hosts["cpu3"]["region"] == "us");
  for (const auto& [name, h] : hosts.items())
    CHECK_FALSE(h["client"].get<bool>()); // every XML host is placeable

  // Zones: the netzones that hold hosts; a zone's region is its parent netzone.
  const auto& zones = out["zones"];
  REQUIRE(zones.size() == 3);
  CHECK(zones["dc1"]["region"] == "eu");
  CHECK(zones["dc1"]["hosts"].size() == 2);
  CHECK(zones["dc2"]["region"] == "eu");
  CHECK(zones["dc3"]["region"] == "us");
  CHECK(zones["dc3"]["hosts"] == json::array({"cpu3"}));
  // A zone's clients are its first host.
  CHECK(zones["dc1"]["clients"] == zones["dc1"]["hosts"][0]);
  CHECK(out["regions"].size() == 2);

  // Paths: the file's routes, hierarchically through the gateways.
  CHECK(out["gpu1-cpu1"]["latency"].get<double>() == Approx(10e-6 + 20e-6).margin(1e-15));
  CHECK(out["gpu1-cpu1"]["bandwidth"].get<double>() == 1e9);
  CHECK_FALSE(out["gpu1-cpu1"]["cross_region"].get<bool>());
  CHECK(out["cpu2-cpu1"]["latency"].get<double>() == Approx(30e-6 + 1e-3 + 20e-6).margin(1e-15));
  CHECK(out["cpu2-cpu1"]["bandwidth"].get<double>() == 1e8);
  CHECK_FALSE(out["cpu2-cpu1"]["cross_region"].get<bool>());
  CHECK(out["gpu1-cpu3"]["latency"].get<double>() == Approx(10e-6 + 40e-3 + 40e-6).margin(1e-15));
  CHECK(out["gpu1-cpu3"]["bandwidth"].get<double>() == 1e7);
  CHECK(out["gpu1-cpu3"]["cross_region"].get<bool>());
}
