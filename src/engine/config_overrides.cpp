#include "src/engine/config_overrides.hpp"

#include <cstdlib>

#include "eisim/errors.hpp"

namespace eisim {
namespace {

using Json = nlohmann::ordered_json;

Json parse_value(const std::string& text) {
  char* end = nullptr;
  const double number = std::strtod(text.c_str(), &end);
  if (!text.empty() && end == text.c_str() + text.size()) return number;
  return text;  // an expression, checked when the config is read
}

std::vector<std::string> split(const std::string& key, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t at = key.find(separator, start);
    parts.push_back(key.substr(start, at - start));
    if (at == std::string::npos) return parts;
    start = at + 1;
  }
}

// The element of a "populations" or "projections" array with this name.
Json& named_element(Json& config, const std::string& list, const std::string& name, const std::string& key) {
  if (config.contains(list) && config[list].is_array()) {
    for (auto& element : config[list]) {
      if (element.is_object() && element.value("name", std::string()) == name) return element;
    }
  }
  throw ConfigError("--set " + key + ": there is no " + list.substr(0, list.size() - 1) + " named '" + name + "'");
}

void apply_one(Json& config, const std::string& assignment) {
  const size_t eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw ConfigError("--set '" + assignment + "': expected key=value, e.g. --set N=20000");
  }
  const std::string key = assignment.substr(0, eq);
  const Json value = parse_value(assignment.substr(eq + 1));
  const std::vector<std::string> path = split(key, '.');

  if (path.size() == 1) {
    if (config.contains("parameters") && config["parameters"].contains(key)) {
      config["parameters"][key] = value;
    } else if (config.contains("simulation") && config["simulation"].contains(key)) {
      config["simulation"][key] = value;
    } else {
      throw ConfigError("--set " + key + ": not a name in \"parameters\" nor a field of \"simulation\"");
    }
    return;
  }
  if (path.size() == 2 && path[0] == "simulation") {
    config["simulation"][path[1]] = value;  // unknown fields are refused when the config is read
    return;
  }
  if (path.size() == 3 && (path[0] == "populations" || path[0] == "projections")) {
    named_element(config, path[0], path[1], key)[path[2]] = value;
    return;
  }
  throw ConfigError("--set " + key +
                    ": expected NAME, simulation.FIELD, populations.NAME.FIELD or projections.NAME.FIELD");
}

}  // namespace

void apply_overrides(Json& config, const std::vector<std::string>& overrides) {
  for (const auto& assignment : overrides) apply_one(config, assignment);
}

}  // namespace eisim
