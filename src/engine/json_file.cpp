// JSON results written to a file; docs/architecture.md, "Outputs".
#include "eisim/engine/json_file.hpp"

#include <fstream>

#include "eisim/errors.hpp"

namespace eisim {

void write_json_file(const nlohmann::ordered_json& value, const std::string& path) {
  std::ofstream out(path);
  out << value.dump(2) << "\n";
  if (!out) throw RuntimeProblem(path + ": cannot write the summary");
}

}  // namespace eisim
