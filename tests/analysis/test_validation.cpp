// The validation engine: scoring arithmetic, the gate, scorecards traced to their runs, re-scoring,
// contexts, and bad validation profiles (tests/data/bad-validation).
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "analysis/Statistics.hpp"
#include "analysis/Validation.hpp"
#include "sim/InputError.hpp"
#include "tests/CliSupport.hpp"
#include "tests/TestSupport.hpp"

using namespace orchsim;
namespace fs = std::filesystem;
using orchsim::test::slurp;

namespace {

fs::path scratch(const std::string& name)
{
  const fs::path dir = fs::temp_directory_path() / ("orchsim-validation-" + std::to_string(::getpid())) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

/** Runs and scores `profile` on mm1 (20,000 requests, no failures: success ratio exactly 1). */
analysis::Scorecard validate_mm1(const std::string& profile, const fs::path& dir)
{
  const auto loaded = analysis::load(test::source_path("scenarios/reference/mm1.yaml"), {"simulation.requests=20000"});
  const auto p = analysis::load_validation_profile(test::source_path(profile));
  analysis::ValidateOptions options;
  options.dir = dir.string();
  options.jobs = 2;
  analysis::run_validation(loaded, p, options);
  return analysis::score_validation(dir.string(), p);
}

const analysis::ScoredItem& item(const analysis::Scorecard& card, const std::string& name)
{
  const auto it = std::find_if(card.items.begin(), card.items.end(), [&](const auto& i) { return i.name == name; });
  REQUIRE(it != card.items.end());
  return *it;
}

const analysis::CategoryScore& category(const analysis::Scorecard& card, const std::string& name)
{
  const auto it =
      std::find_if(card.categories.begin(), card.categories.end(), [&](const auto& c) { return c.name == name; });
  REQUIRE(it != card.categories.end());
  return *it;
}

} // namespace

TEST_CASE("validation: a criterion scores 100 at or beyond its target, 0 at or beyond its threshold, linear between",
          "[analysis][validation]")
{
  // Higher is better (target above the threshold).
  CHECK(analysis::criterion_score(0.999, 0.999, 0.99) == 100);
  CHECK(analysis::criterion_score(1.0, 0.999, 0.99) == 100);
  CHECK(analysis::criterion_score(0.99, 0.999, 0.99) == 0);
  CHECK(analysis::criterion_score(0.5, 0.999, 0.99) == 0);
  CHECK(analysis::criterion_score(0.9945, 0.999, 0.99) == Approx(50));
  // Lower is better (target below the threshold).
  CHECK(analysis::criterion_score(1.0, 1.0, 3.0) == 100);
  CHECK(analysis::criterion_score(0.2, 1.0, 3.0) == 100);
  CHECK(analysis::criterion_score(3.0, 1.0, 3.0) == 0);
  CHECK(analysis::criterion_score(9.0, 1.0, 3.0) == 0);
  CHECK(analysis::criterion_score(2.5, 1.0, 3.0) == Approx(25));
}

TEST_CASE("validation: items, category weights and the overall score follow the profile's arithmetic",
          "[analysis][validation]")
{
  const auto card = validate_mm1("tests/data/validation/arithmetic.yaml", scratch("arithmetic"));
  REQUIRE(card.items.size() == 4);
  CHECK(item(card, "success met").score == 100);
  CHECK(item(card, "success met").status == "met");
  CHECK(item(card, "success a third of the way").score == Approx(100.0 / 3));
  CHECK(item(card, "success a third of the way").status == "partial");
  // The wildcard binds the one workflow; 1 / 1 sits on the threshold of a lower-is-better criterion.
  const auto& ratio = item(card, "success ratio over itself [job]");
  CHECK(ratio.metric == "metrics.workflows.job.success_ratio / metrics.totals.success_ratio");
  CHECK(ratio.unit == "ratio");
  CHECK(ratio.score == 0);
  CHECK(ratio.status == "failed");
  CHECK_FALSE(ratio.passed);
  // reliability: (100 x 1 + 33.3 x 2) / 3; performance 0; efficiency scored but weighted 0.
  CHECK(*category(card, "reliability").score == Approx((100 + 2 * 100.0 / 3) / 3));
  CHECK(*category(card, "performance").score == 0);
  CHECK(*category(card, "efficiency").score == 100);
  CHECK_FALSE(category(card, "workflows").score);
  CHECK_FALSE(category(card, "amplification").score);
  REQUIRE(card.overall);
  CHECK(*card.overall == Approx((3 * (100 + 2 * 100.0 / 3) / 3 + 1 * 0) / 4)); // 41.7
  CHECK_FALSE(card.passed);                                                    // below the pass mark of 50
  REQUIRE(card.reasons.size() == 1);
  CHECK(card.reasons[0].find("below the pass mark 50") != std::string::npos);
}

TEST_CASE("validation: a failed critical criterion fails the gate whatever the overall score", "[analysis][validation]")
{
  const auto card = validate_mm1("tests/data/validation/critical.yaml", scratch("critical"));
  REQUIRE(card.overall);
  CHECK(*card.overall == 50); // reliability 100, performance 0, equal category weights
  CHECK(*card.overall >= card.pass_mark);
  CHECK(item(card, "impossible latency").critical);
  CHECK(item(card, "impossible latency").status == "failed");
  CHECK_FALSE(card.passed);
  REQUIRE(card.reasons.size() == 1);
  CHECK(card.reasons[0] == "critical criterion failed: impossible latency (normal)");
  REQUIRE(card.skipped.size() == 1);
  CHECK(card.skipped[0].first == "head-room");
  CHECK(card.skipped[0].second == "the scenario declares no SLO: no objective to search the load against");
}

TEST_CASE("validation: every item is traced to its runs, and its rerun command reproduces the first",
          "[analysis][validation]")
{
  const fs::path dir = scratch("trace");
  const auto card = validate_mm1("tests/data/validation/critical.yaml", dir);
  const auto& p99 = item(card, "impossible latency");
  REQUIRE(p99.runs.size() == 2);
  std::vector<double> from_files;
  for (const auto& run : p99.runs) {
    const auto j = nlohmann::json::parse(slurp(dir / run));
    from_files.push_back(j["metrics"]["totals"]["latency_s"]["p99"].get<double>());
  }
  CHECK(p99.values == from_files);
  const auto e = analysis::mean_estimate(from_files);
  CHECK(*p99.value == e.mean);
  CHECK(*p99.ci_low == *e.low);
  CHECK(*p99.ci_high == *e.high);
  // The command printed beside the item gives replication 0 again, byte for byte outside `host`.
  CHECK(p99.rerun == "orchsim run " + test::source_path("scenarios/reference/mm1.yaml") +
                         " --set simulation.requests=20000 --seed 1");
  const auto again = test::run_cli(p99.rerun.substr(std::string("orchsim ").size()) + " --format json");
  REQUIRE(again.code == 0);
  auto a = nlohmann::json::parse(again.out);
  auto b = nlohmann::json::parse(slurp(dir / p99.runs[0]));
  a.erase("host");
  b.erase("host");
  CHECK(a.dump() == b.dump());
}

TEST_CASE("validation: validate --from re-scores the same runs into the same scorecard, and refuses other plans",
          "[analysis][validation][cli]")
{
  const fs::path dir = scratch("from");
  const auto first = test::run_cli(
      "validate scenarios/reference/mm1.yaml --set simulation.requests=20000 "
      "--validation tests/data/validation/critical.yaml -j 2 --out " +
      dir.string());
  CHECK(first.code == 1); // the critical miss
  CHECK(first.out.find("overall 50.0 (pass mark 10): FAIL") != std::string::npos);
  CHECK(first.out.find("critical criterion failed: impossible latency (normal)") != std::string::npos);
  const std::string card = slurp(dir / "scorecard.json");
  fs::remove(dir / "scorecard.json");
  const auto again = test::run_cli("validate --from " + dir.string());
  CHECK(again.code == 1);
  CHECK(slurp(dir / "scorecard.json") == card);
  CHECK(nlohmann::json::parse(card)["verdict"] == "fail");
  // A profile that needs more replications than ran is refused, not scored on fewer.
  const auto other =
      test::run_cli("validate --from " + dir.string() + " --validation tests/data/validation/arithmetic.yaml");
  CHECK(other.code == 1); // arithmetic.yaml ran as these runs did (2 replications): scored, below its pass mark
  const auto mismatch =
      test::run_cli("validate --from " + dir.string() + " --validation scenarios/validation/default.yaml");
  CHECK(mismatch.code == 2);
  CHECK(mismatch.err.find("ran 2 replications, the profile scenarios/validation/default.yaml asks for 3") !=
        std::string::npos);
  // A folder without runs, or a plan edited into something else, is bad input, not an internal error.
  const auto missing = test::run_cli("validate --from " + (dir / "nothing").string());
  CHECK(missing.code == 2);
  CHECK(missing.err.find("nothing/plan.json: cannot open") != std::string::npos);
  std::ofstream(dir / "plan.json") << R"({"kind": "validation_plan", "replications": "two"})";
  const auto corrupt =
      test::run_cli("validate --from " + dir.string() + " --validation tests/data/validation/critical.yaml");
  CHECK(corrupt.code == 2);
  CHECK(corrupt.err.find("not the runs of an orchsim validate of this version") != std::string::npos);
}

TEST_CASE("validation: normal, peak, soak, each fault and the profiles experiment each run as their context says",
          "[analysis][validation]")
{
  const fs::path dir = scratch("contexts");
  const auto loaded = analysis::load(test::source_path("scenarios/adaptive/provider-degradation.yaml"), {}, "adaptive");
  const auto p = analysis::load_validation_profile(test::source_path("tests/data/validation/contexts.yaml"));
  analysis::ValidateOptions options;
  options.dir = dir.string();
  options.jobs = 2;
  options.profile = "adaptive";
  analysis::run_validation(loaded, p, options);
  const auto plan = nlohmann::json::parse(slurp(dir / "plan.json"));
  auto run = [&](const std::string& file) { return nlohmann::json::parse(slurp(dir / file)); };
  const auto normal = run("runs/normal/r0.json"), peak = run("runs/peak/r1.json"), soak = run("runs/soak/r0.json"),
             fault = run("runs/fault-0/r1.json");
  CHECK(normal["context"]["profile"] == "adaptive");
  CHECK(normal["metrics"]["run"]["faults"].empty()); // normal load: the scenario's faults removed
  CHECK(peak["context"]["seed"] == 2);               // replication 1: seed + 1
  const double rate = [&](const nlohmann::json& r) {
    return r["metrics"]["totals"]["offered"].get<double>() / r["metrics"]["run"]["window_s"].get<double>();
  }(normal);
  const double peak_rate =
      peak["metrics"]["totals"]["offered"].get<double>() / peak["metrics"]["run"]["window_s"].get<double>();
  CHECK(peak_rate / rate == Approx(1.5).epsilon(0.05));                              // Poisson 6/s x 1.5
  CHECK(soak["metrics"]["run"]["window_end_s"].get<double>() == Approx(2 * 3600.0)); // 60 m x 2
  REQUIRE(fault["metrics"]["run"]["faults"].size() == 1);
  CHECK(fault["metrics"]["run"]["faults"][0]["name"] == "provider-a-slow");
  CHECK(plan["contexts"]["fault:0"]["label"] == "provider-a-slow");
  CHECK(fs::exists(dir / "profiles.json"));
  CHECK(fs::exists(dir / "runs/profiles/adaptive-r1.json"));

  const auto card = analysis::score_validation(dir.string(), p);
  const auto& amp = item(card, "amplification");
  const auto profiles = nlohmann::json::parse(slurp(dir / "profiles.json"));
  CHECK(*amp.value == profiles["profiles"]["adaptive"]["amplification"]["mean"].get<double>());
  CHECK(*amp.ci_low == profiles["profiles"]["adaptive"]["amplification"]["ci_low"].get<double>());
  // Capacity: the validated profile's searched load over the scenario's own (start factor 1 here).
  const auto capacity = nlohmann::json::parse(slurp(dir / "capacity.json"));
  REQUIRE(capacity["profiles"].size() == 1);
  CHECK(capacity["profiles"][0]["name"] == "adaptive");
  CHECK(capacity["context"]["start_factor"] == 1.0);
  const auto& headroom = item(card, "head-room");
  CHECK(*headroom.value == capacity["profiles"][0]["factor"]["mean"].get<double>());
  CHECK(headroom.values == capacity["profiles"][0]["factor"]["values"].get<std::vector<double>>());
  CHECK(plan["contexts"]["capacity"]["rerun"].get<std::string>().find("--set 'faults=~'") != std::string::npos);
  // The fault's success is measured over the fault's window from the series, not the whole run.
  const auto& during = item(card, "fault success");
  CHECK(during.context == "fault:0");
  REQUIRE(during.value);
  CHECK(*during.value <= 1.0);
  CHECK(*during.value > 0.9);
}

TEST_CASE("validation: a baseline validation skips what needs another profile, and says so", "[analysis][validation]")
{
  const fs::path dir = scratch("baseline");
  const auto loaded = analysis::load(test::source_path("scenarios/adaptive/provider-degradation.yaml"), {});
  const auto p = analysis::load_validation_profile(test::source_path("tests/data/validation/contexts.yaml"));
  analysis::ValidateOptions options;
  options.dir = dir.string();
  options.jobs = 2;
  analysis::run_validation(loaded, p, options);
  const auto card = analysis::score_validation(dir.string(), p);
  CHECK_FALSE(fs::exists(dir / "profiles.json"));
  const auto skipped =
      std::find_if(card.skipped.begin(), card.skipped.end(), [](const auto& s) { return s.first == "amplification"; });
  REQUIRE(skipped != card.skipped.end());
  CHECK(skipped->second == "the validated profile is the baseline: nothing to amplify over");
  CHECK_FALSE(category(card, "amplification").score);
}

TEST_CASE("validation: bad validation profiles are refused with file:line:col, the key path and exit 2",
          "[analysis][validation][cli]")
{
  const fs::path folder = fs::path(ORCHSIM_SOURCE_DIR "/tests/data/bad-validation");
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(folder))
    if (entry.path().extension() == ".yaml")
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 14);
  for (const auto& file : files) {
    std::ifstream in(file);
    std::string first;
    std::getline(in, first);
    REQUIRE(first.rfind("# expect: ", 0) == 0);
    std::string expected = first.substr(10);
    const std::string scenario = "scenarios/reference/mm1.yaml";
    for (size_t at; (at = expected.find("${SCENARIO}")) != std::string::npos;)
      expected.replace(at, 11, scenario);
    const fs::path out = scratch("bad");
    const auto r = test::run_cli("validate " + scenario + " --set simulation.requests=2000 --validation " +
                                 file.string() + " --out " + out.string());
    INFO(file.filename().string() << ": " << r.err);
    CHECK(r.code == 2);
    CHECK(r.err == file.string() + ":" + expected + "\n");
    CHECK_FALSE(fs::exists(out / "scorecard.json"));
  }
}

TEST_CASE("validation: simulation.load_scale multiplies every source's offered load", "[analysis][validation][models]")
{
  const auto base = analysis::load(test::source_path("scenarios/ai-ecosystem.yaml"), {}).scenario;
  const auto twice =
      analysis::load(test::source_path("scenarios/ai-ecosystem.yaml"), {"simulation.load_scale=2"}).scenario;
  REQUIRE(base.sources.size() == twice.sources.size());
  for (size_t i = 0; i < base.sources.size(); ++i) {
    const auto &a = base.sources[i].arrival, &b = twice.sources[i].arrival;
    INFO(base.sources[i].name);
    CHECK(b.rate_per_s == 2 * a.rate_per_s);
    CHECK(b.rate_on_per_s == 2 * a.rate_on_per_s);
    CHECK(b.rate_off_per_s == 2 * a.rate_off_per_s);
    CHECK(b.users == 2 * a.users); // closed loop: twice the users
  }
  CHECK(base.sources[0].arrival.rate_per_s == 18);
  CHECK(base.sources[1].arrival.users == 180);
  const auto trace =
      analysis::load(test::source_path("scenarios/trace-replay.yaml"), {"simulation.load_scale=4"}).scenario;
  CHECK(trace.sources[0].arrival.time_scale ==
        analysis::load(test::source_path("scenarios/trace-replay.yaml"), {}).scenario.sources[0].arrival.time_scale /
            4);
  CHECK_THROWS_AS(analysis::load(test::source_path("scenarios/reference/mm1.yaml"), {"simulation.load_scale=0"}),
                  sim::InputError);
}
