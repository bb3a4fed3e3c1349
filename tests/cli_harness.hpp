// Running commands from a test, the real eisim binary among them (EISIM_BINARY): the exit status and
// what was printed, each test in a fresh temporary folder of its own. Included by test_support.hpp.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <vector>
#include <system_error>

namespace eisim::test_support {

// What a shell command did.
struct CommandResult {
  int status = -1;     // the exit status; -1 when the shell did not exit normally
  std::string output;  // stdout and stderr together, as far as the command did not redirect them
};

// `text` as a single word for sh: in single quotes, each ' written as '\''.
inline std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char ch : text) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return out + "'";
}

// Runs `command` with sh (popen) and captures what it prints. Redirections inside `command` apply
// first ("... > /dev/null" leaves stderr alone to be captured).
inline CommandResult run_command(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen(("{ " + command + "\n} 2>&1").c_str(), "r");
  if (!pipe) return result;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, n);
  const int raw = pclose(pipe);
  if (raw != -1 && WIFEXITED(raw)) result.status = WEXITSTATUS(raw);
  return result;
}

// A clean, reported end: the exit status, the words in what was printed, and no sign of a crash.
inline void expect_clean_failure(const CommandResult& r, int status, const std::vector<std::string>& words) {
  EXPECT_EQ(r.status, status) << "output:\n" << r.output;
  for (const auto& w : words) {
    EXPECT_NE(r.output.find(w), std::string::npos) << "the output does not contain \"" << w << "\":\n" << r.output;
  }
  // The last two: what AddressSanitizer and UBSan print, in a sanitized build (tools/test.sh).
  for (const char* crash : {"terminate", "Segmentation", "core dumped", "Aborted", "AddressSanitizer", "runtime error:"}) {
    EXPECT_EQ(r.output.find(crash), std::string::npos) << "the output looks like a crash:\n" << r.output;
  }
}

// A fresh, empty folder of its own, removed with everything in it when this goes out of scope.
class TempFolder {
 public:
  TempFolder() {
    static std::atomic<int> counter{0};
    const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
    path_ = std::filesystem::temp_directory_path() /
            ("eisim_test_" + std::to_string(::getpid()) + "_" + std::to_string(stamp) + "_" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  ~TempFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // Writes `text` to path()/name and returns its path.
  std::filesystem::path write(const std::string& name, const std::string& text) const {
    const std::filesystem::path file = path_ / name;
    std::ofstream(file) << text;
    return file;
  }

 private:
  std::filesystem::path path_;
};

// A fixture with a fresh folder for each test: dir_.
class InTempFolder : public ::testing::Test {
 protected:
  std::filesystem::path write(const std::string& name, const std::string& text) const { return folder_.write(name, text); }

  const TempFolder folder_;
  const std::filesystem::path dir_ = folder_.path();
};

#ifdef EISIM_BINARY
// The shell command that runs the built eisim with `args` (already quoted where they need to be).
inline std::string eisim_command(const std::string& args) { return quoted(EISIM_BINARY) + " " + args; }

// Tests of the eisim binary, each in a fresh folder (dir_).
class CommandLine : public InTempFolder {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(EISIM_BINARY)) << "the eisim binary is missing: " << EISIM_BINARY;
  }

  CommandResult eisim(const std::string& args) const { return run_command(eisim_command(args)); }
};
#endif

}  // namespace eisim::test_support
