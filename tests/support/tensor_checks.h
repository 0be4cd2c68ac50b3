// Checks on tensors and errors shared by several test files (each test suite is compiled a few
// files at a time in one translation unit, so a helper two files need lives here, once).
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "duet/core/error.h"
#include "duet/core/tensor.h"

namespace duet::test {

// A tensor's values in storage order.
inline std::vector<float> values(const Tensor& t) { return {t.data().begin(), t.data().end()}; }

// `f` throws one duet::Error whose message contains every one of `words`.
inline void expect_error_naming(const std::function<void()>& f, const std::vector<std::string>& words) {
  try {
    f();
    ADD_FAILURE() << "no error; expected one mentioning " << words.front();
  } catch (const Error& e) {
    for (const auto& w : words) EXPECT_NE(std::string(e.what()).find(w), std::string::npos) << e.what() << " lacks " << w;
  }
}

// Six points of the article's line y = 2x - 1, as columns.
inline const Tensor kArticleXs = Tensor::from_rows({{-1}, {0}, {1}, {2}, {3}, {4}});
inline const Tensor kArticleYs = Tensor::from_rows({{-3}, {-1}, {1}, {3}, {5}, {7}});

}  // namespace duet::test
