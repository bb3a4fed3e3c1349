// `eisim rnn`: train the chaotic RNN's readout on a sine target (book Fig. 4.2, Ex. 4.2.2-4.2.3),
// write output, target and error to a folder, and report the errors and the speed.
// docs/architecture.md, "Command line".
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "eisim/engine/backend.hpp"

#include "eisim/theory/rnn.hpp"

namespace eisim {

struct RnnTask {
  RnnParams params;
  Learning learning = Learning::rls;
  double period_ms = 500.0;  // target sin(2 pi t / period)
  double learn_from_ms = 500.0, learn_until_ms = 2500.0, t_ms = 4000.0;
  BackendKind backend = BackendKind::cpu;  // or cuda (cuBLAS)
};

// Runs the task, writes rnn_t.npy, rnn_output.npy, rnn_target.npy, rnn_error.npy into out_dir
// (when not empty) and returns the summary: RMS error while learning and after, wall time and
// training steps per second.
nlohmann::ordered_json run_rnn_task(const RnnTask& task, const std::string& out_dir);

Learning learning_from_name(const std::string& name);  // "none", "lms", "rls"; throws ConfigError

}  // namespace eisim
