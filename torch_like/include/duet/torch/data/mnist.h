/// @file
/// torch::data::datasets::MNIST (torch/data/datasets/mnist.h): the four idx files of the MNIST
/// format from a folder, `train-images-idx3-ubyte` / `train-labels-idx1-ubyte` (Mode::kTrain)
/// or `t10k-images-idx3-ubyte` / `t10k-labels-idx1-ubyte` (Mode::kTest). Images become float32
/// [N, 1, 28, 28] in [0, 1] (byte / 255), labels int64 [N], as in libtorch.
///
/// libtorch's checks, with its wording: each file opens ("Error opening images file at ..."),
/// and its header numbers are the expected ones ("Expected to read number 2051 but found ...
/// instead", with the file named). Unlike libtorch, the count need not be 60000 / 10000: any
/// count works if the file holds exactly that many images or labels and the two files agree,
/// so smaller MNIST-format files (tools/libtorch_examples/) load too. A truncated file, a count
/// that does not match the file size, or a folder that does not exist is one clear error.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "duet/core/tensor.h"
#include "duet/torch/data/datasets.h"
#include "duet/torch/data/example.h"

namespace duet::torch::data::datasets {

class MNIST : public Dataset<MNIST> {
 public:
  /// Which pair of files to read.
  enum class Mode { kTrain, kTest };

  /// Reads the images and labels of `mode` from the folder `root`.
  explicit MNIST(const std::string& root, Mode mode = Mode::kTrain);

  /// The image [1, 28, 28] and label (int64 scalar) at `index`.
  Example<> get(std::size_t index) override;
  std::optional<std::size_t> size() const override;
  /// True when read in Mode::kTrain.
  bool is_train() const noexcept { return mode_ == Mode::kTrain; }
  /// All images, [N, 1, 28, 28].
  const Tensor& images() const { return images_; }
  /// All labels, int64 [N].
  const Tensor& targets() const { return targets_; }

 private:
  Tensor images_;
  Tensor targets_;
  Mode mode_;
};

}  // namespace duet::torch::data::datasets
