// One rank alone: every collective is a copy (docs/architecture.md, "Running on several ranks").
#include <algorithm>
#include <cstdlib>

#include "eisim/cluster/communicator.hpp"

namespace eisim {
namespace {

class SingleRank : public Communicator {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  int node_rank() const override { return 0; }
  int node_size() const override { return 1; }
  void all_gather(const void* data, size_t bytes, std::vector<char>& out, std::vector<size_t>& counts) override {
    out.assign(static_cast<const char*>(data), static_cast<const char*>(data) + bytes);
    counts.assign(1, bytes);
  }
  void gather(const void* data, size_t bytes, std::vector<char>& out, std::vector<size_t>& counts) override {
    all_gather(data, bytes, out, counts);
  }
  void sum(uint64_t*, size_t) override {}
  void sum_below(uint64_t* values, size_t n) override { std::fill(values, values + n, 0); }
  int max(int value) override { return value; }
  void broadcast(std::vector<char>&, int) override {}
  [[noreturn]] void abort(int status) override { std::exit(status); }
};

}  // namespace

std::unique_ptr<Communicator> single_rank() { return std::make_unique<SingleRank>(); }

Communicator& one_process() {
  static SingleRank alone;  // nothing in it changes: its calls are copies and it spends no time
  return alone;
}

}  // namespace eisim
