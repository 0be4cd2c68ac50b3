// libFuzzer target: the Keras weight-file readers (Keras 3 .weights.h5 and legacy Keras 2 .h5)
// on HDF5 files of arbitrary structure. The input is a small program that builds a well-formed
// HDF5 file (groups, float32 datasets of any shape up to rank 4, string-array attributes, from a
// vocabulary of Keras' names) with libhdf5; load_weights then reads it into a fixed model, which
// the first byte's second bit compiles with a built Adam so that the reader of Keras 3's
// optimizer/vars group runs too. A rejected file must leave the model unchanged.
//
// Why structure-aware: the bytes themselves are parsed by libhdf5 (1.10 in Debian 12), which
// has its own fuzzing upstream and known crashes on crafted files; what Duet adds, and what this
// target searches, is every way a valid HDF5 file can fail to be the weights Duet expects
// (missing or extra groups, counts, shapes, attributes, names).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "duet/core/error.h"
#include "duet/keras.h"
#include "saving/h5_file.h"

namespace {

const char* const kNames[] = {"layers", "vars",  "dense",    "dense_1", "dense_2",       "0",
                              "1",      "2",     "optimizer", "model_weights", "_layer_checkpoint_dependencies",
                              "dense/kernel:0", "dense/bias:0", "dense_1/kernel:0", "dense_1/bias:0"};
constexpr std::size_t kNameCount = sizeof kNames / sizeof kNames[0];

class Input {
 public:
  Input(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  bool done() const { return pos_ >= size_; }
  unsigned next() { return pos_ < size_ ? data_[pos_++] : 0u; }
  std::string path() {
    std::string p;
    const unsigned parts = 1 + next() % 4;
    for (unsigned i = 0; i < parts; ++i) p += (i ? "/" : "") + std::string(kNames[next() % kNameCount]);
    return p;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

std::string build_file(Input& in) {
  duet::keras::saving::H5Writer h5;
  for (int op = 0; op < 24 && !in.done(); ++op) {
    try {
      switch (in.next() % 4) {
        case 0: h5.group(in.path()); break;
        case 1: {
          const std::string p = in.path();
          duet::Shape shape;
          const unsigned rank = in.next() % 5;
          for (unsigned k = 0; k < rank; ++k) shape.push_back(in.next() % 6);
          h5.dataset(p, duet::Tensor::full(shape, static_cast<float>(in.next()) / 16.0f));
          break;
        }
        case 2: {  // on the root (Keras 2's layer_names) or a group (its weight_names)
          const std::string p = in.next() % 3 == 0 ? std::string("/") : in.path();
          std::vector<std::string> values(in.next() % 4);
          for (auto& v : values) v = kNames[in.next() % kNameCount];
          h5.string_array_attribute(p, in.next() % 2 ? "layer_names" : "weight_names", values);
          break;
        }
        default: h5.string_attribute(in.path(), "layer_names", kNames[in.next() % kNameCount]);
      }
    } catch (const duet::Error&) {
      // A path through a dataset, an existing name: libhdf5 refuses it; go on with the next step.
    }
  }
  return h5.bytes();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace keras = duet::keras;
  if (size == 0) return 0;
  const bool legacy = (data[0] & 1) != 0;
  const bool with_optimizer = (data[0] & 2) != 0;
  Input in(data + 1, size - 1);
  const std::string bytes = build_file(in);
  static const std::string stem = "/tmp/duet_h5_fuzz_" + std::to_string(::getpid());
  const std::string path = stem + (legacy ? ".h5" : ".weights.h5");
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  keras::utils::set_random_seed(0);
  keras::Sequential model({keras::layers::Dense(2, {.activation = "relu", .input_shape = {3}}), keras::layers::Dense(1)});
  if (with_optimizer) {
    model.compile(keras::optimizers::Adam(), "mse");
    model.optimizer().build(model.trainable_weights());
  }
  const auto before = model.get_weights();
  try {
    model.load_weights(path);
  } catch (const duet::Error&) {
    const auto after = model.get_weights();
    for (std::size_t i = 0; i < before.size(); ++i) {
      if (!(before[i].data() == after[i].data()).all()) std::abort();  // half-loaded
    }
  }
  return 0;
}
