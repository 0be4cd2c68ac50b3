#include "duet/compare/torch_losses.h"

#include <algorithm>

#include "duet/core/error.h"
#include "loss_options.h"

namespace duet::compare {

namespace {

struct Entry {
  std::string name;        ///< the experiment's word, as torch.nn.functional spells the loss
  std::string class_name;  ///< the torch.nn module
  std::unique_ptr<torch::nn::Loss> (*make)(const TorchConfig&);
};

// A per-class or per-column weight list as the 1-D tensor PyTorch's options take.
Tensor row(const std::vector<float>& values) {
  return Tensor::from_data(Shape{static_cast<std::int64_t>(values.size())}, values);
}
torch::reduction_t reduction_of(const std::string& name) {
  if (name == "sum") return torch::kSum;
  if (name == "none") return torch::kNone;
  return torch::kMean;
}

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
      {"bce", "BCELoss",
       [](const TorchConfig& t) -> Made {
         nn::BCELossOptions o;
         o.reduction(reduction_of(t.reduction));
         if (!t.weight.empty()) o.weight(row(t.weight));
         return std::make_unique<nn::BCELossImpl>(o);
       }},
      {"bce_with_logits", "BCEWithLogitsLoss",
       [](const TorchConfig& t) -> Made {
         nn::BCEWithLogitsLossOptions o;
         o.reduction(reduction_of(t.reduction));
         if (!t.weight.empty()) o.weight(row(t.weight));
         if (!t.pos_weight.empty()) o.pos_weight(row(t.pos_weight));
         return std::make_unique<nn::BCEWithLogitsLossImpl>(o);
       }},
      {"cross_entropy", "CrossEntropyLoss", [](const TorchConfig& t) -> Made {
         nn::CrossEntropyLossOptions o;
         o.reduction(reduction_of(t.reduction)).label_smoothing(t.label_smoothing);
         if (!t.weight.empty()) o.weight(row(t.weight));
         return std::make_unique<nn::CrossEntropyLossImpl>(o);
       }}};
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

std::vector<std::string> torch_loss_keys() {
  std::vector<std::string> keys{"name"};
  for (const auto& o : torch_loss_options()) keys.push_back(o.key);
  return keys;
}

const std::string& torch_loss_class(const std::string& name) { return entry(name).class_name; }

std::unique_ptr<torch::nn::Loss> make_torch_loss(const TorchConfig& config) { return entry(config.loss).make(config); }

}  // namespace duet::compare
