// The orchsim executable end to end: commands, output files, exit codes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <sys/wait.h>
#include <nlohmann/json.hpp>

#include "tests/CliSupport.hpp"

namespace fs = std::filesystem;
using orchsim::test::run_cli;
using orchsim::test::slurp;

namespace {

fs::path temp_dir()
{
  const fs::path dir = fs::temp_directory_path() / ("orchsim-cli-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir;
}

} // namespace

TEST_CASE("cli: run prints a summary and writes the result JSON atomically", "[cli]")
{
  const fs::path out = temp_dir() / "nested" / "mm1.json";
  fs::remove(out);
  const auto r = run_cli("run scenarios/reference/mm1.yaml --set simulation.requests=20000 --out " + out.string());
  REQUIRE(r.code == 0);
  CHECK(r.out.find("workflow") != std::string::npos);
  CHECK(r.out.find("job") != std::string::npos);
  REQUIRE(fs::exists(out));
  const auto j = nlohmann::json::parse(slurp(out));
  CHECK(j["schema_version"] == 1);
  CHECK(j["context"]["scenario"]["sha256"].get<std::string>().size() == 64);
  CHECK(j["context"]["overrides"][0] == "simulation.requests=20000");
  CHECK(j["metrics"]["workflows"]["job"]["offered"] == 19000);
  CHECK(j["metrics"]["workflows"]["job"]["latency_s"].contains("p999"));
  // No temporary file is left beside the result.
  for (const auto& entry : fs::directory_iterator(out.parent_path()))
    CHECK(entry.path().filename() == "mm1.json");
}

TEST_CASE("cli: two runs of the same inputs write identical JSON apart from host", "[cli][determinism]")
{
  const fs::path dir = temp_dir();
  const std::string args = "run scenarios/reference/mmc.yaml --seed 9 --set simulation.requests=30000 --out ";
  REQUIRE(run_cli(args + (dir / "a.json").string()).code == 0);
  REQUIRE(run_cli(args + (dir / "b.json").string()).code == 0);
  auto a = nlohmann::json::parse(slurp(dir / "a.json"));
  auto b = nlohmann::json::parse(slurp(dir / "b.json"));
  a.erase("host");
  b.erase("host");
  CHECK(a.dump() == b.dump());
}

TEST_CASE("cli: --format json prints the result document", "[cli]")
{
  const auto r = run_cli("run scenarios/reference/md1.yaml --set simulation.requests=5000 --format json");
  REQUIRE(r.code == 0);
  CHECK(nlohmann::json::parse(r.out)["metrics"]["services"]["server"]["slots"] == 1);
}

TEST_CASE("cli: check validates, explain prints the compiled model", "[cli]")
{
  auto r = run_cli("check scenarios/reference/mmc.yaml");
  CHECK(r.code == 0);
  CHECK(r.out.find("ok") != std::string::npos);
  r = run_cli("explain scenarios/reference/mmc.yaml");
  CHECK(r.code == 0);
  CHECK(r.out.find("offered load vs capacity") != std::string::npos);
  CHECK(r.out.find("90.0%") != std::string::npos); // rho = 3.6 / 4
  r = run_cli("check scenarios/reference/mm1k.yaml");
  CHECK(r.code == 0);
  CHECK(r.err.find("utilization 1.2") != std::string::npos); // overload is a warning, not an error
}

TEST_CASE("cli: usage errors and bad input exit 2 with one clear message", "[cli]")
{
  auto r = run_cli("");
  CHECK(r.code == 2);
  r = run_cli("frobnicate");
  CHECK(r.code == 2);
  CHECK(r.err.find("unknown command 'frobnicate'") != std::string::npos);
  r = run_cli("run");
  CHECK(r.code == 2);
  CHECK(r.err.find("missing scenario FILE") != std::string::npos);
  r = run_cli("run scenarios/reference/mm1.yaml --bogus");
  CHECK(r.code == 2);
  r = run_cli("run scenarios/reference/mm1.yaml --format xml");
  CHECK(r.code == 2);
  r = run_cli("run does-not-exist.yaml");
  CHECK(r.code == 2);
  CHECK(r.err == "does-not-exist.yaml: cannot open scenario file: No such file or directory\n");
  r = run_cli("run scenarios/reference/mm1.yaml --set simulation.requests=-5");
  CHECK(r.code == 2);
  CHECK(r.err.rfind("--set simulation.requests=-5: simulation.requests: ", 0) == 0);
}

TEST_CASE("cli: a run bound ends the run cleanly, marked incomplete, exit 2", "[cli]")
{
  const fs::path out = temp_dir() / "bounded.json";
  const auto r = run_cli("run scenarios/reference/mm1.yaml --max-events 1000 --out " + out.string());
  CHECK(r.code == 2);
  const auto j = nlohmann::json::parse(slurp(out));
  CHECK(j["metrics"]["run"]["complete"] == false);
  CHECK(j["metrics"]["run"]["events"] == 1000);
}

TEST_CASE("cli: --help and --version", "[cli]")
{
  auto r = run_cli("--help");
  CHECK(r.code == 0);
  CHECK(r.out.find("explain") != std::string::npos);
  r = run_cli("run --help");
  CHECK(r.code == 0);
  CHECK(r.out.find("--set") != std::string::npos);
  r = run_cli("--version");
  CHECK(r.code == 0);
  CHECK(r.out.find("SimGrid 3.32") != std::string::npos);
}

TEST_CASE("cli: a scenario whose time cannot advance is refused, not run forever", "[cli]")
{
  const auto r = run_cli("run tests/data/zero-time-loop.yaml");
  CHECK(r.code == 2);
  CHECK(r.err.rfind("tests/data/zero-time-loop.yaml: simulated time stopped advancing", 0) == 0);
}

TEST_CASE("cli: run --profiles runs every profile with replications and writes the profiles document", "[cli]")
{
  const fs::path out = temp_dir() / "profiles.json";
  const fs::path runs = temp_dir() / "runs";
  fs::remove(out);
  fs::remove_all(runs);
  const auto r = run_cli("run tests/data/learning.yaml --profiles predictive,oracle --replications 2 -j 2 --out " +
                         out.string() + " --runs-dir " + runs.string());
  REQUIRE(r.code == 0);
  CHECK(r.out.find("amplification [95% CI]") != std::string::npos);
  CHECK(r.out.find("predictive") != std::string::npos);
  const auto j = nlohmann::json::parse(slurp(out));
  CHECK(j["kind"] == "profiles");
  CHECK(j["context"]["profiles"] == nlohmann::json::array({"baseline", "predictive", "oracle"}));
  CHECK(j["context"]["seeds"] == nlohmann::json::array({5, 6}));
  CHECK(j["profiles"]["baseline"]["amplification"]["mean"] == 1.0);
  CHECK(j["profiles"]["predictive"]["metrics"]["effectiveness"]["values"].size() == 2);
  // Every run's own result, re-runnable alone with its seed.
  for (const char* name : {"baseline-r0.json", "predictive-r1.json", "oracle-r1.json"})
    CHECK(fs::exists(runs / name));
  auto one = nlohmann::json::parse(slurp(runs / "predictive-r1.json"));
  CHECK(one["context"]["profile"] == "predictive");
  CHECK(one["context"]["seed"] == 6);
  // The run alone, with its profile and seed, is the same document outside `host`.
  const fs::path alone = temp_dir() / "alone.json";
  REQUIRE(run_cli("run tests/data/learning.yaml --profile predictive --seed 6 --out " + alone.string()).code == 0);
  auto again = nlohmann::json::parse(slurp(alone));
  one.erase("host");
  again.erase("host");
  CHECK(one.dump() == again.dump());
}

TEST_CASE("cli: a wrong profile or profile options exit 2 with a message", "[cli]")
{
  auto r = run_cli("run tests/data/learning.yaml --profile fastest");
  CHECK(r.code == 2);
  CHECK(r.err.find("--profile fastest: unknown profile 'fastest'") != std::string::npos);
  r = run_cli("run tests/data/learning.yaml --profile predictive --profiles all");
  CHECK(r.code == 2);
  CHECK(r.err.find("--profile and --profiles exclude each other") != std::string::npos);
  r = run_cli("run tests/data/learning.yaml --profiles all --replications 0");
  CHECK(r.code == 2);
  CHECK(r.err.find("--replications") != std::string::npos);
}

TEST_CASE("cli: compare exits 0 without a regression, 1 with one, 2 on bad input", "[cli][compare]")
{
  const fs::path dir = temp_dir() / "compare";
  fs::remove_all(dir);
  fs::create_directories(dir / "base");
  fs::create_directories(dir / "slow");
  const double p99s[] = {1.00, 1.12, 0.93, 1.05, 0.97, 1.08, 0.95, 1.02, 0.99, 1.10};
  for (int i = 0; i < 10; ++i)
    for (const auto& [side, scale] : {std::pair<const char*, double>{"base", 1.0}, {"slow", 1.5}}) {
      const nlohmann::json run = {{"schema_version", 1},
                                  {"context", {{"scenario", {{"sha256", "abc"}}}}},
                                  {"metrics", {{"totals", {{"latency_s", {{"p99", p99s[i] * scale}}}}}}}};
      std::ofstream(dir / side / ("r" + std::to_string(i) + ".json")) << run.dump();
    }
  const std::string base = (dir / "base").string(), slow = (dir / "slow").string();
  auto r = run_cli("compare " + base + " " + base);
  CHECK(r.code == 0);
  CHECK(r.out.find("no significant regression") != std::string::npos);
  r = run_cli("compare " + base + " " + slow + " --format json");
  CHECK(r.code == 1);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["regression"] == true);
  CHECK(j["metrics"][0]["name"] == "p99");
  CHECK(j["metrics"][0]["verdict"] == "regression");
  r = run_cli("compare " + base + " " + slow + " --max-regression p99=60%");
  CHECK(r.code == 0);
  r = run_cli("compare " + base + " " + slow + " --max-regression latency=5%");
  CHECK(r.code == 2);
  CHECK(r.err.find("no metric 'latency'") != std::string::npos);
  r = run_cli("compare " + base);
  CHECK(r.code == 2);
  r = run_cli("compare " + base + " " + (dir / "missing").string());
  CHECK(r.code == 2);
  CHECK(r.err.find("no such file or folder") != std::string::npos);
}

TEST_CASE("cli: --format gbench is read by Google Benchmark's own compare.py", "[cli][compare]")
{
  // compare.py from Debian's libbenchmark-tools, run by Debian's python3 (it needs scipy); both are
  // installed by scripts/install-deps.
  const char* compare_py = "/usr/share/benchmark/compare.py";
  REQUIRE(fs::exists(compare_py));
  const fs::path dir = temp_dir() / "gbench";
  fs::create_directories(dir);
  const std::string a = (dir / "a.json").string(), b = (dir / "b.json").string();
  auto r = run_cli("run tests/data/learning.yaml --profiles baseline --replications 4 -j 2 --format gbench");
  REQUIRE(r.code == 0);
  std::ofstream(a) << r.out;
  const auto ja = nlohmann::json::parse(r.out);
  CHECK(ja["benchmarks"].size() == 4); // one entry per replication
  CHECK(ja["benchmarks"][0]["name"] == "learning/baseline");
  CHECK(ja["benchmarks"][3]["repetition_index"] == 3);
  r = run_cli(
      "run tests/data/learning.yaml --profiles baseline --replications 4 -j 2 --format gbench "
      "--set orchestrator.selection.strategy=least_outstanding");
  REQUIRE(r.code == 0);
  std::ofstream(b) << r.out;
  const fs::path report = dir / "report.txt";
  const std::string cmd = std::string("/usr/bin/python3 ") + compare_py + " --no-color benchmarks " + a + " " + b +
                          " > " + report.string() + " 2>&1";
  const int status = std::system(cmd.c_str());
  INFO(slurp(report));
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  // Least outstanding beats round robin on every replication: a U test over 4 vs 4 at its minimum p.
  CHECK(slurp(report).find("learning/baseline_pvalue") != std::string::npos);
  CHECK(slurp(report).find("0.0286") != std::string::npos);
  // A single run: one entry per workflow plus `all`.
  r = run_cli("run tests/data/learning.yaml --format gbench");
  REQUIRE(r.code == 0);
  const auto single = nlohmann::json::parse(r.out);
  CHECK(single["benchmarks"].size() == 2);
  CHECK(single["benchmarks"][1]["name"] == "learning/all");
}

TEST_CASE("cli: compare --format gbench is a difference report Google Benchmark's own report module prints",
          "[cli][compare]")
{
  const fs::path dir = temp_dir() / "gbench-compare";
  fs::remove_all(dir);
  const std::string a = (dir / "a").string(), b = (dir / "b").string();
  REQUIRE(run_cli("run tests/data/learning.yaml --profiles baseline --replications 4 -j 2 --runs-dir " + a).code == 0);
  REQUIRE(run_cli("run tests/data/learning.yaml --profiles baseline --replications 4 -j 2 --runs-dir " + b +
                  " --set orchestrator.selection.strategy=least_outstanding")
              .code == 0);
  const auto r = run_cli("compare " + a + " " + b + " --format gbench --max-regression p99=100%");
  REQUIRE((r.code == 0 || r.code == 1));
  const auto diff = nlohmann::json::parse(r.out);
  REQUIRE(diff.is_array());
  const auto p99 = std::find_if(diff.begin(), diff.end(), [](const auto& e) { return e["name"] == "p99"; });
  REQUIRE(p99 != diff.end());
  const auto& m = (*p99)["measurements"][0];
  CHECK(m["time"].get<double>() ==
        Approx((m["real_time_other"].get<double>() - m["real_time"].get<double>()) / m["real_time"].get<double>()));
  CHECK((*p99)["utest"]["nr_of_repetitions"] == 4);
  // Google Benchmark's own printer (Debian's libbenchmark-tools) reads it as it reads compare.py's dump.
  const fs::path file = dir / "diff.json", out = dir / "printed.txt";
  std::ofstream(file) << r.out;
  const std::string cmd =
      "/usr/bin/python3 -c \"import json, sys; sys.path.insert(0, '/usr/share/benchmark'); from gbench import report; "
      "print('\\n'.join(report.print_difference_report(json.load(open('" +
      file.string() + "')), utest=True, use_color=False)))\" > " + out.string() + " 2>&1";
  const int status = std::system(cmd.c_str());
  INFO(slurp(out));
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(slurp(out).find("p99_pvalue") != std::string::npos);
  CHECK(slurp(out).find("success") != std::string::npos);
}

TEST_CASE("cli: report draws a validation's folder into one HTML file, and refuses what it cannot draw",
          "[cli][report]")
{
  const fs::path dir = temp_dir() / "report-cli";
  fs::remove_all(dir);
  const auto v = run_cli(
      "validate scenarios/reference/mm1.yaml --set simulation.requests=20000 --validation "
      "tests/data/validation/critical.yaml -j 2 --out " +
      (dir / "validation").string());
  REQUIRE(v.code == 1);
  const fs::path html = dir / "out" / "report.html";
  const auto r = run_cli("report " + (dir / "validation").string() + " -o " + html.string());
  INFO(r.err);
  REQUIRE(r.code == 0);
  const std::string page = slurp(html);
  CHECK(page.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(page.find("impossible latency") != std::string::npos); // the scorecard's criterion
  CHECK(page.find("data-chart=\"cdf-job\"") != std::string::npos);
  for (const auto& entry : fs::directory_iterator(html.parent_path())) // nothing but the report
    CHECK(entry.path().filename() == "report.html");
  // A compare document is not something the report draws; no output appears.
  const fs::path cmp = dir / "compare.json";
  REQUIRE(run_cli("compare " + (dir / "validation/runs/normal").string() + " " +
                  (dir / "validation/runs/normal").string() + " --out " + cmp.string())
              .code == 0);
  const auto bad = run_cli("report " + cmp.string() + " -o " + (dir / "bad.html").string());
  CHECK(bad.code == 2);
  CHECK(bad.err == cmp.string() + ": kind: not a document the report draws: kind compare\n");
  CHECK_FALSE(fs::exists(dir / "bad.html"));
  CHECK(run_cli("report -o x.html").code == 2);
  // A sweep's folder, manifest and all: its runs are drawn, its load points as curves.
  REQUIRE(run_cli("sweep tests/data/sweeps/mm1-small.yaml --quiet --out " + (dir / "sweep").string()).code == 0);
  const auto swept = run_cli("report " + (dir / "sweep").string() + " -o " + (dir / "sweep.html").string());
  INFO(swept.err);
  REQUIRE(swept.code == 0);
  CHECK(slurp(dir / "sweep.html").find("data-chart=\"sweep-p99-mm1\"") != std::string::npos);
}
