// A copy of the shipped policy data (data/) in a directory of its own, one file's text replaced:
// for the loaders' refusals, each named by file and line.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace subsidy::testing {

class DataCopy {
 public:
  DataCopy() {
    dir_ = std::filesystem::temp_directory_path() /
           ("subsidy-data-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    std::filesystem::remove_all(dir_);
    std::filesystem::copy(SUBSIDY_DATA_DIR, dir_);
  }
  ~DataCopy() { std::filesystem::remove_all(dir_); }
  DataCopy(const DataCopy&) = delete;
  DataCopy& operator=(const DataCopy&) = delete;
  // Replaces the first `from` in `file` by `to` (a test failure when `from` is not there).
  void Replace(const std::string& file, const std::string& from, const std::string& to) {
    const auto path = dir_ / file;
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    const auto pos = text.find(from);
    ASSERT_NE(pos, std::string::npos) << from;
    text.replace(pos, from.size(), to);
    std::ofstream(path, std::ios::trunc) << text;
  }
  std::string path() const { return dir_.string(); }

 private:
  static inline int counter_ = 0;
  std::filesystem::path dir_;
};

}  // namespace subsidy::testing
