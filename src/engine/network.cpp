// Builds connectivity from counter-based draws keyed on (seed, projection, row, block of targets),
// or (seed, projection, postsynaptic neuron) for fixed in-degree, so the result depends on neither
// the thread count nor the ranks (and a GPU builder can draw the same numbers);
// docs/architecture.md, "Network build and backend set-up".
#include "eisim/engine/network.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <exception>
#include <mutex>
#include <string>

#include "eisim/model/erdos_renyi.hpp"
#include "eisim/errors.hpp"
#include "eisim/model/random.hpp"

namespace eisim {
namespace {

// An exception must not leave an OpenMP region (the program would end): the first one thrown in a
// region is kept and rethrown after it, e.g. bad_alloc where memory runs out after all.
class ParallelFailure {
 public:
  template <typename Body>
  void run(Body body) noexcept {
    try {
      body();
    } catch (...) {
      const std::lock_guard<std::mutex> lock(mutex_);
      if (!error_) error_ = std::current_exception();
    }
  }
  void rethrow() const {
    if (error_) std::rethrow_exception(error_);
  }

 private:
  std::mutex mutex_;
  std::exception_ptr error_;
};

// Rows of one projection generated in parallel chunks, then laid out contiguously.
template <typename GenerateRow>
Connectivity build_rows(int64_t n_rows, int threads, GenerateRow generate_row) {
  const int64_t chunk_rows = std::max<int64_t>(1, std::min<int64_t>(1024, n_rows / (8 * threads) + 1));
  const int64_t n_chunks = (n_rows + chunk_rows - 1) / chunk_rows;
  std::vector<std::vector<uint32_t>> chunks(n_chunks);
  Connectivity c;
  c.row_start.assign(n_rows + 1, 0);

  ParallelFailure failure;
#pragma omp parallel for schedule(dynamic) num_threads(threads)
  for (int64_t chunk = 0; chunk < n_chunks; ++chunk) {
    failure.run([&] {
      const int64_t last = std::min(n_rows, (chunk + 1) * chunk_rows);
      for (int64_t row = chunk * chunk_rows; row < last; ++row) {
        const size_t before = chunks[chunk].size();
        generate_row(row, chunks[chunk]);
        c.row_start[row + 1] = chunks[chunk].size() - before;
      }
    });
  }
  failure.rethrow();
  for (int64_t row = 0; row < n_rows; ++row) c.row_start[row + 1] += c.row_start[row];
  c.targets.resize(c.row_start[n_rows]);

#pragma omp parallel for schedule(dynamic) num_threads(threads)
  for (int64_t chunk = 0; chunk < n_chunks; ++chunk) {
    if (!chunks[chunk].empty()) {
      std::memcpy(c.targets.data() + c.row_start[chunk * chunk_rows], chunks[chunk].data(),
                  chunks[chunk].size() * sizeof(uint32_t));
    }
    std::vector<uint32_t>().swap(chunks[chunk]);
  }
  return c;
}

// Every row, drawn only where it meets the postsynaptic slice `post` (erdos_renyi.hpp).
Connectivity build_probability(double p, int64_t n_pre, Slice post, uint64_t seed, uint32_t stream, int threads) {
  const ErdosRenyiRows rows = erdos_renyi_rows(seed, stream, p);
  const uint32_t first = static_cast<uint32_t>(post.begin);
  return build_rows(n_pre, threads, [&](int64_t row, std::vector<uint32_t>& out) {
    erdos_renyi_row(rows, static_cast<uint32_t>(row), post.begin, post.end, [&](uint32_t j) { out.push_back(j - first); });
  });
}

// Each postsynaptic neuron of the slice draws K distinct presynaptic partners (Floyd's algorithm),
// keyed by its index in the population; the lists are then transposed to presynaptic-major order.
Connectivity build_fixed_indegree(const ProjectionSpec& proj, int64_t n_pre, Slice post, uint64_t seed,
                                  uint32_t stream, int threads) {
  const int64_t K = proj.indegree;
  const int64_t n_post = post.size();
  std::vector<uint32_t> sources(static_cast<size_t>(n_post * K));
  ParallelFailure failure;
#pragma omp parallel num_threads(threads)
  {
    std::vector<char> chosen;
    failure.run([&] { chosen.assign(static_cast<size_t>(n_pre), 0); });
#pragma omp for schedule(static)
    for (int64_t j = 0; j < n_post; ++j) {
      if (chosen.empty()) continue;  // its allocation failed: rethrown below
      uint32_t* mine = sources.data() + j * K;
      for (int64_t m = 0; m < K; ++m) {
        const uint64_t i = static_cast<uint64_t>(n_pre - K + m);
        const RandomWords r = random_words(seed, stream, static_cast<uint32_t>(post.begin + j), static_cast<uint64_t>(m));
        uint64_t t = uniform_below(r.w[0], r.w[1], i + 1);
        if (chosen[t]) t = i;
        chosen[t] = 1;
        mine[m] = static_cast<uint32_t>(t);
      }
      for (int64_t m = 0; m < K; ++m) chosen[mine[m]] = 0;
    }
  }
  failure.rethrow();
  Connectivity c;
  c.row_start.assign(n_pre + 1, 0);
  for (uint32_t source : sources) ++c.row_start[source + 1];
  for (int64_t k = 0; k < n_pre; ++k) c.row_start[k + 1] += c.row_start[k];
  c.targets.resize(sources.size());
  std::vector<uint64_t> fill(c.row_start.begin(), c.row_start.end() - 1);
  for (int64_t j = 0; j < n_post; ++j) {  // ascending j keeps every row sorted
    for (int64_t m = 0; m < K; ++m) c.targets[fill[sources[j * K + m]]++] = static_cast<uint32_t>(j);
  }
  return c;
}

}  // namespace

uint64_t Network::synapse_count() const {
  uint64_t total = 0;
  for (const auto& c : projections) total += c.synapse_count();
  return total;
}

double expected_synapses(const NetworkSpec& spec, size_t k) {
  const ProjectionSpec& proj = spec.projections[k];
  return proj.mean_indegree(spec.populations[proj.pre].size) * static_cast<double>(spec.populations[proj.post].size);
}

double erdos_renyi_p(const ProjectionSpec& proj) { return proj.rule == ConnectionRule::all_to_all ? 1.0 : proj.p; }

uint32_t connectivity_stream(size_t k) { return random_stream(RandomPurpose::connectivity, static_cast<uint32_t>(k)); }

Network build_network(const NetworkSpec& spec, int threads, const std::vector<bool>& on_host, const Partition* share) {
  Network net;
  for (size_t k = 0; k < spec.projections.size(); ++k) {
    const ProjectionSpec& proj = spec.projections[k];
    const int64_t n_pre = spec.populations[proj.pre].size;
    const int64_t n_post = spec.populations[proj.post].size;
    const Slice post = share ? share->populations[proj.post] : Slice{0, n_post};
    const uint32_t stream = connectivity_stream(k);
    if (!on_host.empty() && !on_host[k]) {
      net.projections.emplace_back();
      continue;
    }
    switch (proj.rule) {
      case ConnectionRule::probability:
      case ConnectionRule::all_to_all:
        net.projections.push_back(
            build_probability(erdos_renyi_p(proj), n_pre, post, spec.simulation.seed, stream, threads));
        break;
      case ConnectionRule::fixed_indegree:
        net.projections.push_back(build_fixed_indegree(proj, n_pre, post, spec.simulation.seed, stream, threads));
        break;
    }
  }
  return net;
}

}  // namespace eisim
