// results::from_json, the reader of a run result (results/SCHEMA.md): it gives back what to_json wrote, text
// for text, on the committed baselines and on fresh runs, and names the path of what is missing or wrong.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "results/RunResult.hpp"
#include "tests/TestSupport.hpp"

using nlohmann::json;
using orchsim::results::from_json;
using orchsim::results::RunResult;
using orchsim::results::to_json;

namespace {

struct Document {
  std::string name;
  json value;
};

std::string read_text(const std::filesystem::path& path)
{
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/** A run result, not another document of results/SCHEMA.md: those carry a `kind` (profiles, compare, ...). */
bool is_run_result(const json& j)
{
  return j.is_object() && !j.contains("kind") && j.contains("metrics") && j.contains("context");
}

/** Every run result under results/baselines, by file name. */
std::vector<Document> baselines()
{
  std::vector<Document> out;
  for (const auto& entry : std::filesystem::directory_iterator(orchsim::test::source_path("results/baselines")))
    if (entry.path().extension() == ".json") {
      auto j = json::parse(read_text(entry.path()));
      if (is_run_result(j))
        out.push_back({entry.path().filename().string(), std::move(j)});
    }
  return out;
}

/** Runs made now, once for all the tests of this file: a multi-workflow scenario, the learners' test bed
 *  (selection quality), and a fault with series. */
const std::vector<Document>& fresh_runs()
{
  static const std::vector<Document> runs = [] {
    const std::vector<std::pair<std::string, std::vector<std::string>>> inputs = {
        {"scenarios/ai-ecosystem.yaml", {"simulation.requests=2000"}},
        {"tests/data/learning.yaml", {}},
        {"scenarios/adaptive/provider-degradation.yaml", {}},
    };
    std::vector<Document> out;
    for (const auto& [path, overrides] : inputs)
      out.push_back({path, to_json(orchsim::test::run_file(path, overrides))});
    return out;
  }();
  return runs;
}

/** The path with names and indices replaced by `*`, where they vary: `metrics.workflows.*.slo`. */
std::string generic(const std::string& parent, const std::string& key)
{
  static const std::set<std::string> named = {"metrics.workflows",
                                              "metrics.services",
                                              "metrics.run.faults",
                                              "metrics.run.faults.*.recovery_s",
                                              "metrics.run.faults.*.adapt_s",
                                              "metrics.series.workflows",
                                              "metrics.series.services"};
  if (parent.empty())
    return key;
  return parent + "." + (named.count(parent) ? "*" : key);
}

/** Every path of `j` with `=set` or `=null`: which optional fields a document exercises, and how. */
void collect_states(const json& j, const std::string& path, std::set<std::string>& states)
{
  if (!path.empty())
    states.insert(path + (j.is_null() ? "=null" : "=set"));
  if (j.is_object())
    for (const auto& [key, value] : j.items())
      collect_states(value, generic(path, key), states);
  else if (j.is_array() && path == "metrics.run.faults")
    for (const auto& value : j)
      collect_states(value, generic(path, "0"), states);
}

/** What to_json writes for the result from_json reads from `j`, as compact text. */
std::string round_trip(const json& j)
{
  return to_json(from_json(j)).dump();
}

/** The message of the std::invalid_argument that reading `j` throws. */
std::string reader_error(const json& j)
{
  try {
    from_json(j);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  FAIL("from_json accepted the document");
  return "";
}

} // namespace

TEST_CASE("results::from_json: every committed baseline reads back to the same text", "[results-reader]")
{
  const auto documents = baselines();
  REQUIRE(documents.size() >= 15);
  for (const auto& d : documents) {
    INFO(d.name);
    CHECK(round_trip(d.value) == d.value.dump());
    // The file itself, byte for byte: to_json_text is how `orchsim run --out` writes it.
    CHECK(orchsim::results::to_json_text(from_json(d.value)) ==
          read_text(orchsim::test::source_path("results/baselines/" + d.name)));
  }
}

TEST_CASE("results::from_json: results of fresh runs read back to the same text, in memory and parsed",
          "[results-reader]")
{
  for (const auto& d : fresh_runs()) {
    INFO(d.name);
    CHECK(round_trip(d.value) == d.value.dump());
    const auto parsed = json::parse(d.value.dump(2));
    CHECK(round_trip(parsed) == parsed.dump());
  }
}

TEST_CASE("results::from_json: the documents read above exercise every optional field, set and unset",
          "[results-reader]")
{
  // What no real document leaves unset (ratios over zero, a recovery that never came) the test of a result
  // with every optional unset covers; batching and network blocks, the hand-built one.
  std::set<std::string> states;
  for (const auto& d : baselines())
    collect_states(d.value, "", states);
  for (const auto& d : fresh_runs())
    collect_states(d.value, "", states);
  const char* expected[] = {
      "host=set",
      "metrics.effectiveness.value=set",
      "metrics.run.faults.*.end_s=set",
      "metrics.run.faults.*.end_s=null",
      "metrics.run.faults.*.recovery_s.*=set",
      "metrics.run.faults.*.adapt_s.*=set",
      "metrics.series=set",
      "metrics.series=null",
      "metrics.totals.latency_s.cdf=set",
      "metrics.totals.cost_per_success_usd=set",
      "metrics.totals.mean_quality=set",
      "metrics.totals.mean_quality=null",
      "metrics.totals.selection.optimal_ratio=set",
      "metrics.totals.selection.optimal_ratio=null",
      "metrics.totals.selection.regret_per_decision=set",
      "metrics.totals.selection.regret_per_decision=null",
      "metrics.workflows.*.latency_s.cdf=set",
      "metrics.workflows.*.slo=set",
      "metrics.workflows.*.slo=null",
      "metrics.workflows.*.cost_per_success_usd=set",
      "metrics.workflows.*.mean_quality=set",
      "metrics.workflows.*.mean_quality=null",
      "metrics.workflows.*.selection.optimal_ratio=set",
      "metrics.workflows.*.selection.optimal_ratio=null",
      "metrics.workflows.*.selection.regret_per_decision=set",
      "metrics.workflows.*.selection.regret_per_decision=null",
      "metrics.services.*.cost_per_success_usd=set",
      "metrics.services.*.cost_per_success_usd=null",
  };
  for (const char* state : expected) {
    INFO(state);
    CHECK(states.count(state) == 1);
  }
}

TEST_CASE("results::from_json: a missing required field throws with its path", "[results-reader]")
{
  auto j = fresh_runs().front().value;
  const auto workflow = j["metrics"]["workflows"].begin().key();
  j["metrics"]["workflows"][workflow]["latency_s"].erase("p99");
  const auto message = reader_error(j);
  CHECK_THAT(message, Catch::Contains("metrics.workflows." + workflow + ".latency_s.p99"));
  CHECK_THAT(message, Catch::Contains("missing"));

  auto no_context = fresh_runs().front().value;
  no_context.erase("context");
  CHECK_THAT(reader_error(no_context), Catch::Contains("context"));
}

TEST_CASE("results::from_json: a value of the wrong type throws with its path", "[results-reader]")
{
  const auto& original = fresh_runs().back().value;
  const auto service = original["metrics"]["services"].begin().key();
  auto j = original;
  j["metrics"]["services"][service]["offered"] = "many";
  CHECK_THAT(reader_error(j), Catch::Contains("metrics.services." + service + ".offered"));

  j = original;
  j["metrics"]["totals"]["completed"] = 3.0; // an integer written with a fraction would not read back the same
  CHECK_THAT(reader_error(j), Catch::Contains("metrics.totals.completed"));

  j = original;
  j["metrics"]["run"]["faults"][0]["start_s"] = true;
  CHECK_THAT(reader_error(j), Catch::Contains("metrics.run.faults[0].start_s"));

  j = original;
  j["metrics"]["run"]["backlog"]["in_flight_quarters"].erase(0);
  CHECK_THAT(reader_error(j), Catch::Contains("metrics.run.backlog.in_flight_quarters"));

  CHECK_THAT(reader_error(json::array()), Catch::Contains("the document"));
}

TEST_CASE("results::from_json: unknown fields are ignored and missing optional ones stay unset", "[results-reader]")
{
  auto j = fresh_runs().back().value;
  j["metrics"]["new_block"] = {{"anything", 1}};
  j["metrics"]["totals"]["new_metric"] = 2.5;
  const auto workflow = j["metrics"]["workflows"].begin().key();
  j["metrics"]["workflows"][workflow].erase("slo");
  j["metrics"]["workflows"][workflow].erase("mean_quality");
  j["metrics"]["workflows"][workflow]["latency_s"].erase("cdf");
  j["metrics"].erase("series");
  j.erase("host"); // as in a sweep's run documents
  const auto r = from_json(j);
  const auto& w = r.workflows.at(workflow);
  CHECK_FALSE(w.slo);
  CHECK_FALSE(w.mean_quality);
  CHECK(w.latency_s.cdf.empty());
  CHECK_FALSE(r.series);
  CHECK(r.host.hostname.empty());
  CHECK(r.totals.completed == j["metrics"]["totals"]["completed"].get<uint64_t>());
}

TEST_CASE("results::from_json: a result with every optional unset and values that are not finite reads back",
          "[results-reader]")
{
  RunResult r;
  r.workflows["w"].latency_s.mean = std::numeric_limits<double>::quiet_NaN(); // written as null
  r.services["s"].utilization = std::numeric_limits<double>::infinity();
  r.run.faults.push_back({"f", "crash", "s", 1.5, std::nullopt, {{"w", std::nullopt}}, {{"w", std::nullopt}}});
  r.series = orchsim::results::Series{2.0, 1, {{"workflows.w.failures.error", {1}}, {"services.s.queue", {0.5}}}};
  const auto text = to_json(r).dump();
  CHECK(round_trip(to_json(r)) == text);
  CHECK(round_trip(json::parse(text)) == text);
}

TEST_CASE("results::from_json: the blocks of model servers and platforms read back", "[results-reader]")
{
  // No committed scenario has them yet: built by hand, every field away from its default.
  RunResult r;
  orchsim::results::BatchingMetrics batching;
  batching.steps = 7;
  batching.mean_batch = 3.5;
  batching.tokens_per_s = 1200.25;
  batching.mean_step_s = 0.031;
  batching.ttft_s.count = 2;
  batching.ttft_s.p99 = 0.4;
  batching.ttft_s.cdf = {{0.5, 0.2}, {0.99, 0.4}};
  batching.tpot_s.count = 2;
  batching.tpot_s.mean = 0.012;
  r.services["server"].batching = batching;
  orchsim::results::NetworkMetrics network;
  network.contention = false;
  network.transfers = 12;
  network.bytes = 4096;
  network.cross_region_bytes = 1024.5;
  network.egress_usd = 0.0009;
  network.cross_region_calls = 3;
  network.local_zone_calls = 4;
  network.transfer_s.count = 12;
  network.transfer_s.max = 0.08;
  r.network = network;
  const auto text = to_json(r).dump();
  REQUIRE(to_json(r)["metrics"].contains("network"));
  REQUIRE(to_json(r)["metrics"]["services"]["server"].contains("batching"));
  CHECK(round_trip(json::parse(text)) == text);
}
