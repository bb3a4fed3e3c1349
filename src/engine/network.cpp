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

#include "eisim/model/binomial.hpp"
#include "eisim/model/erdos_renyi.hpp"
#include "eisim/model/fixed_total_number.hpp"
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

// `synapses` (pre, post) pairs drawn uniformly with replacement: block b's count of them (above) draws
// its pairs keyed by (b, m); a rank keeps those onto its slice, then lays them out by row, ascending.
Connectivity build_fixed_total_number(const NetworkSpec& spec, size_t k, Slice post, int threads) {
  const ProjectionSpec& proj = spec.projections[k];
  const int64_t n_pre = spec.populations[proj.pre].size, n_post = spec.populations[proj.post].size;
  const uint64_t seed = spec.simulation.seed;
  const uint32_t stream = connectivity_stream(k);
  const std::vector<uint64_t> count = synapses_per_block(spec, k);
  const int64_t first_block = post.begin / kTotalNumberBlock;
  const int64_t last_block = post.size() > 0 ? (post.end - 1) / kTotalNumberBlock + 1 : first_block;
  std::vector<std::vector<std::pair<uint32_t, uint32_t>>> pairs(static_cast<size_t>(last_block - first_block));
  ParallelFailure failure;
#pragma omp parallel for schedule(dynamic) num_threads(threads)
  for (int64_t b = first_block; b < last_block; ++b) {
    failure.run([&] {
      std::vector<std::pair<uint32_t, uint32_t>>& mine = pairs[b - first_block];
      for (uint64_t m = 0; m < count[b]; ++m) {
        uint32_t pre;
        int64_t j;
        total_number_pair(seed, stream, b, m, n_pre, n_post, pre, j);
        if (j >= post.begin && j < post.end) mine.emplace_back(pre, static_cast<uint32_t>(j - post.begin));
      }
    });
  }
  failure.rethrow();
  Connectivity c;
  c.row_start.assign(static_cast<size_t>(n_pre) + 1, 0);
  for (const auto& block : pairs) {
    for (const auto& [pre, target] : block) ++c.row_start[pre + 1];
  }
  for (int64_t row = 0; row < n_pre; ++row) c.row_start[row + 1] += c.row_start[row];
  c.targets.resize(c.row_start[n_pre]);
  std::vector<uint64_t> fill(c.row_start.begin(), c.row_start.end() - 1);
  for (auto& block : pairs) {
    for (const auto& [pre, target] : block) c.targets[fill[pre]++] = target;
    std::vector<std::pair<uint32_t, uint32_t>>().swap(block);
  }
#pragma omp parallel for schedule(dynamic, 1024) num_threads(threads)
  for (int64_t row = 0; row < n_pre; ++row) {
    std::sort(c.targets.begin() + c.row_start[row], c.targets.begin() + c.row_start[row + 1]);
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
  return proj.mean_indegree(spec.populations[proj.pre].size, spec.populations[proj.post].size) *
         static_cast<double>(spec.populations[proj.post].size);
}

double erdos_renyi_p(const ProjectionSpec& proj) { return proj.rule == ConnectionRule::all_to_all ? 1.0 : proj.p; }

uint32_t connectivity_stream(size_t k) { return random_stream(RandomPurpose::connectivity, static_cast<uint32_t>(k)); }
std::vector<uint64_t> synapses_per_block(const NetworkSpec& spec, size_t k) {
  const ProjectionSpec& proj = spec.projections[k];
  const int64_t n_post = spec.populations[proj.post].size;
  const int64_t blocks = (n_post + kTotalNumberBlock - 1) / kTotalNumberBlock;
  std::vector<uint64_t> count(static_cast<size_t>(blocks));
  uint64_t left = static_cast<uint64_t>(proj.synapses);
  for (int64_t b = 0; b < blocks; ++b) {
    const int64_t first = b * kTotalNumberBlock, size = std::min(kTotalNumberBlock, n_post - first);
    CounterUniforms u(spec.simulation.seed, split_stream(k), static_cast<uint32_t>(b));
    count[b] = b + 1 == blocks ? left
                               : binomial_variate(left, static_cast<double>(size) / static_cast<double>(n_post - first), u);
    left -= count[b];
  }
  return count;
}

uint32_t split_stream(size_t k) { return random_stream(RandomPurpose::synapse_split, static_cast<uint32_t>(k)); }
uint32_t weight_stream(size_t k) { return random_stream(RandomPurpose::synapse_weight, static_cast<uint32_t>(k)); }
uint32_t delay_stream(size_t k) { return random_stream(RandomPurpose::synapse_delay, static_cast<uint32_t>(k)); }

TruncatedNormal weight_distribution(const ProjectionSpec& proj) {
  const double J = proj.weight, reach = kNormalCutoffSd * proj.weight_sd;
  return J >= 0 ? TruncatedNormal{J, proj.weight_sd, std::max(0.0, J - reach), J + reach}
                : TruncatedNormal{J, proj.weight_sd, J - reach, std::min(0.0, J + reach)};
}

TruncatedNormal delay_distribution(const ProjectionSpec& proj, double dt) {
  return TruncatedNormal{proj.delay_ms, proj.delay_sd_ms, dt, proj.delay_ms + kNormalCutoffSd * proj.delay_sd_ms};
}

uint32_t constant_delay_steps(const ProjectionSpec& proj, double dt) {
  return proj.delay_ms > 0 ? delay_in_steps(proj.delay_ms, dt) : 1;
}

uint32_t shortest_delay_steps(const ProjectionSpec& proj, double dt) {
  return proj.draws_delays() ? delay_in_steps(delay_distribution(proj, dt).low, dt) : constant_delay_steps(proj, dt);
}

uint32_t longest_delay_steps(const ProjectionSpec& proj, double dt) {
  return proj.draws_delays() ? delay_in_steps(delay_distribution(proj, dt).high, dt) : constant_delay_steps(proj, dt);
}

SynapseDraws synapse_draws(const NetworkSpec& spec, size_t k) {
  const ProjectionSpec& proj = spec.projections[k];
  const double dt = spec.simulation.dt_ms;
  return SynapseDraws{spec.simulation.seed,   weight_stream(k),      delay_stream(k), weight_distribution(proj),
                      delay_distribution(proj, dt), dt, proj.draws_weights(), proj.draws_delays()};
}

void draw_synapse_attributes(const NetworkSpec& spec, size_t k, int64_t first_target, int threads, Connectivity& c) {
  const SynapseDraws draws = synapse_draws(spec, k);
  if (!draws.weights && !draws.delays) return;
  if (draws.weights) c.weight.resize(c.synapse_count());
  if (draws.delays) c.delay_steps.resize(c.synapse_count());
  const int64_t rows = static_cast<int64_t>(c.row_start.size()) - 1;
#pragma omp parallel for schedule(dynamic, 256) num_threads(threads)
  for (int64_t row = 0; row < rows; ++row) {
    draw_row(draws, static_cast<uint32_t>(row), c.targets.data(), c.row_start[row], c.row_start[row + 1], first_target,
             c.weight.data(), c.delay_steps.data());
  }
}

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
      case ConnectionRule::fixed_total_number:
        net.projections.push_back(build_fixed_total_number(spec, k, post, threads));
        break;
    }
    draw_synapse_attributes(spec, k, post.begin, threads, net.projections.back());
  }
  return net;
}

}  // namespace eisim
