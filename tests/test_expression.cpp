// Parameter expressions: precedence against hand-computed values, and errors that say what and where.
#include "eisim/engine/expression.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>

namespace {

using eisim::evaluate_expression;
using eisim::ExpressionError;

const double kPi = std::acos(-1.0);  // M_PI is POSIX, not standard C++
const std::map<std::string, double> kVars = {{"N", 5000.0}, {"p", 0.1}, {"K_e", 400.0}, {"x2", -3.5}};

eisim::VariableLookup map_lookup(const std::map<std::string, double>& vars) {
  return [&vars](const std::string& name) -> std::optional<double> {
    const auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

double eval(const std::string& text) { return evaluate_expression(text, map_lookup(kVars)); }

// Returns the message of the ExpressionError that `text` throws, or fails the test.
std::string error_of(const std::string& text) {
  try {
    eval(text);
  } catch (const ExpressionError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no ExpressionError for \"" << text << "\"";
  return "";
}

void expect_error_mentions(const std::string& text, const std::string& part) {
  const std::string message = error_of(text);
  EXPECT_NE(message.find(part), std::string::npos) << "message: " << message;
  EXPECT_NE(message.find("\"" + text + "\""), std::string::npos) << "message: " << message;
}

TEST(Expression, Numbers) {
  EXPECT_DOUBLE_EQ(eval("12"), 12.0);
  EXPECT_DOUBLE_EQ(eval("0.5"), 0.5);
  EXPECT_DOUBLE_EQ(eval(".5"), 0.5);
  EXPECT_DOUBLE_EQ(eval("3."), 3.0);
  EXPECT_DOUBLE_EQ(eval("1e-3"), 1e-3);
  EXPECT_DOUBLE_EQ(eval("2.5E+4"), 2.5e4);
  EXPECT_DOUBLE_EQ(eval("  7e2  "), 700.0);
}

TEST(Expression, PrecedenceAndAssociativity) {
  EXPECT_DOUBLE_EQ(eval("1+2*3"), 7.0);
  EXPECT_DOUBLE_EQ(eval("(1+2)*3"), 9.0);
  EXPECT_DOUBLE_EQ(eval("10-4-3"), 3.0);
  EXPECT_DOUBLE_EQ(eval("100/10/5"), 2.0);
  EXPECT_DOUBLE_EQ(eval("8/2*4"), 16.0);
  EXPECT_DOUBLE_EQ(eval("-2^2"), -4.0);
  EXPECT_DOUBLE_EQ(eval("(-2)^2"), 4.0);
  EXPECT_DOUBLE_EQ(eval("2^3^2"), 512.0);
  EXPECT_DOUBLE_EQ(eval("2^-1"), 0.5);
  EXPECT_DOUBLE_EQ(eval("2*3^2"), 18.0);
  EXPECT_DOUBLE_EQ(eval("--3"), 3.0);
  EXPECT_DOUBLE_EQ(eval("+4 - -1"), 5.0);
  EXPECT_DOUBLE_EQ(eval(" ( 1 + 2 ) * ( 3 - 1 ) "), 6.0);
}

TEST(Expression, Variables) {
  EXPECT_EQ(eval("15*35/sqrt(N)"), 15.0 * 35.0 / std::sqrt(5000.0));
  EXPECT_DOUBLE_EQ(eval("0.8*N"), 4000.0);
  EXPECT_DOUBLE_EQ(eval("15*35/sqrt(N*p/0.1)"), 15.0 * 35.0 / std::sqrt(5000.0 * 0.1 / 0.1));
  EXPECT_DOUBLE_EQ(eval("K_e + x2"), 396.5);
  EXPECT_DOUBLE_EQ(eval("pi"), kPi);
  EXPECT_DOUBLE_EQ(eval("2*pi"), 2.0 * kPi);
}

TEST(Expression, PiIsAlwaysTheConstant) {
  const std::map<std::string, double> vars = {{"pi", 3.0}};
  EXPECT_DOUBLE_EQ(evaluate_expression("pi", map_lookup(vars)), kPi);
}

TEST(Expression, Functions) {
  EXPECT_DOUBLE_EQ(eval("sqrt(16)"), 4.0);
  EXPECT_DOUBLE_EQ(eval("exp(1)"), std::exp(1.0));
  EXPECT_DOUBLE_EQ(eval("log(10)"), std::log(10.0));
  EXPECT_DOUBLE_EQ(eval("sin(pi/6)"), std::sin(kPi / 6));
  EXPECT_DOUBLE_EQ(eval("cos(pi/3)"), std::cos(kPi / 3));
  EXPECT_DOUBLE_EQ(eval("abs(x2)"), 3.5);
  EXPECT_DOUBLE_EQ(eval("floor(-2.5)"), -3.0);
  EXPECT_DOUBLE_EQ(eval("ceil(2.1)"), 3.0);
  EXPECT_DOUBLE_EQ(eval("round(2.5)"), 3.0);
  EXPECT_DOUBLE_EQ(eval("min(3, -1)"), -1.0);
  EXPECT_DOUBLE_EQ(eval("max(3, -1)"), 3.0);
  EXPECT_DOUBLE_EQ(eval("pow(2, 10)"), 1024.0);
  EXPECT_DOUBLE_EQ(eval(" max ( 1 , min(N, 2*K_e) ) + 1"), 801.0);
  EXPECT_DOUBLE_EQ(eval("-sqrt(4)^2"), -4.0);
}

TEST(Expression, ParseErrors) {
  EXPECT_THROW(eval(""), ExpressionError);
  expect_error_mentions("   ", "empty");
  expect_error_mentions("2 $ 3", "'$'");
  expect_error_mentions("2 $ 3", "column 3");
  expect_error_mentions("(1+2", "missing ')'");
  expect_error_mentions("sqrt(4", "missing ')'");
  expect_error_mentions("2 3", "column 3");
  expect_error_mentions("1+", "end of expression");
  expect_error_mentions("1e", "exponent");
  expect_error_mentions(".", "'.'");
  expect_error_mentions("1e999", "out of range");
}

TEST(Expression, UnknownNames) {
  const std::string message = error_of("0.8*Nx");
  EXPECT_NE(message.find("unknown name 'Nx'"), std::string::npos) << message;
  EXPECT_NE(message.find("\"0.8*Nx\""), std::string::npos) << message;
  EXPECT_NE(message.find("column 5"), std::string::npos) << message;
  EXPECT_EQ(message.find("K_e"), std::string::npos) << "lists other names: " << message;
  expect_error_mentions("foo(1)", "unknown function 'foo'");
  EXPECT_THROW(evaluate_expression("N", nullptr), ExpressionError);
}

TEST(Expression, WrongArgumentCounts) {
  expect_error_mentions("sqrt(1, 2)", "'sqrt' takes 1 argument");
  expect_error_mentions("pow(2)", "'pow' takes 2 arguments");
  expect_error_mentions("min(1, 2, 3)", "got 3");
  expect_error_mentions("max()", "'max' takes 2 arguments, got 0");
}

TEST(Expression, NonFiniteResults) {
  expect_error_mentions("sqrt(-1)", "nan");
  expect_error_mentions("1/0", "inf");
  expect_error_mentions("log(0)", "inf");
  expect_error_mentions("0/0", "nan");
  expect_error_mentions("10^400", "inf");
  const std::map<std::string, double> vars = {{"bad", std::nan("")}};
  EXPECT_THROW(evaluate_expression("bad", map_lookup(vars)), ExpressionError);
}

}  // namespace
