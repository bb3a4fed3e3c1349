// The tasks behind `eisim rnn` and `eisim ratemodel` write what they computed: the RNN's output,
// target and error at every step, and the rate model's trajectory, which ends at its fixed point.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "eisim/engine/config.hpp"
#include "eisim/errors.hpp"
#include "eisim/theory/rate_model_task.hpp"
#include "eisim/theory/rnn_task.hpp"
#include "fitted_fi_curve.hpp"
#include "npy_reader.hpp"
#include "test_support.hpp"

namespace eisim {
namespace {

using test_support::NpyFile;
using test_support::read_npy;
using test_support::values;

TEST(RnnTask, WritesOutputTargetAndErrorOfEveryStep) {
  const test_support::TempFolder folder;
  const auto dir = folder.path() / "out";
  RnnTask task;
  task.params.N = 50;
  task.t_ms = 300;
  task.learn_from_ms = 50;
  task.learn_until_ms = 200;
  const auto summary = run_rnn_task(task, dir.string());
  for (const char* name : {"t", "output", "target", "error"}) {
    const NpyFile f = read_npy(dir / (std::string("rnn_") + name + ".npy"));
    EXPECT_EQ(f.descr, "<f8");
    EXPECT_EQ(f.shape, (std::vector<size_t>{3000})) << name;
  }
  const auto z = values<double>(read_npy(dir / "rnn_output.npy"));
  const auto y = values<double>(read_npy(dir / "rnn_target.npy"));
  const auto e = values<double>(read_npy(dir / "rnn_error.npy"));
  ASSERT_EQ(z.size(), e.size());
  ASSERT_EQ(y.size(), e.size());
  for (size_t k = 0; k < e.size(); ++k) ASSERT_DOUBLE_EQ(e[k], z[k] - y[k]);
  EXPECT_TRUE(std::filesystem::exists(dir / "rnn_summary.json"));
  EXPECT_GT(summary["steps_per_s"].get<double>(), 0.0);
  EXPECT_THROW(learning_from_name("hebb"), UsageError);  // --learning is an option of `eisim rnn`
}

TEST(RateModelTask, IntegratesTheConfigsRateModelToItsFixedPoint) {
  const test_support::TempFolder folder;
  const auto dir = folder.path() / "out";
  const NetworkSpec spec = load_network_spec(test_support::source_path("configs/balanced_eif.json"));
  RateModelTask task;
  task.f = test_support::fitted_fi_curve();
  task.t_ms = 300;
  const auto summary = run_rate_model(spec, task, dir.string());
  const NpyFile rates = read_npy(dir / "ratemodel_rates_hz.npy");
  EXPECT_EQ(rates.shape, (std::vector<size_t>{301, 2}));
  EXPECT_EQ(read_npy(dir / "ratemodel_t.npy").shape, (std::vector<size_t>{301}));
  // Stable (tau = tau_m = 15 ms for both): the trajectory ends at the Eq. 3.10 fixed point.
  for (size_t a = 0; a < 2; ++a) {
    EXPECT_NEAR(summary["final_rates_hz"][a].get<double>(), summary["fixed_point_hz"][a].get<double>(), 1e-6);
  }
  const auto r = values<double>(rates);
  ASSERT_GE(r.size(), 2u);
  EXPECT_DOUBLE_EQ(r[0], 0.0);  // starts from r = 0
  EXPECT_DOUBLE_EQ(r[r.size() - 2], summary["final_rates_hz"][0].get<double>());
}

}  // namespace
}  // namespace eisim
