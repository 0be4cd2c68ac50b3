#include "duet/compare/torch_losses.h"

#include "duet/core/error.h"

namespace duet::compare {

namespace {

struct Entry {
  std::string name;        ///< the experiment's word, as torch.nn.functional spells the loss
  std::string class_name;  ///< the torch.nn module
  std::unique_ptr<torch::nn::Loss> (*make)(const TorchConfig&);
};

const std::vector<Entry>& table() {
  namespace nn = torch::nn;
  using Made = std::unique_ptr<nn::Loss>;
  static const std::vector<Entry> entries{
      {"mse", "MSELoss", [](const TorchConfig& t) -> Made { return std::make_unique<nn::MSELossImpl>(t.reduction); }},
      {"l1", "L1Loss", [](const TorchConfig& t) -> Made { return std::make_unique<nn::L1LossImpl>(t.reduction); }},
      {"huber", "HuberLoss",
       [](const TorchConfig& t) -> Made { return std::make_unique<nn::HuberLossImpl>(t.reduction, t.huber_delta); }},
      {"smooth_l1", "SmoothL1Loss",
       [](const TorchConfig& t) -> Made { return std::make_unique<nn::SmoothL1LossImpl>(t.reduction, t.smooth_l1_beta); }},
      {"bce", "BCELoss", [](const TorchConfig& t) -> Made { return std::make_unique<nn::BCELossImpl>(t.reduction); }},
      {"bce_with_logits", "BCEWithLogitsLoss",
       [](const TorchConfig& t) -> Made { return std::make_unique<nn::BCEWithLogitsLossImpl>(t.reduction); }},
      {"cross_entropy", "CrossEntropyLoss",
       [](const TorchConfig& t) -> Made { return std::make_unique<nn::CrossEntropyLossImpl>(t.reduction); }}};
  return entries;
}

const Entry& entry(const std::string& name) {
  for (const auto& e : table()) {
    if (e.name == name) return e;
  }
  throw Error("torch.loss.name: unknown loss '" + name + "'");
}

}  // namespace

std::vector<std::string> torch_loss_names() {
  std::vector<std::string> names;
  for (const auto& e : table()) names.push_back(e.name);
  return names;
}

const std::string& torch_loss_class(const std::string& name) { return entry(name).class_name; }

std::unique_ptr<torch::nn::Loss> make_torch_loss(const TorchConfig& config) { return entry(config.loss).make(config); }

}  // namespace duet::compare
