// The ranks of a run and what they say to each other (docs/architecture.md, "Running on several
// ranks"). One process is a run of one rank; under mpirun or srun each process is a rank of MPI's
// world. The engine speaks only through this interface, so one code path serves both.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace eisim {

class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // Ranks on this node, and this rank's place among them (for choosing a GPU).
  virtual int node_rank() const = 0;
  virtual int node_size() const = 0;

  // Every rank's `bytes`, concatenated in rank order, on every rank; counts[r]: rank r's bytes.
  virtual void all_gather(const void* data, size_t bytes, std::vector<char>& out, std::vector<size_t>& counts) = 0;
  // The same, on rank 0 only (out and counts stay empty elsewhere).
  virtual void gather(const void* data, size_t bytes, std::vector<char>& out, std::vector<size_t>& counts) = 0;
  // In place, element by element: the sum over all ranks, on every rank.
  virtual void sum(uint64_t* values, size_t n) = 0;
  // In place, element by element: the sum over the ranks below this one (0 on rank 0).
  virtual void sum_below(uint64_t* values, size_t n) = 0;
  // The largest of the ranks' values, on every rank.
  virtual int max(int value) = 0;
  // Rank `root`'s bytes, on every rank.
  virtual void broadcast(std::vector<char>& bytes, int root) = 0;
  // Ends every rank at once with `status`: for a failure after the ranks last agreed.
  [[noreturn]] virtual void abort(int status) = 0;

  // Seconds this rank has spent in the calls above: exchanging, and waiting for the others.
  double seconds() const { return seconds_; }

 protected:
  double seconds_ = 0.0;
};

// The ranks this process belongs to: MPI's world when it was launched by mpirun or srun and eisim
// was built with MPI, else one rank alone. Throws RuntimeProblem when launched by mpirun with more
// than one process and eisim was built without MPI.
std::unique_ptr<Communicator> join_ranks(int& argc, char**& argv);

// One rank alone: a new one, or the one a backend or run loop uses when it is given no ranks.
std::unique_ptr<Communicator> single_rank();
Communicator& one_process();

// Runs `work` on every rank; when it threw on any, every rank throws AgreedFailure (failure.hpp) with
// the lowest failing rank's status and message, so that all stop alike and none waits for the others.
void run_on_every_rank(Communicator& ranks, const std::function<void()>& work);

// Throws AgreedFailure (exit status 2) on every rank when the ranks' fingerprints of `what` differ:
// ranks given different networks would compute nonsense together.
void require_same_on_every_rank(Communicator& ranks, uint64_t fingerprint, const std::string& what);

// Typed helpers over the byte calls: each rank's values, concatenated in rank order, and how many
// came from each rank.
using ByteCollective = void (Communicator::*)(const void*, size_t, std::vector<char>&, std::vector<size_t>&);

template <typename T>
std::vector<T> collect_values(Communicator& ranks, ByteCollective call, const std::vector<T>& local,
                              std::vector<size_t>* counts) {
  std::vector<char> bytes;
  std::vector<size_t> byte_counts;
  (ranks.*call)(local.data(), local.size() * sizeof(T), bytes, byte_counts);
  std::vector<T> out(bytes.size() / sizeof(T));
  if (!out.empty()) std::memcpy(out.data(), bytes.data(), bytes.size());
  if (counts) {
    counts->clear();
    for (size_t c : byte_counts) counts->push_back(c / sizeof(T));
  }
  return out;
}

template <typename T>
std::vector<T> all_gather(Communicator& ranks, const std::vector<T>& local, std::vector<size_t>* counts = nullptr) {
  return collect_values(ranks, &Communicator::all_gather, local, counts);
}

// The same, on rank 0 only (empty elsewhere).
template <typename T>
std::vector<T> gather(Communicator& ranks, const std::vector<T>& local, std::vector<size_t>* counts = nullptr) {
  return collect_values(ranks, &Communicator::gather, local, counts);
}

}  // namespace eisim
