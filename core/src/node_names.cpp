// grad_fn()->name(): PyTorch's autograd names a node after its op's derivative formula
// (tools/autograd/derivatives.yaml: "AddBackward0", "MulBackward0", ...). Duet's op names are
// neutral; most map by spelling (log_softmax -> LogSoftmaxBackward0), the rest are listed.
#include <cctype>
#include <cstring>
#include <string>

#include "duet/core/tensor.h"

namespace duet {

namespace {
struct Renamed {
  const char* op;
  const char* pytorch;
};
// Duet ops whose PyTorch node has another name (a scalar operand, a fused form, a loss).
constexpr Renamed kRenamed[] = {
    {"add_scalar", "AddBackward0"},          // x + 2 is AddBackward0 in PyTorch too
    {"mul_scalar", "MulBackward0"},          // y * 3
    {"matmul", "MmBackward0"},               // 2-D x.mm(w)
    {"dense", "AddmmBackward0"},             // nn.Linear: addmm(b, x, w.t())
    {"reshape", "ViewBackward0"},            // view / reshape of a contiguous tensor
    {"concat", "CatBackward0"},              // torch.cat
    {"max", "MaxBackward1"},                 // x.max() over all elements
    {"square", "PowBackward0"},              // torch.square(x) is x.pow(2)
    {"clamp", "ClampBackward1"},             // clamp(min, max) with numbers
    {"squared_error", "MseLossBackward0"},   // MSELoss
    {"absolute_error", "L1LossBackward0"},   // L1Loss
    {"huber", "HuberLossBackward0"},         // HuberLoss
    {"take", "IndexBackward0"},              // index / select / narrow / slice gather
    {"conv2d", "ConvolutionBackward0"},      // conv1d / conv2d go through at::convolution
    {"conv_transpose2d", "ConvolutionBackward0"},
    {"max_pool2d", "MaxPool2DWithIndicesBackward0"},
    {"avg_pool2d", "AvgPool2DBackward0"},
};
}  // namespace

std::string pytorch_node_name(const char* op) {
  for (const auto& r : kRenamed) {
    if (std::strcmp(op, r.op) == 0) return r.pytorch;
  }
  // snake_case to CamelCase, then "Backward0": "log_softmax" -> "LogSoftmaxBackward0".
  std::string name;
  bool upper = true;
  for (const char* c = op; *c; ++c) {
    if (*c == '_') {
      upper = true;
      continue;
    }
    name += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(*c))) : *c;
    upper = false;
  }
  return name + "Backward0";
}

}  // namespace duet
