// analysis/YamlReader.hpp
#pragma once
#include <cstdint>
#include <set>
#include <string>

#include <yaml-cpp/yaml.h>

#include "sim/InputError.hpp"

namespace orchsim::analysis {

/** Reads the YAML files orchsim's analysis takes besides scenarios (validation profiles, sweep files):
 *  loads the text with `file:line:col` on malformed YAML, and reads nodes failing with sim::InputError at
 *  their location and key path. The file name is borrowed for messages. */
class YamlReader {
public:
  explicit YamlReader(std::string file) : file_(std::move(file)) {}

  /** The file's text (REQUIRES: readable, else InputError "cannot open <what>") and its YAML root. */
  static std::string read_text(const std::string& path, const std::string& what);
  YAML::Node parse(const std::string& text) const;

  sim::InputLocation at(const YAML::Node& node, const std::string& path) const;
  [[noreturn]] void fail(const YAML::Node& node, const std::string& path, const std::string& message) const;

  /** A map whose keys are scalars, each once. */
  void check_unique(const YAML::Node& map, const std::string& path) const;
  /** A map whose keys are all in `known`, each once (an unknown one: with a did-you-mean). */
  void check_keys(const YAML::Node& map, const std::string& path, const std::set<std::string>& known) const;
  YAML::Node required(const YAML::Node& map, const std::string& path, const char* key) const;
  std::string scalar(const YAML::Node& node, const std::string& path, const std::string& what) const;
  double number(const YAML::Node& node, const std::string& path) const;
  /** A number in [min, max]; else "expected <what>, found '<text>'". */
  double bounded(const YAML::Node& node, const std::string& path, double min, double max,
                 const std::string& what) const;
  uint64_t count(const YAML::Node& node, const std::string& path, uint64_t min, uint64_t max) const;
  bool boolean(const YAML::Node& node, const std::string& path) const;
  /** Letters, digits, '-', '_' and '.'. */
  std::string name(const YAML::Node& node, const std::string& path) const;

  static std::string join(const std::string& path, const std::string& key)
  {
    return path.empty() ? key : path + "." + key;
  }

private:
  std::string file_;
};

} // namespace orchsim::analysis
