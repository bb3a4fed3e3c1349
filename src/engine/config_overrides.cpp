// --set key=value: edits the parsed JSON before it is read, so overrides get the same checks;
// docs/architecture.md, "Config".
#include "src/engine/config_overrides.hpp"

#include <cmath>
#include <cstdlib>

#include "eisim/errors.hpp"

namespace eisim {
namespace {

using Json = nlohmann::ordered_json;

// The fields of "simulation" that a bare name (--set T=2000) may set.
const char* const kSimulationFields[] = {"dt", "T", "burn_in", "seed"};

// A number, or else the text, kept as a string: an expression, checked when the config is read.
Json parse_value(const std::string& key, const std::string& text) {
  char* end = nullptr;
  const double number = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size()) return text;
  if (!std::isfinite(number)) throw ConfigError("--set " + key + "=" + text + ": not a finite number");
  return number;
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

// A populations or projections element's name: its "name", or for a projection without one the
// default "pre->post" (config_projections.cpp gives it the same).
std::string element_name(const Json& element, const std::string& list) {
  if (!element.is_object()) return "";
  const auto text = [&](const char* field) {
    return element.contains(field) && element.at(field).is_string() ? element.at(field).get<std::string>() : "";
  };
  if (element.contains("name") || list != "projections") return text("name");
  return text("pre") + "->" + text("post");
}

// The element of a "populations" or "projections" array with this name.
Json& named_element(Json& config, const std::string& list, const std::string& name, const std::string& key) {
  if (config.contains(list) && config[list].is_array()) {
    for (auto& element : config[list]) {
      // Only an object has fields to set: any other element (a number, a string) is refused when the
      // list is read, and setting a field of it here would be a JSON type error.
      if (element.is_object() && element_name(element, list) == name) return element;
    }
  }
  throw ConfigError("--set " + key + ": there is no " + list.substr(0, list.size() - 1) + " named '" + name + "'");
}

// config[section], which must be an object (created when absent).
Json& section(Json& config, const std::string& name, const std::string& key) {
  Json& s = config[name];
  if (s.is_null()) s = Json::object();
  if (!s.is_object()) throw ConfigError("--set " + key + ": \"" + name + "\" is not an object in the config");
  return s;
}

bool is_simulation_field(const std::string& name) {
  for (const char* field : kSimulationFields) {
    if (name == field) return true;
  }
  return false;
}

// Whether `text` is UTF-8, as every string of a JSON file is: one that is not would get into the config
// only through --set, and dump() throws on it (an error message quoting it, the summary naming it).
bool is_utf8(const std::string& text) {
  try {
    (void)Json(text).dump();
    return true;
  } catch (const Json::type_error&) {
    return false;
  }
}

void apply_one(Json& config, const std::string& assignment) {
  if (!is_utf8(assignment)) {
    throw ConfigError("--set " + Json(assignment).dump(-1, ' ', true, Json::error_handler_t::replace) +
                      ": not valid UTF-8 (a JSON config holds only UTF-8 text)");
  }
  const size_t eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw ConfigError("--set '" + assignment + "': expected key=value, e.g. --set N=20000");
  }
  const std::string key = assignment.substr(0, eq);
  const Json value = parse_value(key, assignment.substr(eq + 1));
  const std::vector<std::string> path = split(key, '.');

  if (path.size() == 1) {
    if (config.contains("parameters") && config["parameters"].is_object() && config["parameters"].contains(key)) {
      config["parameters"][key] = value;
    } else if (is_simulation_field(key)) {
      section(config, "simulation", key)[key] = value;
    } else {
      throw ConfigError("--set " + key + ": not a name in \"parameters\" nor a field of \"simulation\" (dt, T, burn_in, seed)");
    }
    return;
  }
  if (path.size() == 2 && path[0] == "simulation") {
    section(config, "simulation", key)[path[1]] = value;  // unknown fields are refused when the config is read
    return;
  }
  if ((path.size() == 3 || path.size() == 4) && (path[0] == "populations" || path[0] == "projections")) {
    Json& element = named_element(config, path[0], path[1], key);
    if (path.size() == 3) {
      element[path[2]] = value;
      return;
    }
    // A field within a field (V0.sd, poisson_input.rate_hz, plasticity.eta): an object, created when absent.
    Json& field = element[path[2]];
    if (field.is_null()) field = Json::object();
    if (!field.is_object()) {
      throw ConfigError("--set " + key + ": " + path[0] + "." + path[1] + "." + path[2] +
                        " has no named fields in the config (it is not an object)");
    }
    field[path[3]] = value;
    return;
  }
  throw ConfigError("--set " + key +
                    ": expected NAME, simulation.FIELD, populations.NAME.FIELD[.FIELD] or projections.NAME.FIELD[.FIELD]");
}

}  // namespace

void apply_overrides(Json& config, const std::vector<std::string>& overrides) {
  if (!overrides.empty() && !config.is_object()) throw ConfigError("--set: the config is not a JSON object");
  for (const auto& assignment : overrides) apply_one(config, assignment);
}

}  // namespace eisim
