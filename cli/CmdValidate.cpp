// cli/CmdValidate.cpp: `orchsim validate FILE` and `orchsim validate --from DIR`.
#include "cli/Cli.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include <nlohmann/json.hpp>

#include "analysis/Runner.hpp"
#include "analysis/Validation.hpp"

namespace orchsim::cli {

namespace {

/** The default validation profile: scenarios/validation/default.yaml from the working folder, else
 *  from the source tree the binary was built from. */
std::string default_validation_profile()
{
  std::string relative = "scenarios/validation/default.yaml";
  if (std::filesystem::exists(relative))
    return relative;
  return std::string(ORCHSIM_SOURCE_DIR) + "/" + relative;
}

} // namespace

int cmd_validate(const std::vector<std::string>& args)
{
  Common c;
  std::string validation, out, from, format = "table";
  unsigned jobs = 0;
  po::options_description opts = scenario_options(c);
  opts.add_options()("validation", po::value(&validation),
                     "the validation profile (default: scenarios/validation/default.yaml)")(
      "out,o", po::value(&out), "the folder for the runs and the scorecard (default: runs/<scenario>-validation)")(
      "from", po::value(&from), "re-score the runs in this folder (an earlier --out) without simulating")(
      "jobs,j", po::value(&jobs), "runs at once, each in its own process (default: the cores)")(
      "format", po::value(&format), "what to print: table (default) or json (the scorecard)");
  const bool rescoring = std::any_of(args.begin(), args.end(), [](const auto& a) { return a.rfind("--from", 0) == 0; });
  if (rescoring) {
    bool help = false;
    opts.add_options()("help,h", po::bool_switch(&help), "show this help");
    po::variables_map vm;
    try {
      po::store(po::command_line_parser(args).options(opts).run(), vm);
      po::notify(vm);
    } catch (const po::error& e) {
      throw UsageError(std::string(e.what()) + "\nsee: orchsim validate --help");
    }
    if (!c.overrides.empty() || !c.profile.empty() || !out.empty())
      throw UsageError("--from re-scores the runs as they are: --set, --profile and --out do not apply");
  } else if (!parse(args, "validate",
                    "Runs what the validation profile's criteria need (normal load, peak load, each fault, a "
                    "soak, the profiles experiment), replicated, and scores production readiness: every "
                    "criterion with its value, 95 % interval, target, fail threshold and score, category and "
                    "overall scores, and the verdict. Writes DIR/scorecard.json. Exit 0 when the gate passes, "
                    "1 when it fails, 2 on bad input. See docs/VALIDATION.md.",
                    opts, c)) {
    return EXIT_OK;
  }
  if (format != "table" && format != "json")
    throw UsageError("--format: expected table or json, found '" + format + "'");
  std::string dir = from;
  if (!rescoring) {
    const auto loaded = analysis::load(c.file, c.overrides, c.profile);
    const auto profile =
        analysis::load_validation_profile(validation.empty() ? default_validation_profile() : validation);
    dir = out.empty() ? "runs/" + loaded.scenario.name + "-validation" : out;
    analysis::ValidateOptions options;
    options.profile = c.profile;
    options.jobs = jobs ? jobs : std::max(1u, std::thread::hardware_concurrency());
    options.dir = dir;
    analysis::run_validation(loaded, profile, options);
    validation = profile.path;
  } else if (validation.empty()) {
    std::ifstream in(dir + "/plan.json");
    const auto plan = nlohmann::json::parse(in, nullptr, false);
    validation = plan.is_object() && plan.contains("validation") ? plan["validation"].get<std::string>()
                                                                 : default_validation_profile();
  }
  const auto profile = analysis::load_validation_profile(validation);
  const auto card = analysis::score_validation(dir, profile);
  const std::string scorecard = dir + "/scorecard.json";
  emit(analysis::to_json(card).dump(2) + "\n", analysis::scorecard_table(card), scorecard, format);
  return card.passed ? EXIT_OK : EXIT_GATE;
}

} // namespace orchsim::cli
