// Which loss takes which option in an experiment's `keras.loss` object, in one table (the PyTorch
// side's is the loss table in torch_losses.cpp), and the sentence both parsers' errors end with.
#pragma once

#include <string>
#include <vector>

namespace duet::compare {

/// Every key `keras.loss` may hold: "name", the keys every loss takes and each loss's own options.
std::vector<std::string> keras_loss_keys();
/// Whether the Keras loss `identifier` takes option `key` (true for the keys every loss takes).
bool keras_loss_takes(const std::string& identifier, const std::string& key);
/// The Keras losses that take `key`, for an error: "binary_crossentropy and categorical_crossentropy do".
std::string keras_losses_taking(const std::string& key);

/// "a does", "a and b do", "a, b and c do": the losses that take an option, named in an error.
std::string losses_that_do(const std::vector<std::string>& names);

}  // namespace duet::compare
