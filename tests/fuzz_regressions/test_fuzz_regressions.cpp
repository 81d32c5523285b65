// Every input the fuzzers found a bug with (tests/data/fuzz/<target>/, docs/FUZZING.md) replays through the
// same entry point as its fuzz target (fuzz/FuzzTargets.hpp): it loads, or its reader refuses it with the
// reader's documented error. A crash, a sanitizer report or another exception is the bug come back.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/FuzzTargets.hpp"
#include "tests/TestSupport.hpp"

namespace {

using Entry = orchsim::fuzz::Outcome (*)(std::string_view);

struct Target {
  std::string name; // the folder under tests/data/fuzz/, as the fuzz target fuzz/fuzz_<name>.cpp
  Entry entry;
};

const std::vector<Target> TARGETS = {
    {"scenario", orchsim::fuzz::scenario}, {"scenario_overrides", orchsim::fuzz::scenario_overrides},
    {"sweep", orchsim::fuzz::sweep},       {"validation", orchsim::fuzz::validation},
    {"trace", orchsim::fuzz::trace},       {"result", orchsim::fuzz::result},
};

std::vector<std::filesystem::path> inputs_of(const std::string& target)
{
  const std::filesystem::path folder = orchsim::test::source_path("tests/data/fuzz/" + target);
  std::vector<std::filesystem::path> files;
  if (std::filesystem::is_directory(folder))
    for (const auto& entry : std::filesystem::directory_iterator(folder))
      if (entry.is_regular_file())
        files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

std::string read_bytes(const std::filesystem::path& path)
{
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace

TEST_CASE("fuzz regressions: every input a fuzzer found loads or is refused with its reader's documented error",
          "[fuzz-regression]")
{
  for (const auto& target : TARGETS) {
    for (const auto& path : inputs_of(target.name)) {
      INFO(path.string());
      const std::string bytes = read_bytes(path);
      CHECK_NOTHROW(target.entry(bytes));
    }
  }
}

TEST_CASE("fuzz regressions: every folder of tests/data/fuzz names a fuzz target", "[fuzz-regression]")
{
  const std::filesystem::path root = orchsim::test::source_path("tests/data/fuzz");
  if (!std::filesystem::is_directory(root))
    return;
  for (const auto& entry : std::filesystem::directory_iterator(root)) {
    if (!entry.is_directory())
      continue;
    INFO(entry.path().string());
    CHECK(std::any_of(TARGETS.begin(), TARGETS.end(),
                      [&](const Target& t) { return entry.path().filename() == t.name; }));
  }
}
