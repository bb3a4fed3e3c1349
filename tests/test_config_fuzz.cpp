// Fuzzing the config reader, the --set overrides and the expression evaluator with hostile input
// (docs/architecture.md, "Config"; docs/config_reference.md): every case, however broken, ends in a
// parsed spec or in a ConfigError/UsageError with a message (an ExpressionError for a bare expression),
// within 2 s; never another exception (a JSON type error, bad_alloc, length_error), a crash or a hang.
// A spec that parses must also pass or be refused cleanly by require_runnable, and where its network is
// small it must run, with finite, non-negative rates. Fixed seeds: the same cases every time. Every
// failure found here is kept as a named case in test_config_fuzz_regressions.cpp.
//
// A failing case is printed (the JSON text, truncated to 2000 characters, the mutations applied and the
// overrides); a case that crashes the process is printed by a fatal-signal handler (or, in a sanitized
// build, by the sanitizer's death callback), and one that hangs by a watchdog that then aborts; with
// EISIM_FUZZ_CASE_FILE set, each case is also written whole to that file before it runs.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <new>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <typeinfo>
#include <vector>

#include "eisim/engine/backend.hpp"
#include "eisim/engine/compare.hpp"
#include "eisim/engine/config.hpp"
#include "eisim/engine/expression.hpp"
#include "eisim/engine/network.hpp"
#include "eisim/errors.hpp"
#include "test_support.hpp"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#endif

namespace eisim {
namespace {

using Json = nlohmann::ordered_json;
using Pointer = Json::json_pointer;
using Rng = std::mt19937_64;

// ---------------------------------------------------------------------------------------------------
// How long a case may take. A sanitized build runs some 2-3 times slower: it gets three times as long.

#if defined(__SANITIZE_ADDRESS__)
constexpr double kSlowdown = 3.0;
#else
constexpr double kSlowdown = 1.0;
#endif
constexpr double kCaseLimitS = 2.0 * kSlowdown;
// The number of cases, scaled so that the sanitized build (tools/test.sh, CI), where parsing and writing
// JSON run some eight times slower, stays well within its time: a sixth of the cases there.
#if defined(__SANITIZE_ADDRESS__)
constexpr int kCaseDivisor = 6;
#else
constexpr int kCaseDivisor = 1;
#endif
constexpr double kHangS = 60.0 * kSlowdown;  // the watchdog aborts the process, printing the case

// ---------------------------------------------------------------------------------------------------
// The case under way, kept where a signal handler can print it with write(2).

char g_case[6000];
std::atomic<size_t> g_case_length{0};
std::atomic<int64_t> g_case_start_ns{0};  // 0: no case under way

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void write_case_to_stderr() {
  const char head[] = "\n*** ConfigFuzz: the case under way when the process died or hung:\n";
  ssize_t ignored = ::write(2, head, sizeof head - 1);
  ignored = ::write(2, g_case, g_case_length.load());
  ignored = ::write(2, "\n", 1);
  (void)ignored;
}

extern "C" void on_fatal_signal(int sig) {
  write_case_to_stderr();
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

std::string truncated(const std::string& text, size_t limit = 2000) {
  if (text.size() <= limit) return text;
  return text.substr(0, limit) + "... [" + std::to_string(text.size() - limit) + " more bytes]";
}

// Prints (on a crash) or reports (on a failure) a case: what it started from, the mutations, the text
// and the overrides, each shortened.
struct Case {
  std::string origin;                  // the config and the kind of case
  std::vector<std::string> mutations;  // what was done to it
  std::string text;                    // the JSON text given to parse_network_spec, or the expression
  std::vector<std::string> overrides;

  std::string describe() const {
    std::string out = "case: " + origin + "\n";
    for (const auto& m : mutations) out += "  mutation: " + truncated(m, 300) + "\n";
    out += "text (" + std::to_string(text.size()) + " bytes): " + truncated(text) + "\n";
    out += "overrides:";
    for (const auto& o : overrides) out += " [" + truncated(o, 300) + "]";
    return out + "\n";
  }
};

void begin_case(const Case& c) {
  // EISIM_FUZZ_CASE_FILE=path: each case's whole text (and, after a line "--set", its overrides) is
  // written there before it runs, so the one that crashes can be kept whole.
  if (const char* keep = std::getenv("EISIM_FUZZ_CASE_FILE")) {
    std::ofstream out(keep, std::ios::binary);
    out << c.text << "\n--set\n";
    for (const auto& o : c.overrides) out << o << "\n";
  }
  const std::string d = c.describe();
  const size_t n = std::min(d.size(), sizeof g_case);
  std::memcpy(g_case, d.data(), n);
  g_case_length.store(n);
  g_case_start_ns.store(now_ns());
}

// Installs the crash reporting and the watchdog for one test; undoes both when it goes out of scope.
class CrashReporting {
 public:
  CrashReporting() {
#if defined(__SANITIZE_ADDRESS__)
    __sanitizer_set_death_callback(write_case_to_stderr);
#else
    stack_.resize(1 << 16);
    stack_t alt{};
    alt.ss_sp = stack_.data();
    alt.ss_size = stack_.size();
    sigaltstack(&alt, &old_stack_);
    struct sigaction action {};
    action.sa_handler = on_fatal_signal;
    action.sa_flags = SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    for (size_t k = 0; k < kSignals.size(); ++k) sigaction(kSignals[k], &action, &old_[k]);
#endif
    watchdog_ = std::thread([this] {
      while (!stop_.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        const int64_t start = g_case_start_ns.load();
        if (start != 0 && static_cast<double>(now_ns() - start) * 1e-9 > kHangS) {
          const char head[] = "\n*** ConfigFuzz: a case has run for longer than the watchdog allows\n";
          ssize_t ignored = ::write(2, head, sizeof head - 1);
          (void)ignored;
          write_case_to_stderr();
          std::abort();
        }
      }
    });
  }
  ~CrashReporting() {
    stop_.store(true);
    watchdog_.join();
    g_case_start_ns.store(0);
#if defined(__SANITIZE_ADDRESS__)
    __sanitizer_set_death_callback(nullptr);
#else
    for (size_t k = 0; k < kSignals.size(); ++k) sigaction(kSignals[k], &old_[k], nullptr);
    sigaltstack(&old_stack_, nullptr);
#endif
  }
  CrashReporting(const CrashReporting&) = delete;
  CrashReporting& operator=(const CrashReporting&) = delete;

 private:
#if !defined(__SANITIZE_ADDRESS__)
  static constexpr std::array<int, 5> kSignals{SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
  std::vector<char> stack_;
  stack_t old_stack_{};
  struct sigaction old_[5] {};
#endif
  std::atomic<bool> stop_{false};
  std::thread watchdog_;
};

// ---------------------------------------------------------------------------------------------------
// What the cases ended in, and the failures.

struct Tally {
  int cases = 0;
  int parsed = 0;
  int config_errors = 0;
  int usage_errors = 0;
  int not_runnable = 0;  // refused by require_runnable (RuntimeProblem or UsageError)
  int ran = 0;
  int run_refused = 0;  // record_run threw RuntimeProblem or UsageError
  double slowest_s = 0;
  double run_s = 0;  // of all the cases' time, in require_runnable and record_run
  std::string first_refusal;  // the first RuntimeProblem or UsageError of require_runnable or record_run
  std::vector<std::string> failures;

  std::string summary() const {
    std::ostringstream out;
    out << cases << " cases: " << parsed << " parsed, " << config_errors << " ConfigError, " << usage_errors
        << " UsageError; of those parsed " << not_runnable << " not runnable here, " << ran << " ran, " << run_refused
        << " refused by the run (" << run_s << " s); slowest case " << slowest_s << " s";
    if (!first_refusal.empty()) out << "; first refusal: " << truncated(first_refusal, 300);
    return out.str();
  }
};

constexpr size_t kFailuresShown = 20;

void report_failures(const Tally& tally) {
  for (size_t k = 0; k < tally.failures.size() && k < kFailuresShown; ++k) ADD_FAILURE() << tally.failures[k];
  if (tally.failures.size() > kFailuresShown) {
    ADD_FAILURE() << tally.failures.size() - kFailuresShown << " more failing cases not shown";
  }
}

// Whatever was thrown, as words: its type and (shortened) message.
std::string describe_current_exception() {
  try {
    throw;
  } catch (const nlohmann::json::exception& e) {
    return std::string("a JSON library exception (") + typeid(e).name() + "): " + truncated(e.what(), 500);
  } catch (const std::bad_alloc& e) {
    return std::string("std::bad_alloc: ") + e.what();
  } catch (const std::exception& e) {
    return std::string("an unexpected exception ") + typeid(e).name() + ": " + truncated(e.what(), 500);
  } catch (...) {
    return "an exception that is not a std::exception";
  }
}

// A network small enough to run in a case.
bool small(const NetworkSpec& spec) {
  if (spec.total_neurons() > 2000 || spec.simulation.n_steps() > 2000) return false;
  double synapses = 0;
  for (size_t k = 0; k < spec.projections.size(); ++k) synapses += expected_synapses(spec, k);
  return synapses <= 2e5;
}

// Checks a run of a small spec: every rate finite and >= 0 where there was time after the burn-in
// (statistics.hpp: NaN only where there was none).
std::string check_run(const NetworkSpec& spec, const RecordedRun& run) {
  if (run.report.populations.size() != spec.populations.size()) return "the run reports the wrong number of populations";
  for (size_t a = 0; a < spec.populations.size(); ++a) {
    const double rate = run.report.populations[a].rate_hz;
    const bool time_after_burn_in = run.report.t_sim_ms > spec.simulation.burn_in_ms;
    if (time_after_burn_in ? !(std::isfinite(rate) && rate >= 0) : !(std::isnan(rate) || rate >= 0)) {
      std::ostringstream out;
      out << "population " << spec.populations[a].name << " has rate " << rate << " Hz after a run of "
          << run.report.t_sim_ms << " ms with burn-in " << spec.simulation.burn_in_ms << " ms";
      return out.str();
    }
  }
  return "";
}

// Parses a config case and, where it parses, checks that it can be refused or run cleanly.
void run_config_case(const Case& c, Tally& tally) {
  begin_case(c);
  const auto start = std::chrono::steady_clock::now();
  std::string failure;
  ++tally.cases;
  NetworkSpec spec;
  bool parsed = false;
  try {
    spec = parse_network_spec(c.text, c.overrides);
    parsed = true;
    ++tally.parsed;
  } catch (const ConfigError& e) {
    ++tally.config_errors;
    if (std::string(e.what()).empty()) failure = "a ConfigError with an empty message";
  } catch (const UsageError& e) {
    ++tally.usage_errors;
    if (std::string(e.what()).empty()) failure = "a UsageError with an empty message";
  } catch (...) {
    failure = "parse_network_spec threw " + describe_current_exception();
  }
  if (parsed) {
    const auto run_start = std::chrono::steady_clock::now();
    bool runnable = false;
    try {
      require_runnable(BackendKind::cpu, spec, BackendOptions{});
      runnable = true;
    } catch (const RuntimeProblem& e) {
      ++tally.not_runnable;
      if (tally.first_refusal.empty()) tally.first_refusal = e.what();
    } catch (const UsageError& e) {
      ++tally.not_runnable;
      if (tally.first_refusal.empty()) tally.first_refusal = e.what();
    } catch (...) {
      failure = "require_runnable threw " + describe_current_exception();
    }
    if (runnable && small(spec)) {
      RunOptions options;
      options.backend = BackendKind::cpu;
      options.threads = 1;
      try {
        const RecordedRun run = record_run(spec, options);
        ++tally.ran;
        failure = check_run(spec, run);
      } catch (const RuntimeProblem& e) {
        ++tally.run_refused;
        if (tally.first_refusal.empty()) tally.first_refusal = e.what();
      } catch (const UsageError& e) {
        ++tally.run_refused;
        if (tally.first_refusal.empty()) tally.first_refusal = e.what();
      } catch (...) {
        failure = "record_run threw " + describe_current_exception();
      }
    }
    tally.run_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - run_start).count();
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  g_case_start_ns.store(0);
  tally.slowest_s = std::max(tally.slowest_s, seconds);
  if (failure.empty() && seconds > kCaseLimitS) failure = "the case took " + std::to_string(seconds) + " s";
  if (!failure.empty()) tally.failures.push_back(failure + "\n" + c.describe());
}

// ---------------------------------------------------------------------------------------------------
// The configs the mutations start from: each shipped config, and a shrunk copy of it that runs in a
// case (small N, T = 100 ms), so that mutations reach the run as well as the reader.

struct Base {
  std::string name;
  Json config;
  std::vector<std::string> population_names, projection_names;
};

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Json shrunk(Json config) {
  if (config.contains("parameters")) {
    for (auto& item : config["parameters"].items()) {
      const std::string& key = item.key();
      if (key == "N") item.value() = 500;
      if (key == "Ne") item.value() = 400;
      if (key == "Ni") item.value() = 100;
      if (key == "Ke") item.value() = 40;
      if (key == "Ki") item.value() = 10;
      if (key == "scale") item.value() = 0.02;  // the microcircuit: 1543 neurons, 1.2e5 synapses
    }
  }
  Json& sim = config["simulation"];
  sim["T"] = 100;
  if (sim.contains("burn_in")) sim["burn_in"] = 20;
  if (config.contains("recording")) {
    Json& rec = config["recording"];
    if (rec.contains("rate_window_ms")) rec["rate_window_ms"] = 20;
    if (rec.contains("weights")) {
      for (auto& w : rec["weights"]) w["every_steps"] = 100;
    }
  }
  return config;
}

std::vector<Base> bases() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(test_support::source_path("configs"))) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());  // a fixed order: the same cases every time
  std::vector<Base> out;
  for (const auto& file : files) {
    const Json config = Json::parse(read_text(file));
    for (bool shrink : {false, true}) {
      Base b;
      b.name = file.filename().string() + (shrink ? " (shrunk)" : "");
      b.config = shrink ? shrunk(config) : config;
      for (const auto& pop : config["populations"]) b.population_names.push_back(pop["name"].get<std::string>());
      if (config.contains("projections")) {
        for (const auto& proj : config["projections"]) {
          b.projection_names.push_back(proj.contains("name") ? proj["name"].get<std::string>()
                                                             : proj["pre"].get<std::string>() + "->" +
                                                                   proj["post"].get<std::string>());
        }
      }
      out.push_back(std::move(b));
    }
  }
  return out;
}

TEST(ConfigFuzz, TheBasesParseAndTheShrunkOnesRun) {
  // The positive control: unmutated, every base is a valid config, and every shrunk one small enough
  // to run in a case; otherwise the mutations would only ever test the refusals.
  const std::vector<Base> all = bases();
  ASSERT_EQ(all.size(), 12u) << "expected the six shipped configs, each also shrunk";
  for (const Base& b : all) {
    SCOPED_TRACE(b.name);
    const NetworkSpec spec = parse_network_spec(b.config.dump());
    if (b.name.find("shrunk") != std::string::npos) {
      EXPECT_TRUE(small(spec));
      EXPECT_EQ(check_run(spec, test_support::run_collecting(spec)), "");
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Hostile values

std::string repeated(const std::string& unit, size_t n) {
  std::string out;
  out.reserve(unit.size() * n);
  for (size_t k = 0; k < n; ++k) out += unit;
  return out;
}

const std::string& deep_parentheses() {
  static const std::string text = repeated("(", 20000) + "1" + repeated(")", 20000);
  return text;
}
const std::string& many_minus_signs() {
  static const std::string text = repeated("-", 20000) + "1";
  return text;
}
const std::string& megabyte_string() {
  static const std::string text = repeated("1", 1 << 20);
  return text;
}

const Json& array_nested_1000_deep() {
  static const Json value = [] {
    Json v = Json::array();
    for (int k = 1; k < 1000; ++k) {
      Json outer = Json::array();
      outer.push_back(std::move(v));
      v = std::move(outer);
    }
    return v;
  }();
  return value;
}

// A hostile JSON value and a short name for it (the mutation log).
std::pair<Json, std::string> hostile_value(Rng& rng) {
  const double two31 = 2147483648.0;
  switch (rng() % 38) {
    case 0: return {0, "0"};
    case 1: return {-0.0, "-0.0"};
    case 2: return {-1, "-1"};
    case 3: return {1e-300, "1e-300"};
    case 4: return {1e300, "1e300"};
    case 5: return {1.7e308, "1.7e308"};
    case 6: return {-1.7e308, "-1.7e308"};
    case 7: return {two31, "2^31"};
    case 8: return {int64_t{2147483647}, "2^31-1"};
    case 9: return {4294967296.0, "2^32"};
    case 10: return {9007199254740992.0, "2^53"};
    case 11: return {uint64_t{1} << 63, "2^63 (unsigned)"};
    case 12: return {9223372036854775808.0, "2^63 (double)"};
    case 13: return {0.5, "0.5"};
    case 14: return {"inf", "\"inf\""};
    case 15: return {"-inf", "\"-inf\""};
    case 16: return {"nan", "\"nan\""};
    case 17: return {"1e400", "\"1e400\""};
    case 18: return {"1/0", "\"1/0\""};
    case 19: return {"sqrt(-1)", "\"sqrt(-1)\""};
    case 20: return {"N*1e300", "\"N*1e300\""};
    case 21: return {deep_parentheses(), "20000 parentheses"};
    case 22: return {many_minus_signs(), "20000 minus signs"};
    case 23: return {"", "\"\""};
    case 24:  // most cases' time would go to writing and reading 1 MB: a quarter get it, the others 64 kB
      if (rng() % 4 == 0) return {megabyte_string(), "a 1 MB string"};
      return {megabyte_string().substr(0, 1 << 16), "a 64 kB string"};
    case 25: return {nullptr, "null"};
    case 26: return {true, "true"};
    case 27: return {Json::array(), "[]"};
    case 28: return {Json::object(), "{}"};
    case 29: return {array_nested_1000_deep(), "an array nested 1000 deep"};
    case 30: return {Json{{"fuzz_unknown_key", 1}}, "{\"fuzz_unknown_key\": 1}"};
    case 31: return {std::numeric_limits<uint64_t>::max(), "2^64-1"};
    case 32: return {std::numeric_limits<int64_t>::min(), "-2^63"};
    case 33: return {"\xff\xfe", "invalid UTF-8"};
    case 34: return {"1e-400", "\"1e-400\""};
    case 35: return {Json::array({1, 2, 3}), "[1, 2, 3]"};
    case 36: return {"pi", "\"pi\""};
    default: return {1e-5, "1e-5"};
  }
}

// A plausible number near the value it replaces, so mutations also reach the checks after the types.
std::pair<Json, std::string> nudged(const Json& old, Rng& rng) {
  static const double factors[] = {-1, 0, 0.5, 0.99, 1.01, 2, 10, 1000, 1e6};
  const double factor = factors[rng() % (sizeof factors / sizeof factors[0])];
  if (old.is_number()) {
    const double value = old.get<double>() * factor;
    return {value, "nudged to " + Json(value).dump()};
  }
  if (old.is_string()) {
    const std::string text = "(" + old.get<std::string>() + ")*" + Json(factor).dump();
    return {text, "nudged to " + text};
  }
  return hostile_value(rng);
}

// ---------------------------------------------------------------------------------------------------
// Mutations of the JSON tree

void collect_pointers(const Json& node, const Pointer& here, std::vector<Pointer>& out, int depth) {
  if (depth > 40) return;
  if (node.is_object()) {
    for (const auto& item : node.items()) {
      const Pointer child = here / item.key();
      out.push_back(child);
      collect_pointers(item.value(), child, out, depth + 1);
    }
  } else if (node.is_array()) {
    for (size_t k = 0; k < node.size(); ++k) {
      const Pointer child = here / k;
      out.push_back(child);
      collect_pointers(node[k], child, out, depth + 1);
    }
  }
}

std::vector<Pointer> pointers(const Json& tree, const std::function<bool(const Pointer&, const Json&)>& keep) {
  std::vector<Pointer> all, kept;
  collect_pointers(tree, Pointer(), all, 0);
  for (const Pointer& p : all) {
    if (keep(p, tree.at(p))) kept.push_back(p);
  }
  return kept;
}

template <typename T>
const T& pick(const std::vector<T>& items, Rng& rng) {
  return items[rng() % items.size()];
}

bool is_reference_key(const std::string& key) {
  return key == "name" || key == "pre" || key == "post" || key == "population" || key == "projection";
}

// One random mutation of `tree`; returns what it did.
std::string mutate_tree(Json& tree, const Base& base, Rng& rng) {
  const auto any = [](const Pointer&, const Json&) { return true; };
  for (int attempt = 0; attempt < 20; ++attempt) {
    switch (rng() % 9) {
      case 0:
      case 1: {  // replace a value with a hostile one
        const auto all = pointers(tree, any);
        if (all.empty()) break;
        const Pointer& p = pick(all, rng);
        auto [value, name] = hostile_value(rng);
        tree.at(p) = std::move(value);
        return "replace " + p.to_string() + " with " + name;
      }
      case 2: {  // a plausible number instead of a number or expression
        const auto scalars = pointers(tree, [](const Pointer&, const Json& v) { return v.is_number() || v.is_string(); });
        if (scalars.empty()) break;
        const Pointer& p = pick(scalars, rng);
        auto [value, name] = nudged(tree.at(p), rng);
        tree.at(p) = std::move(value);
        return p.to_string() + " " + name;
      }
      case 3: {  // delete a key or an array element
        const auto all = pointers(tree, any);
        if (all.empty()) break;
        const Pointer& p = pick(all, rng);
        Json& parent = tree.at(p.parent_pointer());
        if (parent.is_object()) {
          parent.erase(p.back());
        } else {
          parent.erase(static_cast<size_t>(std::stoul(p.back())));
        }
        return "delete " + p.to_string();
      }
      case 4: {  // an unknown key in some object
        auto objects = pointers(tree, [](const Pointer&, const Json& v) { return v.is_object(); });
        objects.push_back(Pointer());
        const Pointer& p = pick(objects, rng);
        tree.at(p)["fuzz_unknown_key"] = 1;
        return "add an unknown key to " + p.to_string();
      }
      case 5: {  // duplicate or remove an array element
        const auto arrays = pointers(tree, [](const Pointer&, const Json& v) { return v.is_array() && !v.empty(); });
        if (arrays.empty()) break;
        const Pointer& p = pick(arrays, rng);
        Json& array = tree.at(p);
        const size_t k = rng() % array.size();
        if (rng() % 2) {
          const Json copy = array[k];
          array.insert(array.begin() + static_cast<std::ptrdiff_t>(rng() % (array.size() + 1)), copy);
          return "duplicate element " + std::to_string(k) + " of " + p.to_string();
        }
        array.erase(k);
        return "remove element " + std::to_string(k) + " of " + p.to_string();
      }
      case 6: {  // a population or projection name, or a reference to one, changed to another or ""
        const auto refs = pointers(tree, [](const Pointer& p, const Json& v) {
          if (!v.is_string() || p.empty()) return false;
          return is_reference_key(p.back()) || (!p.parent_pointer().empty() && p.parent_pointer().back() == "spikes");
        });
        if (refs.empty()) break;
        const Pointer& p = pick(refs, rng);
        std::vector<std::string> names = base.population_names;
        names.insert(names.end(), base.projection_names.begin(), base.projection_names.end());
        names.insert(names.end(), {"", std::string("E\0x", 3), "E\nx", "E x", "../E", "E.x"});
        const std::string name = pick(names, rng);
        tree.at(p) = name;
        return "rename " + p.to_string() + " to \"" + name + "\"";
      }
      case 7: {  // a chain of parameters, each naming the next inside nested parentheses
        if (!tree.is_object()) break;
        static const int lengths[] = {2, 50, 255, 256, 300};
        static const int nestings[] = {0, 2, 5, 50, 99};
        const int length = lengths[rng() % 5], nesting = nestings[rng() % 5];
        Json& params = tree["parameters"];
        if (!params.is_object()) params = Json::object();
        for (int k = 0; k < length; ++k) {
          const std::string next = k + 1 < length ? "fuzz_chain_" + std::to_string(k + 1) : "1";
          params["fuzz_chain_" + std::to_string(k)] = std::string(nesting, '(') + next + std::string(nesting, ')');
        }
        return "add a chain of " + std::to_string(length) + " parameters, each " + std::to_string(nesting) +
               " parentheses deep";
      }
      default: {  // a value at the top of a section replaced by a container or scalar of the wrong kind
        const auto sections = pointers(tree, [](const Pointer& p, const Json&) { return p.parent_pointer().empty(); });
        if (sections.empty()) break;
        const Pointer& p = pick(sections, rng);
        auto [value, name] = hostile_value(rng);
        tree.at(p) = std::move(value);
        return "replace the section " + p.to_string() + " with " + name;
      }
    }
  }
  return "no mutation";
}

// ---------------------------------------------------------------------------------------------------
// Mutations of the JSON text

// [start, end) of each number in a JSON text (outside strings).
std::vector<std::pair<size_t, size_t>> number_tokens(const std::string& text) {
  std::vector<std::pair<size_t, size_t>> out;
  bool in_string = false;
  for (size_t k = 0; k < text.size(); ++k) {
    const char c = text[k];
    if (in_string) {
      if (c == '\\') ++k;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      size_t end = k + 1;
      while (end < text.size() && std::strchr("0123456789.eE+-", text[end]) != nullptr) ++end;
      out.emplace_back(k, end);
      k = end - 1;
    }
  }
  return out;
}

std::string mutate_text(std::string& text, Rng& rng) {
  switch (rng() % 8) {
    case 0: {
      const size_t at = text.empty() ? 0 : rng() % text.size();
      text.resize(at);
      return "truncate at byte " + std::to_string(at);
    }
    case 1: {
      const int n = 1 + static_cast<int>(rng() % 8);
      for (int k = 0; k < n && !text.empty(); ++k) text[rng() % text.size()] ^= static_cast<char>(1 + rng() % 255);
      return "flip " + std::to_string(n) + " bytes";
    }
    case 2: {
      const int n = 1 + static_cast<int>(rng() % 16);
      std::string bytes;
      for (int k = 0; k < n; ++k) bytes.push_back(static_cast<char>(rng() % 256));
      const size_t at = rng() % (text.size() + 1);
      text.insert(at, bytes);
      return "insert " + std::to_string(n) + " random bytes at " + std::to_string(at);
    }
    case 3:
    case 4: {
      const auto numbers = number_tokens(text);
      if (numbers.empty()) return "no number to replace";
      const auto [start, end] = pick(numbers, rng);
      static const char* const replacements[] = {"1e400", "-1e400", "1e-400", "-0", "1e308", "123456789012345678901234567890"};
      const std::string with = replacements[rng() % 6];
      text.replace(start, end - start, with);
      return "replace the number at byte " + std::to_string(start) + " by " + with;
    }
    case 5: {
      const size_t at = rng() % (text.size() + 1);
      text.insert(at, std::string(100000, '['));
      return "insert 100000 '[' at byte " + std::to_string(at);
    }
    case 6: {  // balanced, so the text still parses: a value nested 100000 deep
      const auto numbers = number_tokens(text);
      if (numbers.empty()) return "no number to replace";
      const auto [start, end] = pick(numbers, rng);
      text.replace(start, end - start, std::string(100000, '[') + "0" + std::string(100000, ']'));
      return "replace the number at byte " + std::to_string(start) + " by an array nested 100000 deep";
    }
    default: {
      const size_t at = rng() % (text.size() + 1);
      text.insert(at, std::string(rng() % 2 ? "{\"a\":" : "\"\\u", 1));
      return "insert a stray opening at byte " + std::to_string(at);
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// The cases

// --set keys: the parameters and fields of this config (each listed three times, so they are drawn
// most often), names of other configs' parameters, and hostile ones.
std::vector<std::string> override_keys(const Base& base) {
  std::vector<std::string> own{"T", "dt", "burn_in", "seed", "simulation.dt", "simulation.T", "simulation.burn_in",
                               "simulation.seed"};
  if (base.config.contains("parameters")) {
    for (const auto& item : base.config["parameters"].items()) own.push_back(item.key());
  }
  for (const std::string& pop : base.population_names) {
    for (const char* field : {"size", "tau_m", "E_L", "V_T", "D", "V_th", "V_re", "V_lb", "V0", "I_ext", "rate_hz",
                              "name", "model", "unknown"}) {
      own.push_back("populations." + pop + "." + field);
    }
  }
  for (const std::string& proj : base.projection_names) {
    for (const char* field : {"p", "K", "weight", "tau_syn", "rule", "plasticity", "name", "pre", "post"}) {
      own.push_back("projections." + proj + "." + field);
    }
  }
  std::vector<std::string> keys{"simulation.unknown", "N", "p", "s", "Ne", "Ni", "Ke", "Ki", "eta", "tau_y",
                                // hostile
                                "", ".", "a.b.c.d", "populations..size", "projections.nope.p", "=", "x=y=z", "..",
                                "populations.E.", "simulation.", "simulation.dt.x", "parameters.N", "N.N", "\xff",
                                "populations.E.size.x", "populations", "projections..p", "projections.->.p",
                                "populations.0.size", "description", "recording.spikes", "populations.E\xff.size"};
  for (int copy = 0; copy < 3; ++copy) keys.insert(keys.end(), own.begin(), own.end());
  return keys;
}

// --set keys aimed at what a (mutated) config holds: its parameters and, for each element of its
// populations and projections, the name --set would find it by ("" where it has none).
std::vector<std::string> keys_of(const Json& tree) {
  std::vector<std::string> keys;
  if (!tree.is_object()) return keys;
  if (tree.contains("parameters") && tree["parameters"].is_object()) {
    for (const auto& item : tree["parameters"].items()) keys.push_back(item.key());
  }
  const auto text = [](const Json& element, const char* field) {
    return element.is_object() && element.contains(field) && element[field].is_string() ? element[field].get<std::string>()
                                                                                        : std::string();
  };
  for (const char* list : {"populations", "projections"}) {
    if (!tree.contains(list) || !tree[list].is_array()) continue;
    for (const auto& element : tree[list]) {
      std::string name = text(element, "name");
      if (std::string(list) == "projections" && element.is_object() && !element.contains("name")) {
        name = text(element, "pre") + "->" + text(element, "post");
      }
      for (const char* field : {"size", "V_lb", "rate_hz", "p", "weight", "name"}) {
        keys.push_back(std::string(list) + "." + name + "." + field);
      }
    }
  }
  return keys;
}

std::string override_value(Rng& rng) {
  static const std::vector<std::string> hostile{
      "0", "-0.0", "-1", "1e-300", "1e300", "1.7e308", "-1.7e308", "2147483648", "2147483647", "4294967296",
      "9007199254740992", "9223372036854775808", "0.5", "inf", "-inf", "nan", "1e400", "1/0", "sqrt(-1)", "N*1e300",
      "", "null", "true", "[]", "{}", "0x10", " 5", "5 ", "nan(123)", "infinity", "\xff\xfe", "\xc3\xa9", "1e-400",
      "-1e400", "1,5", "--1", "fixed_indegree", "all_to_all", "poisson", "lif", "leaky_integrator", "E", "I", "X"};
  static const std::vector<std::string> expressions{"0.8*N", "2*N", "N/10", "sqrt(N)", "pi", "min(1,2)", "N^2", "-N",
                                                    "p*2", "s*35", "floor(N/3)", "exp(1000)", "log(0)", "2^1024",
                                                    "N*N*N*N", "max(p, 0.5)", "(1", "1)", "N N", "p^-1"};
  static const std::vector<std::string> plausible{"1", "2", "10", "50", "100", "200", "0.1", "0.05", "0.01", "0.2",
                                                  "1000", "20000", "-85", "-1000", "15", "8", "4", "0.09", "0.11"};
  switch (rng() % 10) {
    case 0: return deep_parentheses();
    case 1: return many_minus_signs();
    case 2:
    case 3:
    case 4: return pick(hostile, rng);
    case 5:
    case 6: return pick(expressions, rng);
    case 7: {
      std::string bytes;
      for (int k = 0, n = 1 + static_cast<int>(rng() % 8); k < n; ++k) bytes.push_back(static_cast<char>(rng() % 256));
      return bytes;
    }
    case 8:
      if (rng() % 20 == 0) return megabyte_string();
      [[fallthrough]];
    default: return pick(plausible, rng);
  }
}

constexpr int kTreeCasesPerBase = 2800 / kCaseDivisor;
constexpr int kTextCasesPerBase = 600 / kCaseDivisor;
constexpr int kOverrideCasesPerBase = 4000 / kCaseDivisor;
constexpr int kExpressionCases = 150000 / kCaseDivisor;

TEST(ConfigFuzz, MutatedConfigsAreParsedOrRefusedCleanly) {
  const CrashReporting reporting;
  Rng rng(20240611);
  Tally tally;
  for (const Base& base : bases()) {
    const std::vector<std::string> keys = override_keys(base);
    for (int n = 0; n < kTreeCasesPerBase; ++n) {
      Case c;
      c.origin = base.name + ", tree mutation " + std::to_string(n);
      Json tree = base.config;
      const int mutations = 1 + static_cast<int>(rng() % 3);
      for (int m = 0; m < mutations; ++m) c.mutations.push_back(mutate_tree(tree, base, rng));
      c.text = tree.dump(-1, ' ', false, Json::error_handler_t::replace);
      if (rng() % 4 == 0) {  // overrides on a mutated config: half aimed at what it holds now
        const std::vector<std::string> aimed = keys_of(tree);
        const std::string& key = aimed.empty() || rng() % 2 ? pick(keys, rng) : pick(aimed, rng);
        c.overrides.push_back(key + "=" + override_value(rng));
      }
      run_config_case(c, tally);
    }
  }
  std::cout << "[ ConfigFuzz ] tree mutations: " << tally.summary() << "\n";
  report_failures(tally);
  // The mutations must reach both ends: refusals, and specs that parse and run.
  EXPECT_GT(tally.config_errors, tally.cases / 4) << tally.summary();
  EXPECT_GT(tally.parsed, tally.cases / 15) << tally.summary();
  EXPECT_GT(tally.ran, tally.cases / 30) << tally.summary();
}

TEST(ConfigFuzz, MutatedJsonTextIsParsedOrRefusedCleanly) {
  const CrashReporting reporting;
  Rng rng(7770001);
  Tally tally;
  for (const Base& base : bases()) {
    const std::string original = base.config.dump(2);
    for (int n = 0; n < kTextCasesPerBase; ++n) {
      Case c;
      c.origin = base.name + ", text mutation " + std::to_string(n);
      c.text = original;
      const int mutations = 1 + static_cast<int>(rng() % 3);
      for (int m = 0; m < mutations; ++m) c.mutations.push_back(mutate_text(c.text, rng));
      run_config_case(c, tally);
    }
  }
  std::cout << "[ ConfigFuzz ] text mutations: " << tally.summary() << "\n";
  report_failures(tally);
  EXPECT_GT(tally.config_errors, tally.cases / 2) << tally.summary();
  EXPECT_GT(tally.parsed, 0) << tally.summary();
}

TEST(ConfigFuzz, HostileOverridesAreAppliedOrRefusedCleanly) {
  const CrashReporting reporting;
  Rng rng(31337);
  Tally tally;
  for (const Base& base : bases()) {
    const std::string text = base.config.dump(2);
    const std::vector<std::string> keys = override_keys(base);
    for (int n = 0; n < kOverrideCasesPerBase; ++n) {
      Case c;
      c.origin = base.name + ", --set case " + std::to_string(n);
      c.text = text;
      const int count = 1 + static_cast<int>(rng() % 3);
      for (int k = 0; k < count; ++k) c.overrides.push_back(pick(keys, rng) + "=" + override_value(rng));
      if (rng() % 10 == 0) c.overrides.push_back(pick(keys, rng));  // no '=' at all
      run_config_case(c, tally);
    }
  }
  std::cout << "[ ConfigFuzz ] --set: " << tally.summary() << "\n";
  report_failures(tally);
  EXPECT_GT(tally.config_errors, tally.cases / 4) << tally.summary();
  EXPECT_GT(tally.parsed, tally.cases / 30) << tally.summary();
  EXPECT_GT(tally.ran, 0) << tally.summary();
}

// ---------------------------------------------------------------------------------------------------
// Expressions: random token soup, and random well-formed expressions whose value the generator knows.

std::optional<double> known_names(const std::string& name) {
  if (name == "N") return 1000.0;
  if (name == "p") return 0.1;
  if (name == "x1") return -2.5;
  if (name == "_a") return 0.0;
  if (name == "big") return 1e308;
  if (name == "nan_var") return std::nan("");
  if (name == "inf_var") return std::numeric_limits<double>::infinity();
  return std::nullopt;
}

std::string token_soup(Rng& rng) {
  static const std::vector<std::string> tokens{
      "0", "1", "2.5", ".5", "1e3", "1e-3", "1e308", "1e400", "0.0", "123456789012345678901234567890", "7.",
      "N", "p", "x1", "_a", "big", "nan_var", "inf_var", "unknown", "pi", "e", "E",
      "+", "-", "*", "/", "^", "(", ")", ",", "(", ")", " ", "\t",
      "sqrt(", "exp(", "log(", "sin(", "cos(", "abs(", "floor(", "ceil(", "round(", "min(", "max(", "pow(", "foo(",
      ".", "..", "1e", "1e+", "e5", "$", "#", "=", "\"", "\\"};
  std::string out;
  const int n = 1 + static_cast<int>(rng() % 40);
  for (int k = 0; k < n; ++k) {
    if (rng() % 12 == 0) {
      out.push_back(static_cast<char>(rng() % 256));
    } else {
      out += pick(tokens, rng);
    }
  }
  if (rng() % 50 == 0) out = repeated("(", 150 + rng() % 100) + out;  // around the depth limit
  return out;
}

// A well-formed expression with every operation parenthesised, and its value computed the way the
// evaluator must compute it; `finite` is false once some intermediate value is not finite.
struct Generated {
  std::string text;
  double value;
  bool finite;
};

Generated generate(Rng& rng, int depth) {
  const auto leaf = [&]() -> Generated {
    switch (rng() % 6) {
      case 0: return {"N", 1000.0, true};
      case 1: return {"p", 0.1, true};
      case 2: return {"x1", -2.5, true};
      case 3: return {"pi", 3.14159265358979323846, true};
      default: {
        const double v = static_cast<double>(rng() % 1000) / 8.0;  // exact in decimal
        std::ostringstream out;
        out.precision(17);
        out << v;
        return {out.str(), v, true};
      }
    }
  };
  if (depth <= 0 || rng() % 4 == 0) return leaf();
  const Generated a = generate(rng, depth - 1);
  const auto combine = [&](const std::string& text, double value, bool ok) {
    return Generated{text, value, ok && std::isfinite(value)};
  };
  switch (rng() % 12) {
    case 0: {
      const Generated b = generate(rng, depth - 1);
      return combine("(" + a.text + "+" + b.text + ")", a.value + b.value, a.finite && b.finite);
    }
    case 1: {
      const Generated b = generate(rng, depth - 1);
      return combine("(" + a.text + "-" + b.text + ")", a.value - b.value, a.finite && b.finite);
    }
    case 2: {
      const Generated b = generate(rng, depth - 1);
      return combine("(" + a.text + "*" + b.text + ")", a.value * b.value, a.finite && b.finite);
    }
    case 3: {
      const Generated b = generate(rng, depth - 1);
      return combine("(" + a.text + "/" + b.text + ")", a.value / b.value, a.finite && b.finite);
    }
    case 4: {
      const Generated b = generate(rng, depth - 1);
      return combine("(" + a.text + ")^(" + b.text + ")", std::pow(a.value, b.value), a.finite && b.finite);
    }
    case 5: return combine("(-" + a.text + ")", -a.value, a.finite);
    case 6: return combine("sqrt(" + a.text + ")", std::sqrt(a.value), a.finite);
    case 7: return combine("log(" + a.text + ")", std::log(a.value), a.finite);
    case 8: return combine("exp(" + a.text + ")", std::exp(a.value), a.finite);
    case 9: return combine("floor(" + a.text + ")", std::floor(a.value), a.finite);
    case 10: {
      const Generated b = generate(rng, depth - 1);
      return combine("min(" + a.text + ", " + b.text + ")", std::fmin(a.value, b.value), a.finite && b.finite);
    }
    default: {
      const Generated b = generate(rng, depth - 1);
      return combine("pow(" + a.text + "," + b.text + ")", std::pow(a.value, b.value), a.finite && b.finite);
    }
  }
}

TEST(ConfigFuzz, ExpressionsEvaluateToAFiniteNumberOrAnExpressionError) {
  const CrashReporting reporting;
  Rng rng(99991);
  int values = 0, errors = 0, checked = 0;
  std::vector<std::string> failures;
  double slowest = 0;
  for (int n = 0; n < kExpressionCases; ++n) {
    Case c;
    const bool generated = n % 2 == 1;
    const Generated g = generated ? generate(rng, 1 + static_cast<int>(rng() % 6)) : Generated{token_soup(rng), 0, false};
    c.origin = std::string(generated ? "well-formed" : "token soup") + " expression " + std::to_string(n);
    c.text = g.text;
    begin_case(c);
    const auto start = std::chrono::steady_clock::now();
    std::string failure;
    try {
      const double value = evaluate_expression(c.text, known_names);
      ++values;
      if (!std::isfinite(value)) failure = "evaluated to a non-finite value " + std::to_string(value);
      if (generated) {
        ++checked;
        if (!g.finite) {
          failure = "evaluated to " + std::to_string(value) + " although an intermediate value is not finite";
        } else if (value != g.value) {
          std::ostringstream out;
          out.precision(17);
          out << "evaluated to " << value << ", expected " << g.value;
          failure = out.str();
        }
      }
    } catch (const ExpressionError& e) {
      ++errors;
      const std::string message = e.what();
      if (message.find("column") == std::string::npos) failure = "an ExpressionError without a column: " + truncated(message, 500);
      if (generated && g.finite) failure = "refused although every value is finite: " + truncated(message, 500);
    } catch (...) {
      failure = "threw " + describe_current_exception();
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    g_case_start_ns.store(0);
    slowest = std::max(slowest, seconds);
    if (failure.empty() && seconds > kCaseLimitS) failure = "took " + std::to_string(seconds) + " s";
    if (!failure.empty()) failures.push_back(failure + "\n" + c.describe());
  }
  std::cout << "[ ConfigFuzz ] expressions: " << kExpressionCases << " cases, " << values << " values (" << checked
            << " checked against the generator), " << errors << " ExpressionError; slowest " << slowest << " s\n";
  for (size_t k = 0; k < failures.size() && k < kFailuresShown; ++k) ADD_FAILURE() << failures[k];
  EXPECT_LE(failures.size(), 0u);
  EXPECT_GT(checked, kExpressionCases / 4);  // the generator reaches the arithmetic
  EXPECT_GT(errors, kExpressionCases / 4);   // and the soup the errors
}

}  // namespace
}  // namespace eisim
