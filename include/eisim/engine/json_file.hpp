// JSON results written to a file (summary.json and the other commands' summaries); docs/architecture.md,
// "Outputs".
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace eisim {

// Writes `value`, indented, to `path`; throws RuntimeProblem naming the path where it cannot.
void write_json_file(const nlohmann::ordered_json& value, const std::string& path);

}  // namespace eisim
