// --set key=value: edits a parsed config before it is validated, so overrides get the same checks.
// docs/architecture.md, "Config".
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace eisim {

// Keys: a name in "parameters" (N, p, ...), a simulation field (dt, T, burn_in, seed), or a
// dotted path "populations.<name>.<field>" / "projections.<name>.<field>" / "simulation.<field>".
// Values: a number, or else kept as a string (an expression). Throws ConfigError.
void apply_overrides(nlohmann::ordered_json& config, const std::vector<std::string>& overrides);

}  // namespace eisim
