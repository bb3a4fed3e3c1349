// eisim's .npy writer streams arrays of unknown length and leaves files NumPy reads with their final
// shape, dtype and data (checked with npy_reader.hpp, which follows NumPy's format documentation).
#include <gtest/gtest.h>

#include <vector>

#include "eisim/engine/npy.hpp"
#include "npy_reader.hpp"
#include "test_support.hpp"

namespace eisim {
namespace {

using test_support::NpyFile;
using test_support::read_npy;
using test_support::values;

TEST(Npy, StreamedArraysHaveTheirFinalShape) {
  const test_support::TempFolder folder;
  const auto& dir = folder.path();
  {
    NpyWriter w = NpyWriter::of<float>((dir / "m.npy").string(), 3);
    const float row[6] = {1, 2, 3, 4, 5, 6};
    w.append(row, 3);
    w.append(row + 3, 3);
    w.close();
  }
  const NpyFile m = read_npy(dir / "m.npy");
  EXPECT_EQ(m.descr, "<f4");
  EXPECT_EQ(m.shape, (std::vector<size_t>{2, 3}));
  EXPECT_EQ(values<float>(m), (std::vector<float>{1, 2, 3, 4, 5, 6}));
}

}  // namespace
}  // namespace eisim
