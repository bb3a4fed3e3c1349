// `eisim ratemodel`: the rate model of a config (Eq. 3.11/3.13 with the mean-field weights and a
// threshold-linear f) integrated from r = 0, on the CPU or the GPU, with its fixed point and verdict.
// docs/architecture.md, "Command line".
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "eisim/engine/backend.hpp"

#include "eisim/engine/config.hpp"
#include "eisim/theory/rectified_linear.hpp"

namespace eisim {

struct RateModelTask {
  RectifiedLinear f;
  std::map<std::string, double> tau_ms;  // by population name; default tau_m
  double t_ms = 500.0, dt_ms = 0.1, record_every_ms = 1.0;
  BackendKind backend = BackendKind::cpu;  // or cuda (cuBLAS)
};

// Writes ratemodel_t.npy (ms) and ratemodel_rates_hz.npy (samples, populations) into out_dir when
// not empty; returns the summary (populations, fixed point, eigenvalues, verdict, wall time).
nlohmann::ordered_json run_rate_model(const NetworkSpec& spec, const RateModelTask& task, const std::string& out_dir);

}  // namespace eisim
