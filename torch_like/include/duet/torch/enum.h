/// @file
/// libtorch's enum constants for options: torch::kNone, torch::kMean, torch::kSum, each its own
/// type (torch::enumtype::kSum) so an options field can accept exactly the valid ones.
#pragma once

#include <string>
#include <variant>

namespace duet::torch {

namespace enumtype {
struct kNone {};  ///< reduction='none'
struct kMean {};  ///< reduction='mean'
struct kSum {};   ///< reduction='sum'
struct kTanh {};  ///< nonlinearity='tanh' (nn::RNN)
struct kReLU {};  ///< nonlinearity='relu' (nn::RNN)
}  // namespace enumtype

inline constexpr enumtype::kNone kNone{};
inline constexpr enumtype::kMean kMean{};
inline constexpr enumtype::kSum kSum{};
inline constexpr enumtype::kTanh kTanh{};
inline constexpr enumtype::kReLU kReLU{};

/// A loss reduction: torch::kNone, torch::kMean or torch::kSum.
using reduction_t = std::variant<enumtype::kNone, enumtype::kMean, enumtype::kSum>;
/// "none", "mean" or "sum", PyTorch's string for it.
std::string reduction_name(const reduction_t& reduction);

}  // namespace duet::torch
