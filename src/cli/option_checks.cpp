// Checks of numeric command-line options; docs/architecture.md, "Command line".
#include "src/cli/option_checks.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace eisim::cli {
namespace {

// The number `text` spells in full, or nan where it spells none.
double read_number(const std::string& text) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  return !text.empty() && end == text.c_str() + text.size() ? value : std::nan("");
}

}  // namespace

CLI::Validator finite_number() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        return std::isfinite(read_number(text)) ? "" : "must be a finite number, got '" + text + "'";
      },
      "NUMBER");
}

CLI::Validator positive_number() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        const double value = read_number(text);
        return std::isfinite(value) && value > 0 ? "" : "must be a finite number > 0, got '" + text + "'";
      },
      "NUMBER > 0");
}

CLI::Validator whole_number(uint64_t low, uint64_t high, const std::string& high_words) {
  const std::string range = "a whole number from " + std::to_string(low) + " to " + high_words;
  return CLI::Validator(
      [low, high, range](std::string& text) -> std::string {
        const bool digits = !text.empty() && text.size() <= 20 && text.find_first_not_of("0123456789") == std::string::npos;
        errno = 0;
        const unsigned long long value = digits ? std::strtoull(text.c_str(), nullptr, 10) : 0;
        return digits && errno == 0 && value >= low && value <= high ? "" : "must be " + range + ", got '" + text + "'";
      },
      range);
}

}  // namespace eisim::cli
