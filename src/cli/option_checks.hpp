// Checks of numeric command-line options (docs/architecture.md, "Command line"). CLI11's own number
// checks let nan and inf through or quote their whole range (1.8e308 written out in 300 digits);
// these say in a few words what an option takes. A failed check exits with status 2 before any work.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>

namespace eisim::cli {

CLI::Validator finite_number();    // any finite number
CLI::Validator positive_number();  // a finite number > 0
// Digits only, from `low` to `high` (`high_words` names it, e.g. "2^53").
CLI::Validator whole_number(uint64_t low, uint64_t high, const std::string& high_words);

}  // namespace eisim::cli
