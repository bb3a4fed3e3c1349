// The JSON field-reader framework under the config sections (docs/architecture.md, "Config"):
// Parameters resolves the "parameters" block and evaluates expressions; Fields reads one JSON object,
// refuses keys it does not know and names the field in every error.
#pragma once

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "eisim/engine/config.hpp"
#include "eisim/engine/expression.hpp"
#include "eisim/errors.hpp"

namespace eisim::config_detail {

using Json = nlohmann::ordered_json;

// A JSON value as error messages quote it: compact, as dump() writes it, but never deeper than 8 levels
// and cut after about 200 characters, and with bytes that are not UTF-8 replaced. dump() itself would
// recurse once per level (a config nesting arrays 100000 deep overflows the stack) and throws on a
// string that is not UTF-8 (which --set can bring in).
constexpr size_t kShowChars = 200;
constexpr int kShowDepth = 8;

inline void show_into(const Json& value, int depth, std::string& out) {
  if (!value.is_structured()) {
    out += value.dump(-1, ' ', false, Json::error_handler_t::replace);
    return;
  }
  const char open = value.is_array() ? '[' : '{', close = value.is_array() ? ']' : '}';
  if (depth >= kShowDepth && !value.empty()) {
    out += std::string(1, open) + "..." + close;
    return;
  }
  out += open;
  for (auto it = value.begin(); it != value.end() && out.size() <= kShowChars; ++it) {
    if (it != value.begin()) out += ',';
    if (value.is_object()) out += Json(it.key()).dump(-1, ' ', false, Json::error_handler_t::replace) + ':';
    show_into(*it, depth + 1, out);
  }
  out += close;
}

inline std::string show(const Json& value) {
  std::string out;
  show_into(value, 0, out);
  return out.size() > kShowChars ? out.substr(0, kShowChars) + "..." : out;
}

inline std::string fmt(double x) {
  std::ostringstream out;
  out << x;
  return out.str();
}

inline std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

// Resolves the "parameters" block lazily, so parameters may refer to each other in any order.
class Parameters {
 public:
  explicit Parameters(const Json* block) : block_(block) {}

  std::optional<double> lookup(const std::string& name) {
    if (auto it = values_.find(name); it != values_.end()) return it->second;
    if (!block_ || !block_->contains(name)) return std::nullopt;
    if (std::find(resolving_.begin(), resolving_.end(), name) != resolving_.end()) {
      throw ConfigError("parameters." + name + ": refers to itself through " + join(resolving_));
    }
    if (resolving_.size() >= kMaxChain) {
      throw ConfigError("parameters." + name + ": more than " + std::to_string(kMaxChain) +
                        " parameters refer to one another in a chain");
    }
    resolving_.push_back(name);
    const double value = evaluate(block_->at(name), "parameters." + name);
    resolving_.pop_back();
    values_[name] = value;
    return value;
  }

  // Every number of a config is finite: JSON has no inf or NaN, expressions refuse them, and this
  // refuses what --set may bring in (inf, nan).
  double evaluate(const Json& value, const std::string& field) {
    if (value.is_number()) {
      const double number = value.get<double>();
      if (!std::isfinite(number)) throw ConfigError(field + ": must be a finite number, got " + fmt(number));
      return number;
    }
    if (!value.is_string()) {
      throw ConfigError(field + ": expected a number or an expression string, got " + show(value));
    }
    try {
      return evaluate_expression(value.get<std::string>(),
                                 [this](const std::string& name) { return lookup(name); });
    } catch (const ExpressionError& e) {
      throw ConfigError(field + ": " + e.what());
    }
  }

  std::map<std::string, double> all() {
    if (block_) {
      for (const auto& item : block_->items()) lookup(item.key());
    }
    return values_;
  }

 private:
  static constexpr size_t kMaxChain = 256;  // lookups recurse: a limit keeps the stack safe
  const Json* block_;
  std::map<std::string, double> values_;
  std::vector<std::string> resolving_;
};

// One JSON object being read: refuses keys it does not know, and says which field is wrong.
class Fields {
 public:
  Fields(const Json& object, std::string path, Parameters& params, const std::vector<std::string>& allowed)
      : object_(object), path_(std::move(path)), params_(params) {
    if (!object_.is_object()) throw ConfigError(path_ + ": expected an object, got " + show(object_));
    for (const auto& item : object_.items()) {
      if (std::find(allowed.begin(), allowed.end(), item.key()) == allowed.end()) {
        throw ConfigError(path_ + ": unknown key '" + item.key() + "' (allowed: " + join(allowed) + ")");
      }
    }
  }

  bool has(const std::string& key) const { return object_.contains(key); }
  std::string field(const std::string& key) const { return path_ + "." + key; }
  const Json& raw(const std::string& key) const {
    if (!has(key)) throw ConfigError(field(key) + ": missing (required)");
    return object_.at(key);
  }

  double number(const std::string& key) const { return params_.evaluate(raw(key), field(key)); }
  double number(const std::string& key, double fallback) const { return has(key) ? number(key) : fallback; }

  // Sizes, in-degrees and seeds: rounded to the nearest whole number, e.g. "0.8*N"; at most 2^53,
  // below which every whole number is a double.
  int64_t whole(const std::string& key, int64_t minimum) const {
    const double value = number(key);
    if (value < static_cast<double>(minimum) - 0.5 || value > 9007199254740992.0) {
      throw ConfigError(field(key) + ": must be a whole number from " + std::to_string(minimum) + " to 2^53, got " +
                        fmt(value));
    }
    return std::llround(value);
  }
  int64_t whole(const std::string& key, int64_t minimum, int64_t fallback) const {
    return has(key) ? whole(key, minimum) : fallback;
  }

  std::string text(const std::string& key) const {
    const Json& value = raw(key);
    if (!value.is_string()) throw ConfigError(field(key) + ": expected a string, got " + show(value));
    return value.get<std::string>();
  }

  void require(bool ok, const std::string& key, const std::string& what, double value) const {
    if (!ok) throw ConfigError(field(key) + ": " + what + ", got " + fmt(value));
  }

  Parameters& params() const { return params_; }
  const std::string& path() const { return path_; }

 private:
  const Json& object_;
  std::string path_;
  Parameters& params_;
};

}  // namespace eisim::config_detail
