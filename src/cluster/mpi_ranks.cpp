// MPI's world as the ranks of a run (docs/architecture.md, "Running on several ranks"): each call
// is one MPI collective (two where the sizes must travel first), timed as communication.
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <string>

#include "eisim/cluster/communicator.hpp"
#include "eisim/errors.hpp"

namespace eisim {
namespace {

// Adds the seconds of its lifetime to a communicator's account.
class Timed {
 public:
  explicit Timed(double& account) : account_(account), start_(std::chrono::steady_clock::now()) {}
  ~Timed() { account_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(); }

 private:
  double& account_;
  std::chrono::steady_clock::time_point start_;
};

// MPI counts are int: a message past 2^31 - 1 bytes is refused rather than truncated.
int mpi_count(size_t bytes) {
  if (bytes > static_cast<size_t>(INT_MAX)) {
    throw RuntimeProblem("a message between ranks of " + std::to_string(bytes) +
                         " bytes is larger than MPI's limit of 2^31 - 1; record fewer traces or weights per block");
  }
  return static_cast<int>(bytes);
}

class MpiRanks : public Communicator {
 public:
  MpiRanks(int& argc, char**& argv) {
    int provided = 0;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);  // only the main thread calls MPI
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
    MPI_Comm node;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node);
    MPI_Comm_rank(node, &node_rank_);
    MPI_Comm_size(node, &node_size_);
    MPI_Comm_free(&node);
  }
  ~MpiRanks() override { MPI_Finalize(); }

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  int node_rank() const override { return node_rank_; }
  int node_size() const override { return node_size_; }

  void all_gather(const void* data, size_t bytes, std::vector<char>& out, std::vector<size_t>& counts) override {
    Timed timed(seconds_);
    std::vector<int> sizes(size_), offsets(size_);
    const int mine = mpi_count(bytes);
    MPI_Allgather(&mine, 1, MPI_INT, sizes.data(), 1, MPI_INT, MPI_COMM_WORLD);
    out.resize(layout(sizes, offsets, counts));
    MPI_Allgatherv(data, mine, MPI_BYTE, out.data(), sizes.data(), offsets.data(), MPI_BYTE, MPI_COMM_WORLD);
  }

  void gather(const void* data, size_t bytes, std::vector<char>& out, std::vector<size_t>& counts) override {
    Timed timed(seconds_);
    std::vector<int> sizes(size_), offsets(size_);
    const int mine = mpi_count(bytes);
    MPI_Gather(&mine, 1, MPI_INT, sizes.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
    out.clear();
    counts.clear();
    if (rank_ == 0) out.resize(layout(sizes, offsets, counts));
    MPI_Gatherv(data, mine, MPI_BYTE, out.data(), sizes.data(), offsets.data(), MPI_BYTE, 0, MPI_COMM_WORLD);
  }

  void sum(uint64_t* values, size_t n) override {
    Timed timed(seconds_);
    MPI_Allreduce(MPI_IN_PLACE, values, mpi_count(n), MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
  }

  void sum_below(uint64_t* values, size_t n) override {
    Timed timed(seconds_);
    std::vector<uint64_t> mine(values, values + n);
    MPI_Exscan(mine.data(), values, mpi_count(n), MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
    if (rank_ == 0) std::fill(values, values + n, 0);  // MPI leaves rank 0's result undefined
  }

  int max(int value) override {
    Timed timed(seconds_);
    int result = value;
    MPI_Allreduce(&value, &result, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return result;
  }

  void broadcast(std::vector<char>& bytes, int root) override {
    Timed timed(seconds_);
    int n = mpi_count(bytes.size());
    MPI_Bcast(&n, 1, MPI_INT, root, MPI_COMM_WORLD);
    bytes.resize(static_cast<size_t>(n));
    MPI_Bcast(bytes.data(), n, MPI_BYTE, root, MPI_COMM_WORLD);
  }

  [[noreturn]] void abort(int status) override {
    MPI_Abort(MPI_COMM_WORLD, status);
    std::exit(status);  // MPI_Abort does not return; this keeps the promise if it did
  }

 private:
  // Offsets from sizes, the total, and the sizes as counts.
  static size_t layout(const std::vector<int>& sizes, std::vector<int>& offsets, std::vector<size_t>& counts) {
    size_t total = 0;
    counts.clear();
    for (size_t r = 0; r < sizes.size(); ++r) {
      offsets[r] = mpi_count(total);
      total += static_cast<size_t>(sizes[r]);
      counts.push_back(static_cast<size_t>(sizes[r]));
    }
    mpi_count(total);
    return total;
  }

  int rank_ = 0, size_ = 1, node_rank_ = 0, node_size_ = 1;
};

}  // namespace

std::unique_ptr<Communicator> mpi_ranks(int& argc, char**& argv) { return std::make_unique<MpiRanks>(argc, argv); }

}  // namespace eisim
