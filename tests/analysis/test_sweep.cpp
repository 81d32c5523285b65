// Sweeps (docs/SWEEPS.md): the sweep file and its points, run seeds, the outputs of `orchsim sweep`, resuming
// after a kill, shards and `orchsim merge`, progress, bad sweep files, and the readers of the outputs.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "analysis/Profiles.hpp"
#include "analysis/SweepFile.hpp"
#include "analysis/SweepPlan.hpp"
#include "analysis/SweepProgress.hpp"
#include "analysis/SweepTables.hpp"
#include "models/Units.hpp"
#include "sim/InputError.hpp"
#include "tests/CliSupport.hpp"
#include "tests/TestSupport.hpp"

namespace analysis = orchsim::analysis;
namespace models = orchsim::models;
namespace results = orchsim::results;
namespace sim = orchsim::sim;
namespace test = orchsim::test;
using Catch::Matchers::Contains;
using Catch::Matchers::Message;

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using orchsim::test::run_cli;
using orchsim::test::slurp;

const std::string MM1 = ORCHSIM_SOURCE_DIR "/scenarios/reference/mm1.yaml";
const std::string SMALL = "tests/data/sweeps/mm1-small.yaml"; // 16 runs, relative to the source folder

fs::path fresh_dir(const std::string& name)
{
  const fs::path dir = fs::temp_directory_path() / ("orchsim-sweep-" + std::to_string(::getpid())) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

/** A sweep file `dir/name` over scenarios/reference/mm1.yaml: the scenario line, then `body`. */
std::string write_sweep(const fs::path& dir, const std::string& body, const std::string& name = "sweep.yaml")
{
  std::ofstream(dir / name) << "scenario: " << MM1 << "\n" << body;
  return (dir / name).string();
}

analysis::SweepSpec spec_of(const std::string& body)
{
  return analysis::load_sweep_file(write_sweep(fresh_dir("spec"), body));
}

/** Every regular file under `dir` (hidden ones too): relative path -> bytes. */
std::map<std::string, std::string> tree(const fs::path& dir)
{
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file())
      files[fs::relative(e.path(), dir).string()] = slurp(e.path());
  return files;
}

void require_same_files(const fs::path& expected, const fs::path& actual)
{
  const auto a = tree(expected), b = tree(actual);
  std::vector<std::string> names_a, names_b;
  for (const auto& [name, _] : a)
    names_a.push_back(name);
  for (const auto& [name, _] : b)
    names_b.push_back(name);
  REQUIRE(names_a == names_b);
  for (const auto& [name, bytes] : a) {
    INFO(name);
    CHECK(bytes == b.at(name));
  }
}

size_t run_files(const fs::path& dir)
{
  size_t n = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir / "runs", ec))
    n += e.path().extension() == ".json" && e.path().filename().string()[0] != '.';
  return n;
}

} // namespace

// ---- the sweep file ------------------------------------------------------------------------------

TEST_CASE("analysis::SweepFile: a grid is the cartesian product of its parameters, the first slowest", "[sweep]")
{
  const auto s = analysis::load_sweep_file(ORCHSIM_SOURCE_DIR "/tests/data/sweeps/mmc-load.yaml");
  REQUIRE(s.parameters.size() == 4);
  CHECK(s.parameters[0].values == std::vector<std::string>{"2/s", "3/s", "3.6/s"});
  CHECK(s.parameters[1].values == std::vector<std::string>{"2", "4", "6", "8"});
  CHECK(s.parameters[2].values == std::vector<std::string>{"0.5", "0.6", "0.7", "0.8", "0.9", "1"});
  CHECK(s.parameters[3].values == std::vector<std::string>{"1", "2", "4", "8", "16", "32", "64"});
  CHECK(s.parameters[0].si_suffix == "_per_s");
  CHECK(s.parameters[1].si_suffix.empty());
  REQUIRE(s.points.size() == 3 * 4 * 6 * 7);
  CHECK(s.points[0] == std::vector<std::string>{"2/s", "2", "0.5", "1"});
  CHECK(s.points[1] == std::vector<std::string>{"2/s", "2", "0.5", "2"});
  CHECK(s.points[7] == std::vector<std::string>{"2/s", "2", "0.6", "1"});
  CHECK(s.points.back() == std::vector<std::string>{"3.6/s", "8", "1", "64"});
  CHECK(s.seed == 7);
  CHECK(s.replications == 3);
  CHECK(s.overrides == std::vector<std::string>{"simulation.requests=20000"});
  CHECK(s.scenario == fs::path(ORCHSIM_SOURCE_DIR "/scenarios/reference/mmc.yaml").lexically_normal().string());
}

TEST_CASE("analysis::SweepFile: zip pairs the i-th values of every parameter", "[sweep]")
{
  const auto s = spec_of(
      "combine: zip\nparameters:\n  workload.0.arrival.rate: {values: [0.5/s, 0.6/s, 0.7/s]}\n"
      "  services.server.concurrency: {range: {from: 1, to: 3, step: 1}}\n");
  REQUIRE(s.points.size() == 3);
  CHECK(s.points[0] == std::vector<std::string>{"0.5/s", "1"});
  CHECK(s.points[2] == std::vector<std::string>{"0.7/s", "3"});
}

TEST_CASE("analysis::SweepFile: ranges stop at their end, run downwards, and log ranges are geometric", "[sweep]")
{
  const auto s = spec_of(
      "parameters:\n"
      "  a.down: {range: {from: 10, to: 0, step: 3}}\n"
      "  a.tenths: {range: {from: 0, to: 0.3, step: 0.1}, unit: s}\n"
      "  a.log: {log_range: {from: 0.1, to: 10, count: 5}}\n"
      "  a.decades: {log_range: {from: 1, to: 1000, count: 4}, unit: /s}\n"
      "  a.rounded: {range: {from: 1, to: 2, count: 3, integer: false}}\n"
      "  a.map: {values: [{strategy: random}, ~, 'a: b']}\n");
  CHECK(s.parameters[0].values == std::vector<std::string>{"10", "7", "4", "1"});
  CHECK(s.parameters[1].values == std::vector<std::string>{"0s", "0.1s", "0.2s", "0.3s"});
  CHECK(s.parameters[1].si_suffix == "_s");
  CHECK(s.parameters[2].values == std::vector<std::string>{"0.1", "0.316227766017", "1", "3.16227766017", "10"});
  CHECK(s.parameters[3].values == std::vector<std::string>{"1/s", "10/s", "100/s", "1000/s"});
  CHECK(s.parameters[4].values == std::vector<std::string>{"1", "1.5", "2"});
  // Values go to --set as one line of YAML that reads back as written.
  CHECK(s.parameters[5].values == std::vector<std::string>{"{strategy: random}", "~", "\"a: b\""});
  CHECK(s.parameters[5].si_suffix.empty());
  CHECK(s.points.size() == 4 * 4 * 5 * 4 * 3 * 3);
}

TEST_CASE("analysis::SweepFile: a Latin hypercube puts one point in each stratum of each parameter", "[sweep]")
{
  const std::string body =
      "sample: {method: latin_hypercube, points: 20, seed: 3}\nparameters:\n"
      "  simulation.load_scale: {min: 0.5, max: 1}\n"
      "  services.server.latency.mean: {min: 0.1, max: 10, log: true, unit: s}\n"
      "  services.server.concurrency: {min: 1, max: 20, integer: true}\n";
  const auto s = spec_of(body);
  REQUIRE(s.points.size() == 20);
  std::set<long> linear, logarithmic, whole;
  for (const auto& p : s.points) {
    const double scale = *models::parse_number(p[0]), mean = *models::parse_duration_s(p[1]);
    linear.insert(std::lround(std::floor((scale - 0.5) / 0.5 * 20)));
    logarithmic.insert(std::lround(std::floor(std::log(mean / 0.1) / std::log(100.0) * 20)));
    whole.insert(std::stol(p[2]));
  }
  CHECK(linear.size() == 20);
  CHECK(*linear.rbegin() == 19);
  CHECK(logarithmic.size() == 20);
  CHECK(*logarithmic.rbegin() == 19);
  CHECK(whole.size() == 20); // 20 whole numbers in 20 strata: each exactly once
  CHECK(*whole.begin() == 1);
  CHECK(*whole.rbegin() == 20);
  CHECK(s.parameters[1].si_suffix == "_s");
  CHECK(spec_of(body).points == s.points);
  std::string other = body;
  other.replace(other.find("seed: 3"), 7, "seed: 4");
  CHECK(spec_of(other).points != s.points);
}

TEST_CASE("analysis::SweepFile: random samples are reproducible from their seed and stay in their interval", "[sweep]")
{
  const std::string body =
      "seed: 5\nsample: {method: random, points: 50}\nparameters:\n"
      "  workload.0.arrival.rate: {min: 0.2, max: 0.9, unit: /s}\n"
      "  services.server.instances: {min: 1, max: 4, integer: true}\n";
  const auto s = spec_of(body);
  REQUIRE(s.points.size() == 50);
  CHECK(s.sample_seed == 5); // the sweep's seed when the sample names none
  std::set<std::string> instances;
  for (const auto& p : s.points) {
    const double rate = *models::parse_rate_per_s(p[0]);
    CHECK((rate >= 0.2 && rate <= 0.9));
    instances.insert(p[1]);
  }
  CHECK(instances == std::set<std::string>{"1", "2", "3", "4"});
  CHECK(spec_of(body).points == s.points);
  CHECK(spec_of("seed: 6\n" + body.substr(body.find('\n') + 1)).points != s.points);
}

// ---- seeds, runs and the manifest ------------------------------------------------------------------

TEST_CASE("analysis::SweepPlan: a run's seed depends on the sweep seed, point and replication only", "[sweep]")
{
  // splitmix64(splitmix64(splitmix64(seed) ^ point) ^ replication) >> 11, pinned (computed independently).
  CHECK(analysis::sweep_run_seed(7, 0, 0) == 5488937907533707ULL);
  CHECK(analysis::sweep_run_seed(7, 1, 0) == 3942955559692228ULL);
  CHECK(analysis::sweep_run_seed(7, 0, 1) == 8677100917786336ULL);
  CHECK(analysis::sweep_run_seed(0, 0, 0) == 1249383295688599ULL);
  const auto plan = analysis::plan_sweep(analysis::load_sweep_file(ORCHSIM_SOURCE_DIR "/" + SMALL));
  REQUIRE(plan.runs.size() == 16);
  std::map<std::pair<size_t, uint32_t>, uint64_t> by_point_replication;
  std::set<uint64_t> distinct;
  for (const auto& r : plan.runs) {
    CHECK(r.seed == analysis::sweep_run_seed(11, r.point, r.replication));
    CHECK(r.seed <= (1ULL << 53)); // what the scenario loader accepts
    const auto [it, fresh] = by_point_replication.emplace(std::make_pair(r.point, r.replication), r.seed);
    CHECK(it->second == r.seed); // the same in every profile: common random numbers
    if (fresh)
      distinct.insert(r.seed);
  }
  CHECK(distinct.size() == 8); // 4 points x 2 replications, all different
  CHECK(plan.runs[0].id == "p0-baseline-r0");
  CHECK(plan.runs[3].id == "p0-random-r1");
  CHECK(analysis::run_command(plan, plan.runs[3]) ==
        "orchsim run " + fs::path(MM1).lexically_normal().string() +
            " --profile random --set simulation.requests=2000 --set workload.0.arrival.rate=0.5/s "
            "--set services.server.latency.mean=0.8s --seed 6685933810835667");
}

TEST_CASE("analysis::SweepPlan: the manifest reads back into the same plan", "[sweep]")
{
  const auto plan = analysis::plan_sweep(analysis::load_sweep_file(ORCHSIM_SOURCE_DIR "/" + SMALL));
  const std::string text = analysis::manifest_text(plan);
  const auto back = analysis::plan_of_manifest(json::parse(text), "sweep.json");
  CHECK(analysis::manifest_text(back) == text);
  CHECK(back.parameters[0].si_suffix == "_per_s");
  REQUIRE_THROWS_MATCHES(analysis::plan_of_manifest(json{{"kind", "run"}}, "x.json"), sim::InputError,
                         Message("x.json: not a sweep manifest (kind sweep, schema_version 1)"));
}

TEST_CASE("analysis::SweepTables: a run's record holds the headline metrics of Profiles.hpp, in order", "[sweep]")
{
  const auto result = test::run_file("scenarios/reference/mm1.yaml", {"simulation.requests=2000"});
  const auto record = analysis::sweep_record(results::to_json(result), "mm1.json");
  const auto headline = analysis::headline_metrics(result);
  const auto& names = analysis::sweep_metric_names();
  REQUIRE(names.size() == headline.size() + 1);
  CHECK(names[0] == "offered_per_s");
  CHECK(*record.metrics[0] == Approx(static_cast<double>(result.totals.offered) / result.run.window_s));
  for (size_t i = 0; i < headline.size(); ++i) {
    INFO(headline[i].first);
    CHECK(names[i + 1] == headline[i].first);
    CHECK(record.metrics[i + 1] == headline[i].second);
  }
  CHECK(record.complete);
}

TEST_CASE("analysis::SweepProgress: a terminal gets one line redrawn in place, a log a line per interval", "[sweep]")
{
  double now = 100;
  std::ostringstream log;
  analysis::SweepProgress lines(log, analysis::SweepProgress::Style::LINES, 5, "sweep x", [&] { return now; });
  lines.update(0, 10);
  now = 101;
  lines.update(1, 10); // before the interval: nothing
  now = 106;
  lines.update(3, 10);
  now = 107;
  lines.update(4, 10);
  now = 108;
  lines.update(10, 10);
  lines.finish();
  CHECK(log.str() == "sweep x: 3/10 runs, 0.5 runs/s, ETA 14 s\nsweep x: 10/10 runs, 1.25 runs/s, in 8.0 s\n");

  std::ostringstream terminal;
  now = 0;
  analysis::SweepProgress bar(terminal, analysis::SweepProgress::Style::BAR, 5, "sweep x", [&] { return now; });
  bar.update(0, 4);
  now = 1;
  bar.update(2, 4);
  now = 2;
  bar.update(4, 4);
  bar.finish();
  CHECK(terminal.str() ==
        "\r[############............] sweep x: 2/4 runs, 2 runs/s, ETA 1.0 s\x1b[K"
        "\r[########################] sweep x: 4/4 runs, 2 runs/s, in 2.0 s\x1b[K\n");

  std::ostringstream quiet;
  analysis::SweepProgress none(quiet, analysis::SweepProgress::Style::NONE, 5, "sweep x", [&] { return now; });
  none.update(1, 4);
  none.finish();
  CHECK(quiet.str().empty());
}

// ---- bad sweep files -----------------------------------------------------------------------------

TEST_CASE("analysis::SweepFile: each sweep of tests/data/bad-sweeps is refused with the message on its first line",
          "[sweep]")
{
  const fs::path folder = fs::path(ORCHSIM_SOURCE_DIR "/tests/data/bad-sweeps").lexically_normal();
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(folder))
    if (e.path().extension() == ".yaml")
      files.push_back(e.path());
  std::sort(files.begin(), files.end());
  CHECK(files.size() >= 30);
  for (const auto& file : files) {
    DYNAMIC_SECTION(file.filename().string())
    {
      std::ifstream in(file);
      std::string first;
      std::getline(in, first);
      const std::string EXPECT = "# expect: ";
      REQUIRE(first.rfind(EXPECT, 0) == 0);
      std::string text = first.substr(EXPECT.size());
      for (size_t at; (at = text.find("${DIR}")) != std::string::npos;)
        text.replace(at, 6, folder.string());
      REQUIRE_THROWS_MATCHES(analysis::plan_sweep(analysis::load_sweep_file(file.string())), sim::InputError,
                             Message(file.string() + ":" + text));
    }
  }
}

// ---- the command ---------------------------------------------------------------------------------

TEST_CASE("cli: sweep writes every run, the manifest and the CSVs, and a run reruns alone from its command",
          "[sweep][cli]")
{
  const fs::path dir = fresh_dir("whole");
  auto r = run_cli("sweep " + SMALL + " --out " + dir.string() + " --jobs 2 --quiet");
  REQUIRE(r.code == 0);
  CHECK(r.err.empty());
  CHECK_THAT(r.out, Contains("sweep mm1-small: 16 runs (4 points x 2 profiles x 2 replications): 16 run now, 0 "
                             "done before"));
  CHECK(run_files(dir) == 16);
  for (const char* f : {"sweep.json", "runs.csv", "summary.csv"})
    CHECK(fs::exists(dir / f));
  const json manifest = json::parse(slurp(dir / "sweep.json"));
  CHECK(manifest["kind"] == "sweep");
  CHECK(manifest["scenario"]["path"] == "scenarios/reference/mm1.yaml");
  CHECK(manifest["sweep"]["sha256"].get<std::string>().size() == 64);
  const json& run = manifest["runs"][13];
  CHECK(run["id"] == "p3-baseline-r1");
  const json doc = json::parse(slurp(dir / run["file"].get<std::string>()));
  CHECK_FALSE(doc.contains("host"));

  // The recorded command, run alone, gives the same document outside `host`.
  std::string command = run["command"];
  const fs::path alone = dir.parent_path() / "alone.json";
  command.replace(0, std::string("orchsim ").size(), "");
  REQUIRE(run_cli(command + " --out " + alone.string()).code == 0);
  json again = json::parse(slurp(alone));
  CHECK(again.contains("host"));
  again.erase("host");
  CHECK(again.dump(2) + "\n" == slurp(dir / run["file"].get<std::string>()));

  // Everything done: the same command again runs nothing and rewrites nothing.
  const auto before = tree(dir);
  r = run_cli("sweep " + SMALL + " --out " + dir.string() + " --quiet");
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Contains("0 run now, 16 done before"));
  CHECK(tree(dir) == before);
}

TEST_CASE("cli: a sweep killed in the middle and run again writes the same files as an uninterrupted one",
          "[sweep][cli]")
{
  const fs::path work = fresh_dir("kill");
  const std::string sweep = write_sweep(work,
                                        "seed: 3\nreplications: 8\noverrides: [simulation.requests=100000]\n"
                                        "parameters:\n  workload.0.arrival.rate: {values: [0.5/s, 0.6/s, 0.7/s]}\n");
  const fs::path whole = work / "whole", resumed = work / "resumed";
  REQUIRE(run_cli("sweep " + sweep + " --out " + whole.string() + " --jobs 2 --quiet").code == 0);

  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::dup2(null, 2);
    ::execl(ORCHSIM_CLI_PATH, ORCHSIM_CLI_PATH, "sweep", sweep.c_str(), "--out", resumed.c_str(), "--jobs", "2",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (run_files(resumed) < 4 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  const size_t done = run_files(resumed);
  INFO("runs written before the kill: " << done);
  REQUIRE(done >= 4);
  REQUIRE(done < 24); // killed in the middle, else the test proves nothing
  CHECK_FALSE(fs::exists(resumed / "runs.csv"));

  const auto r = run_cli("sweep " + sweep + " --out " + resumed.string() + " --jobs 2 --quiet");
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Contains(std::to_string(24 - done) + " run now, " + std::to_string(done) + " done before"));
  require_same_files(whole, resumed);
}

TEST_CASE("cli: shards of a sweep merged give the files of the whole sweep, byte for byte", "[sweep][cli]")
{
  const fs::path work = fresh_dir("shards");
  const std::string whole = (work / "whole").string(), a = (work / "a").string(), b = (work / "b").string(),
                    merged = (work / "merged").string(), shared = (work / "shared").string();
  REQUIRE(run_cli("sweep " + SMALL + " --out " + whole + " --quiet").code == 0);
  auto r = run_cli("sweep " + SMALL + " --out " + a + " --shard 0/2 --quiet");
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Contains("shard 0/2: 8 of 16 runs"));
  CHECK_THAT(r.out, Contains("a shard writes no CSVs"));
  CHECK(run_files(a) == 8);
  CHECK_FALSE(fs::exists(fs::path(a) / "runs.csv"));
  REQUIRE(run_cli("sweep " + SMALL + " --out " + b + " --shard 1/2 --quiet").code == 0);
  r = run_cli("merge " + a + " " + b + " --out " + merged);
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Contains("merged sweep mm1-small: 16 runs from 2 folders: 16 copied"));
  require_same_files(whole, merged);

  // Shards sharing one folder, merged in place.
  REQUIRE(run_cli("sweep " + SMALL + " --out " + shared + " --shard 1/2 --quiet").code == 0);
  REQUIRE(run_cli("sweep " + SMALL + " --out " + shared + " --shard 0/2 --quiet").code == 0);
  REQUIRE(run_cli("merge " + shared + " --out " + shared).code == 0);
  require_same_files(whole, shared);
}

TEST_CASE("cli: merge refuses missing runs, shards of different sweeps and conflicting files", "[sweep][cli]")
{
  const fs::path work = fresh_dir("merge-refusals");
  const std::string a = (work / "a").string(), b = (work / "b").string(), out = (work / "out").string();
  REQUIRE(run_cli("sweep " + SMALL + " --out " + a + " --shard 0/2 --quiet").code == 0);
  REQUIRE(run_cli("sweep " + SMALL + " --out " + b + " --shard 1/2 --quiet").code == 0);

  auto r = run_cli("merge " + a + " --out " + out);
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("8 of 16 runs are in none of the folders (p0-baseline-r1, p0-random-r1, "));
  CHECK_FALSE(fs::exists(out));

  const std::string other = write_sweep(work,
                                        "name: mm1-small\nseed: 12\nparameters:\n  simulation.load_scale: "
                                        "{values: [1]}\n");
  const std::string c = (work / "c").string();
  REQUIRE(run_cli("sweep " + other + " --out " + c + " --quiet").code == 0);
  r = run_cli("merge " + a + " " + c + " --out " + out);
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains(c + "/sweep.json: not the sweep of " + a + "/sweep.json: another sweep file (sha256 "));

  const std::string copy = (work / "copy").string();
  fs::copy(a, copy, fs::copy_options::recursive);
  std::ofstream(fs::path(copy) / "runs/p0-baseline-r0.json", std::ios::app) << " ";
  r = run_cli("merge " + a + " " + b + " " + copy + " --out " + out);
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains(copy + "/runs/p0-baseline-r0.json: conflicts with " + a + "/runs/p0-baseline-r0.json"));
  CHECK_FALSE(fs::exists(out));
}

TEST_CASE("cli: a sweep folder of a changed sweep file or scenario is refused, and --force starts it again",
          "[sweep][cli]")
{
  const fs::path work = fresh_dir("changed");
  fs::copy_file(MM1, work / "mm1.yaml");
  auto write = [&](const std::string& seed) {
    std::ofstream(work / "sweep.yaml") << "scenario: mm1.yaml\nseed: " << seed
                                       << "\noverrides: [simulation.requests=2000]\n";
  };
  const std::string dir = (work / "out").string(),
                    args = "sweep " + (work / "sweep.yaml").string() + " --quiet --out " + dir;
  write("1");
  REQUIRE(run_cli(args).code == 0);
  write("2");
  auto r = run_cli(args);
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains(dir + "/sweep.json: the folder holds the runs of another sweep file (sha256 "));
  CHECK_THAT(r.err, Contains("Rerun with --force to discard them and start again, or choose another --out"));
  r = run_cli(args + " --force");
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Contains("1 run now, 0 done before"));
  CHECK(json::parse(slurp(fs::path(dir) / "runs/p0-baseline-r0.json"))["context"]["seed"] ==
        analysis::sweep_run_seed(2, 0, 0));

  std::ofstream(work / "mm1.yaml", std::ios::app) << "# edited\n";
  r = run_cli(args);
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("the folder holds the runs of another base scenario (sha256 "));
}

TEST_CASE("cli: sweep progress is plain lines on stderr when it is not a terminal, and --quiet silences it",
          "[sweep][cli]")
{
  const fs::path work = fresh_dir("progress");
  auto r = run_cli("sweep " + SMALL + " --out " + (work / "a").string() + " --jobs 1 --progress-interval 0");
  REQUIRE(r.code == 0);
  std::stringstream lines(r.err);
  std::vector<std::string> got;
  for (std::string line; std::getline(lines, line);)
    got.push_back(line);
  REQUIRE(got.size() == 16); // one per run at interval 0
  CHECK(got[0].rfind("sweep mm1-small: 1/16 runs, ", 0) == 0);
  CHECK_THAT(got.back(), Contains("sweep mm1-small: 16/16 runs, ") && Contains(" runs/s, in "));
  CHECK(r.err.find('\r') == std::string::npos);

  r = run_cli("sweep " + SMALL + " --out " + (work / "b").string() + " --jobs 2");
  REQUIRE(r.code == 0);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1); // a fast sweep: just the final count
  CHECK_THAT(r.err, Contains("16/16 runs"));

  r = run_cli("sweep " + SMALL + " --out " + (work / "c").string() + " --quiet");
  REQUIRE(r.code == 0);
  CHECK(r.err.empty());
  CHECK_FALSE(r.out.empty());
}

TEST_CASE("cli: the sweep CSVs load in Python's csv module, and in pandas when it is installed", "[sweep][cli]")
{
  // Debian's python3 (scripts/install-deps installs python3-pandas for it), not whatever python3 is first on PATH.
  const fs::path dir = fresh_dir("csv");
  REQUIRE(run_cli("sweep " + SMALL + " --out " + dir.string() + " --quiet").code == 0);
  const fs::path script = dir.parent_path() / "read_csv.py", out = dir.parent_path() / "read_csv.out";
  std::ofstream(script) << R"(import csv, sys
d = sys.argv[1]
for name, rows_expected in (("runs.csv", 16), ("summary.csv", 8)):
    with open(d + "/" + name, newline="") as f:
        rows = list(csv.reader(f, strict=True))
    header = rows[0]
    assert len(rows) == rows_expected + 1, (name, len(rows))
    assert all(len(r) == len(header) for r in rows), name
    assert len(set(header)) == len(header), name
    for r in rows[1:]:
        for h, v in zip(header, r):
            if h.endswith(("_s", "_per_s", "_ratio", "_mean", "_ci_low", "_ci_high")) and v != "":
                float(v)
print("csv ok")
)";
  int status = std::system(
      ("/usr/bin/python3 " + script.string() + " " + dir.string() + " > " + out.string() + " 2>&1").c_str());
  INFO(slurp(out));
  REQUIRE(WEXITSTATUS(status) == 0);
  if (std::system("/usr/bin/python3 -c 'import pandas' > /dev/null 2>&1") != 0) {
    WARN("pandas is not installed (Debian: python3-pandas): the pandas check is skipped");
    return;
  }
  const std::string pandas = "/usr/bin/python3 -c \"import pandas as pd; r = pd.read_csv('" +
                             (dir / "runs.csv").string() + "'); s = pd.read_csv('" + (dir / "summary.csv").string() +
                             "'); assert r.shape[0] == 16 and s.shape[0] == 8; "
                             "assert r['latency_p99_s'].dtype == 'float64'; assert r['complete'].dtype == 'bool'; "
                             "assert r['seed'].dtype == 'int64'; assert s['n'].tolist() == [2] * 8\" > " +
                             out.string() + " 2>&1";
  status = std::system(pandas.c_str());
  INFO(slurp(out));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("cli: sweep --format gbench is read by Google Benchmark's own compare.py", "[sweep][cli]")
{
  const char* compare_py = "/usr/share/benchmark/compare.py";
  REQUIRE(fs::exists(compare_py));
  const fs::path work = fresh_dir("gbench");
  // The same points twice, the second with half the service time: same names, every point faster.
  const std::string body =
      "name: load\nreplications: 4\nparameters:\n  workload.0.arrival.rate: {values: [0.5/s, 0.7/s]}\n";
  const std::string a = write_sweep(work, body + "overrides: [simulation.requests=2000]\n", "a.yaml");
  const std::string b =
      write_sweep(work, body + "overrides: [simulation.requests=2000, services.server.latency.mean=0.5s]\n", "b.yaml");
  auto r = run_cli("sweep " + a + " --out " + (work / "a").string() + " --format gbench --quiet");
  REQUIRE(r.code == 0);
  const json ja = json::parse(r.out);
  REQUIRE(ja["benchmarks"].size() == 8); // 2 points x 4 replications
  CHECK(ja["benchmarks"][0]["name"] == "load/baseline/workload.0.arrival.rate=0.5/s");
  CHECK(ja["benchmarks"][3]["repetition_index"] == 3);
  CHECK(ja["benchmarks"][4]["family_index"] == 1);
  std::ofstream(work / "a.json") << r.out;
  r = run_cli("sweep " + b + " --out " + (work / "b").string() + " --format gbench --quiet");
  REQUIRE(r.code == 0);
  std::ofstream(work / "b.json") << r.out;
  const fs::path report = work / "report.txt";
  const int status =
      std::system(("/usr/bin/python3 " + std::string(compare_py) + " --no-color benchmarks " +
                   (work / "a.json").string() + " " + (work / "b.json").string() + " > " + report.string() + " 2>&1")
                      .c_str());
  INFO(slurp(report));
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK_THAT(slurp(report), Contains("load/baseline/workload.0.arrival.rate=0.7/s_pvalue"));
}

TEST_CASE("cli: a bad sweep file, bad options and a folder that is no sweep exit 2 with a message", "[sweep][cli]")
{
  const std::string dir = fresh_dir("usage").string();
  auto r = run_cli("sweep tests/data/bad-sweeps/zip_lengths.yaml --out " + dir);
  CHECK(r.code == 2);
  CHECK(r.err ==
        "tests/data/bad-sweeps/zip_lengths.yaml:6:32: parameters.services.server.concurrency: zip needs "
        "lists of one length: this one has 3 values, parameters.workload.0.arrival.rate has 2\n");
  r = run_cli("sweep " + SMALL + " --out " + dir + " --shard 2/2");
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("--shard: expected I/N with 0 <= I < N (e.g. 0/4), found '2/2'"));
  r = run_cli("sweep " + SMALL + " --out " + dir + " --shard 0/2 --format gbench");
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("--format gbench needs the whole sweep"));
  r = run_cli("sweep");
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("missing SWEEP file"));
  r = run_cli("merge " + dir + " --out " + dir + "/x");
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains(dir + ": not a sweep folder: it has no sweep.json"));
}
