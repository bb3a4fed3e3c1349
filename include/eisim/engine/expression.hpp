// Arithmetic expressions in network parameters, so sizes and weights can be written as "0.8*N".
// docs/architecture.md, "Config".
#pragma once

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

namespace eisim {

// An expression that does not parse or evaluate; the message quotes the text and says where and why.
class ExpressionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Returns the value of a variable, or std::nullopt when the name is unknown.
using VariableLookup = std::function<std::optional<double>(const std::string& name)>;

// Evaluates `text` (see the grammar in src/engine/expression.cpp). `pi` is always the constant and is
// never passed to `lookup`. Throws ExpressionError, also when the value is not finite.
double evaluate_expression(const std::string& text, const VariableLookup& lookup);

}  // namespace eisim
