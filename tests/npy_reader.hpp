// Reads the .npy files eisim writes as NumPy's format documentation specifies them (version 1.0),
// independently of eisim's own writer, so that a test of a file is a test of what NumPy would load.
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace eisim::test_support {

struct NpyFile {
  std::string descr;
  std::vector<size_t> shape;
  std::vector<char> data;
};

inline NpyFile read_npy(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_GE(bytes.size(), 10u) << path;
  if (bytes.size() < 10) return {};
  EXPECT_EQ(std::string(bytes.begin() + 1, bytes.begin() + 6), "NUMPY");
  const size_t header_len = static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
  EXPECT_EQ((10 + header_len) % 64, 0u);
  EXPECT_LE(10 + header_len, bytes.size()) << path;
  if (10 + header_len > bytes.size()) return {};
  const std::string header(bytes.begin() + 10, bytes.begin() + 10 + header_len);
  NpyFile out;
  const size_t d = header.find("'descr': '") + 10;
  out.descr = header.substr(d, header.find('\'', d) - d);
  std::stringstream shape(header.substr(header.find('(') + 1, header.find(')') - header.find('(') - 1));
  std::string item;
  while (std::getline(shape, item, ',')) {
    if (item.find_first_not_of(' ') != std::string::npos) out.shape.push_back(std::stoul(item));
  }
  out.data.assign(bytes.begin() + 10 + header_len, bytes.end());
  return out;
}

// The file's data as an array of T.
template <typename T>
std::vector<T> values(const NpyFile& f) {
  std::vector<T> v(f.data.size() / sizeof(T));
  std::memcpy(v.data(), f.data.data(), v.size() * sizeof(T));
  return v;
}

}  // namespace eisim::test_support
