// Recursive-descent evaluator for parameter expressions; it computes while it parses, no AST.
// docs/architecture.md, "Config".
//
// Grammar (whitespace allowed between any two tokens):
//   expr    := term (('+' | '-') term)*
//   term    := unary (('*' | '/') unary)*
//   unary   := ('+' | '-') unary | power
//   power   := primary ('^' unary)?          right-associative; binds tighter than unary minus,
//                                            so -2^2 == -4, 2^3^2 == 512 and 2^-1 == 0.5
//   primary := number | '(' expr ')' | name | name '(' expr (',' expr)* ')'
//   number  := digits ['.' digits] | '.' digits, then optionally [eE] [+-] digits
//   name    := [A-Za-z_][A-Za-z0-9_]*
// A name is the constant pi when it is `pi`, otherwise a variable resolved through the lookup.
// Functions: sqrt exp log sin cos abs floor ceil round (one argument), min max pow (two).
// Every intermediate value must be finite, so "sqrt(-1)" or "1/0" is an error, not a NaN config.
#include "eisim/engine/expression.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <vector>

namespace eisim {
namespace {

constexpr double kPi = 3.14159265358979323846;

class Parser {
 public:
  Parser(const std::string& text, const VariableLookup& lookup) : text_(text), lookup_(lookup) {}

  double parse_all() {
    skip_space();
    if (at_end()) fail(pos_, "empty expression");
    const double value = expr();
    skip_space();
    if (!at_end()) fail(pos_, "unexpected '" + printable(std::string(1, text_[pos_])) + "' after a complete expression");
    return value;
  }

 private:
  [[noreturn]] void fail(std::size_t at, const std::string& why) const {
    throw ExpressionError(why + " at column " + std::to_string(at + 1) + " in \"" + excerpt(at) + "\"");
  }

  // The text as a message quotes it: a byte that is not printable ASCII as \xNN (a NUL would end the
  // message there), and a text longer than kQuoted cut to the kQuoted bytes around the column.
  static constexpr std::size_t kQuoted = 120;
  std::string excerpt(std::size_t at) const {
    const std::size_t from =
        text_.size() <= kQuoted || at < kQuoted / 2 ? 0 : std::min(at - kQuoted / 2, text_.size() - kQuoted);
    const std::size_t to = std::min(text_.size(), from + kQuoted);
    return (from > 0 ? "..." : "") + printable(text_.substr(from, to - from)) + (to < text_.size() ? "..." : "");
  }
  static std::string printable(const std::string& bytes) {
    static const char hex[] = "0123456789abcdef";
    std::string out;
    for (const char c : bytes) {
      const auto u = static_cast<unsigned char>(c);
      if (u >= 0x20 && u < 0x7f) {
        out += c;
      } else {
        out += std::string("\\x") + hex[u >> 4] + hex[u & 15];
      }
    }
    return out;
  }

  // Checked at every step so the message points at the operation that went wrong.
  double finite(double value, std::size_t at, const std::string& what) const {
    if (!std::isfinite(value)) fail(at, what + " evaluates to " + (std::isnan(value) ? "nan" : "inf"));
    return value;
  }

  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  void skip_space() {
    while (!at_end() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  // Skips whitespace, then consumes `c` if it is next.
  bool accept(char c) {
    skip_space();
    if (peek() != c) return false;
    ++pos_;
    return true;
  }

  // Each nested expression, unary sign or power goes one call deeper; a limit keeps a hostile text
  // ("((((...") from overflowing the stack. A name the lookup resolves by evaluating another expression
  // (a parameter naming another) nests that evaluation on the same stack, so the depths of all the
  // evaluations under way on this thread are limited too: a chain of 100 parameters, each 99
  // parentheses deep, would otherwise need some 10 MB of stack.
  static constexpr int kMaxDepth = 200;
  static constexpr int kMaxTotalDepth = 1000;
  struct Deeper {
    Parser& parser;
    explicit Deeper(Parser& p) : parser(p) {
      ++parser.depth_;
      ++total_depth();
      if (parser.depth_ > kMaxDepth || total_depth() > kMaxTotalDepth) {
        const bool own = parser.depth_ > kMaxDepth;
        --parser.depth_;
        --total_depth();
        parser.fail(parser.pos_, own ? "nested more than " + std::to_string(kMaxDepth) + " deep"
                                     : "nested more than " + std::to_string(kMaxTotalDepth) +
                                           " deep, counting the expressions of the parameters it refers to");
      }
    }
    ~Deeper() {
      --parser.depth_;
      --total_depth();
    }
  };
  static int& total_depth() {
    thread_local int depth = 0;  // of every Parser under way on this thread
    return depth;
  }

  double expr() {
    const Deeper deeper(*this);
    double value = term();
    for (;;) {
      const std::size_t at = (skip_space(), pos_);
      if (accept('+')) value = finite(value + term(), at, "'+'");
      else if (accept('-')) value = finite(value - term(), at, "'-'");
      else return value;
    }
  }

  double term() {
    double value = unary();
    for (;;) {
      const std::size_t at = (skip_space(), pos_);
      if (accept('*')) value = finite(value * unary(), at, "'*'");
      else if (accept('/')) value = finite(value / unary(), at, "'/'");
      else return value;
    }
  }

  double unary() {
    const Deeper deeper(*this);
    if (accept('-')) return -unary();
    if (accept('+')) return unary();
    return power();
  }

  double power() {
    const double base = primary();
    const std::size_t at = (skip_space(), pos_);
    if (!accept('^')) return base;
    return finite(std::pow(base, unary()), at, "'^'");
  }

  double primary() {
    skip_space();
    const std::size_t start = pos_;
    const char c = peek();
    if (at_end()) fail(pos_, "unexpected end of expression");
    if (c == '(') {
      ++pos_;
      const double value = expr();
      if (!accept(')')) fail(pos_, "missing ')'");
      return value;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') return number();
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      while (!at_end() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) ++pos_;
      const std::string name = text_.substr(start, pos_ - start);
      if (accept('(')) return call(name, start);
      if (name == "pi") return kPi;
      const std::optional<double> value = lookup_ ? lookup_(name) : std::nullopt;
      if (!value) fail(start, "unknown name '" + name + "'");
      return finite(*value, start, "'" + name + "'");
    }
    fail(pos_, "unexpected '" + printable(std::string(1, c)) + "'");
  }

  double number() {
    const std::size_t start = pos_;
    const auto digits = [this] {
      const std::size_t from = pos_;
      while (!at_end() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
      return pos_ - from;
    };
    std::size_t mantissa = digits();
    if (peek() == '.') {
      ++pos_;
      mantissa += digits();
    }
    if (mantissa == 0) fail(start, "'.' without digits");
    if (peek() == 'e' || peek() == 'E') {
      ++pos_;
      if (peek() == '+' || peek() == '-') ++pos_;
      if (digits() == 0) fail(pos_, "exponent without digits");
    }
    // from_chars ignores the locale, unlike strtod, so "0.5" means the same everywhere.
    double value = 0.0;
    const auto [end, error] = std::from_chars(text_.data() + start, text_.data() + pos_, value);
    if (error != std::errc() || end != text_.data() + pos_) fail(start, "number out of range");
    return value;
  }

  double call(const std::string& name, std::size_t at) {
    std::vector<double> args;
    if (!accept(')')) {  // an empty list still gets the arity message below
      args.push_back(expr());
      while (accept(',')) args.push_back(expr());
      if (!accept(')')) fail(pos_, "missing ')' in call of '" + name + "'");
    }

    using Unary = double (*)(double);
    struct Fn1 { const char* name; Unary fn; };
    static const Fn1 unary_fns[] = {
        {"sqrt", [](double x) { return std::sqrt(x); }},   {"exp", [](double x) { return std::exp(x); }},
        {"log", [](double x) { return std::log(x); }},     {"sin", [](double x) { return std::sin(x); }},
        {"cos", [](double x) { return std::cos(x); }},     {"abs", [](double x) { return std::fabs(x); }},
        {"floor", [](double x) { return std::floor(x); }}, {"ceil", [](double x) { return std::ceil(x); }},
        {"round", [](double x) { return std::round(x); }},
    };
    const auto arity = [&](std::size_t want) {
      if (args.size() != want)
        fail(at, "'" + name + "' takes " + std::to_string(want) + " argument" + (want == 1 ? "" : "s") +
                     ", got " + std::to_string(args.size()));
    };
    const std::string what = "'" + name + "(...)'";
    for (const Fn1& f : unary_fns) {
      if (name != f.name) continue;
      arity(1);
      return finite(f.fn(args[0]), at, what);
    }
    if (name == "min" || name == "max" || name == "pow") {
      arity(2);
      if (name == "min") return std::fmin(args[0], args[1]);
      if (name == "max") return std::fmax(args[0], args[1]);
      return finite(std::pow(args[0], args[1]), at, what);
    }
    fail(at, "unknown function '" + name + "'");
  }

  const std::string& text_;
  const VariableLookup& lookup_;
  std::size_t pos_ = 0;
  int depth_ = 0;  // calls of expr() and unary() under way
};

}  // namespace

double evaluate_expression(const std::string& text, const VariableLookup& lookup) {
  return Parser(text, lookup).parse_all();
}

}  // namespace eisim
