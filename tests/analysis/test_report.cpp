// The HTML report: every section from its documents, the data marks of each chart counted against the
// inputs, escaping, no external resource, determinism, and bad input.
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "analysis/HtmlReport.hpp"
#include "analysis/Profiles.hpp"
#include "results/ProfilesResult.hpp"
#include "sim/InputError.hpp"
#include "tests/TestSupport.hpp"

using namespace orchsim;
using nlohmann::json;

namespace {

/** A small run with a 10 s series, a latency fault from 60 s to 120 s and an SLO. */
const std::string SCENARIO = R"(
name: report-test
simulation: {seed: 1, requests: 3000, warmup: 10%, series: {interval: 10s}}
services:
  server: {concurrency: 2, latency: {dist: exponential, mean: 100ms}}
workflows:
  ask: {steps: [{name: serve, service: server}]}
workload:
  - {workflow: ask, arrival: {process: poisson, rate: 10/s}}
faults:
  - {name: slow-server, type: latency, service: server, multiplier: 1.5, at: 60s, duration: 60s}
slo:
  ask: {latency_p99: 2s}
)";

std::filesystem::path fresh_folder(const std::string& name)
{
  const auto folder = std::filesystem::temp_directory_path() / ("orchsim-report-test-" + name);
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  return folder;
}

std::string write(const std::filesystem::path& path, const std::string& text)
{
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

json run_json(const std::vector<std::string>& overrides = {})
{
  return json::parse(results::to_json_text(test::run_text(SCENARIO, overrides)));
}

/** The <svg> element of chart `id`, empty when there is none. */
std::string chart(const std::string& html, const std::string& id)
{
  const auto start = html.find("<svg class=\"chart\" data-chart=\"" + id + "\"");
  return start == std::string::npos ? "" : html.substr(start, html.find("</svg>", start) - start);
}

/** Data marks drawn in chart `id`; checks that its data-points attribute says the same. */
size_t marks(const std::string& html, const std::string& id)
{
  const std::string svg = chart(html, id);
  std::smatch m;
  REQUIRE(std::regex_search(svg, m, std::regex("data-points=\"(\\d+)\"")));
  size_t n = 0;
  for (auto at = svg.find("class=\"point\""); at != std::string::npos; at = svg.find("class=\"point\"", at + 1))
    ++n;
  CHECK(n == std::stoul(m[1]));
  return n;
}

size_t count(const std::string& text, const std::string& what)
{
  size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

/** The points of a latency CDF in a result: its cdf pairs, else the five percentile fields. */
size_t cdf_points(const json& latency)
{
  return latency.contains("cdf") ? latency["cdf"].size() : 5;
}

std::string sample_scorecard()
{
  return test::source_path("tests/data/report/scorecard.json");
}

} // namespace

TEST_CASE("report: a run, a profiles document and a scorecard give every section with the inputs' data points",
          "[analysis][report]")
{
  const auto folder = fresh_folder("sections");
  const json run = run_json();
  const std::string run_path = write(folder / "run.json", run.dump());
  analysis::ProfilesOptions options;
  options.profiles = {"predictive", "random", "oracle"};
  options.replications = 2;
  const auto profiles = analysis::run_profiles(
      analysis::load(test::source_path("tests/data/learning.yaml"), {"simulation.duration=4m", "simulation.warmup=1m"}),
      options);
  const std::string profiles_path = write(folder / "profiles.json", results::to_json_text(profiles));

  const std::string html = analysis::render_report({run_path, profiles_path, sample_scorecard()}, {});
  for (const char* section : {"id=\"latency\"", "id=\"series\"", "id=\"amplification\"", "id=\"scorecard\""})
    CHECK(count(html, section) == 1);
  CHECK(count(html, "id=\"sweep\"") == 0);
  CHECK(count(html, "not shown. Needs runs of one scenario and profile at two or more offered loads") == 1);

  const json& metrics = run["metrics"];
  CHECK(marks(html, "cdf-ask") == cdf_points(metrics["workflows"]["ask"]["latency_s"]));
  CHECK(marks(html, "percentiles-ask") == 3);
  const size_t points = metrics["series"]["points"].get<size_t>();
  CHECK(marks(html, "throughput-run") == points);
  CHECK(marks(html, "queue-run") == points);
  CHECK(marks(html, "instances-run") == 2 * points); // provisioned and up
  CHECK(count(chart(html, "throughput-run"), "slow-server (latency, server)") == 1);

  CHECK(marks(html, "amplification-learning") == 2); // baseline and predictive; random and oracle are lines
  CHECK(count(chart(html, "amplification-learning"), "random floor") == 1);
  CHECK(count(chart(html, "amplification-learning"), "oracle ceiling") == 1);
  CHECK(marks(html, "scores-ai-ecosystem") == 5); // four categories with a score, and the overall score
  CHECK(count(html, "<div class=\"verdict fail\">FAIL</div>") == 1);
  CHECK(count(html, "<td class=\"status-") == 4); // one row per criterion
}

TEST_CASE("report: input text is escaped, nothing is fetched from outside, two renders are byte-identical",
          "[analysis][report]")
{
  const auto folder = fresh_folder("escaping");
  json run = run_json();
  auto& workflows = run["metrics"]["workflows"];
  workflows["<script>alert('x')</script>"] = workflows["ask"];
  workflows.erase("ask");
  run["context"]["scenario"]["name"] = "a \"quoted\" & <b>bold</b> name";
  const std::string path = write(folder / "evil.json", run.dump());

  const std::string html = analysis::render_report({path}, {});
  CHECK(count(html, "<script") == 0);
  CHECK(count(html, "<b>bold") == 0);
  CHECK(count(html, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;") > 0);
  CHECK(count(html, "a &quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt; name") > 0);
  CHECK(count(html, "http") == count(html, "xmlns=\"http://www.w3.org/2000/svg\""));
  CHECK(count(html, "url(") == 0);
  CHECK(count(html, "<svg class=\"chart\"") > 0);
  CHECK(html == analysis::render_report({path}, {}));
}

TEST_CASE("report: replications are averaged into one line and a sweep over load marks the knee", "[analysis][report]")
{
  const auto folder = fresh_folder("sweep");
  write(folder / "load-10-a.json", run_json().dump());
  write(folder / "load-10-b.json", run_json({"simulation.seed=2"}).dump());
  write(folder / "load-17.json", run_json({"workload.0.arrival.rate=17/s"}).dump());
  const json overloaded = run_json({"workload.0.arrival.rate=40/s"});
  write(folder / "load-40.json", overloaded.dump());
  REQUIRE_FALSE(overloaded["metrics"]["workflows"]["ask"]["slo"]["met"].get<bool>());

  const std::string html = analysis::render_report({folder.string()}, {});
  const size_t per_line = cdf_points(overloaded["metrics"]["workflows"]["ask"]["latency_s"]);
  CHECK(marks(html, "cdf-ask") == 3 * per_line); // three loads; the two seeds at 10/s are one line
  CHECK(marks(html, "sweep-p99-report-test") == 3);
  CHECK(marks(html, "sweep-success-report-test") == 3);
  CHECK(count(chart(html, "sweep-p99-report-test"), "knee ") == 1);
  CHECK(count(html, "load-10-b.json") == 2); // in the list of files read, and in the note of runs not drawn
}

TEST_CASE("report: bad input throws an input error naming the file and where in it", "[analysis][report]")
{
  const auto folder = fresh_folder("bad");
  auto message = [](const std::vector<std::string>& inputs) -> std::string {
    try {
      analysis::render_report(inputs, {});
    } catch (const sim::InputError& e) {
      return e.what();
    }
    return "no error";
  };
  const std::string missing = (folder / "missing.json").string();
  CHECK(message({missing}) == missing + ": no such file or folder");
  const std::string malformed = write(folder / "malformed.json", "{\n  \"schema_version\": 1,\n  oops\n}\n");
  CHECK_THAT(message({malformed}), Catch::StartsWith(malformed + ":3:3: malformed JSON: syntax error"));
  const std::string compare = write(folder / "compare.json", R"({"schema_version": 1, "kind": "compare"})");
  CHECK(message({compare}) == compare + ": kind: not a document the report draws: kind compare");
  const std::string wrong = write(
      folder / "wrong.json", R"({"schema_version": 1, "metrics": {"workflows": {"w": {"latency_s": {"cdf": 3}}}}})");
  CHECK(message({wrong}) == wrong + ": metrics.workflows.w.latency_s.cdf: expected a list");
  std::filesystem::create_directories(folder / "empty");
  CHECK(message({(folder / "empty").string()}) ==
        (folder / "empty").string() + ": no input: no *.json file in this folder");
  CHECK_THAT(message({}), Catch::StartsWith("<input>: no input"));
}
