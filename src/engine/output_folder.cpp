// An output folder holds one run (docs/architecture.md, "Outputs"): a folder with another run's files
// is refused, or with --overwrite emptied of eisim's own files first, so a summary never sits beside
// spike files of a different run.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "eisim/engine/output_writer.hpp"
#include "eisim/errors.hpp"

namespace eisim {
namespace {

bool ends_with(const std::string& text, const std::string& end) {
  return text.size() >= end.size() && text.compare(text.size() - end.size(), end.size(), end) == 0;
}

// The names eisim run writes (OutputWriter, summary.json, meanfield_plasticity.json).
bool written_by_eisim(const std::string& name) {
  if (name == "summary.json" || name == "meanfield_plasticity.json") return true;
  if (!ends_with(name, ".npy")) return false;
  for (const char* part : {"_spike_times.npy", "_spike_ids.npy", "_trace_", "_weights_"}) {
    if (name.find(part) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

void prepare_output_folder(const std::string& dir, bool overwrite) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return;
  if (!fs::is_directory(dir, ec)) throw RuntimeProblem("--out " + dir + ": exists and is not a folder");
  std::vector<fs::path> earlier;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file(ec) && written_by_eisim(entry.path().filename().string())) earlier.push_back(entry.path());
  }
  if (ec) throw RuntimeProblem("--out " + dir + ": cannot read the folder (" + ec.message() + ")");
  if (earlier.empty()) return;
  if (!overwrite) {
    std::sort(earlier.begin(), earlier.end());
    throw UsageError("--out " + dir + ": holds the outputs of an earlier run (" + earlier.front().filename().string() +
                     (earlier.size() > 1 ? " and " + std::to_string(earlier.size() - 1) + " more" : "") +
                     "); give --overwrite to replace them, or choose another folder");
  }
  for (const fs::path& file : earlier) {
    if (!fs::remove(file, ec) && ec) throw RuntimeProblem(file.string() + ": cannot remove (" + ec.message() + ")");
  }
}

}  // namespace eisim
