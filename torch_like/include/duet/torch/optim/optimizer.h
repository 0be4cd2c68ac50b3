/// @file
/// torch.optim.Optimizer: parameter groups with their own options, zero_grad() and step().
#pragma once

#include <cmath>
#include <limits>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "duet/core/error.h"
#include "duet/core/option_fields.h"
#include "duet/core/optimizer_loop.h"
#include "duet/core/tensor.h"
#include "duet/core/tensor_file.h"
#include "duet/torch/optim/state_names.h"

namespace duet::torch::optim {

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  /// Zeroes the .grad of every parameter (PyTorch 1.13's default set_to_none=False).
  void zero_grad();
  /// One update of every parameter that has a gradient; parameters without one are skipped.
  virtual void step() = 0;

  /// Learning rates per group, for schedulers (param_groups[i]["lr"]).
  virtual std::size_t group_count() const = 0;
  virtual float lr(std::size_t group) const = 0;
  virtual void set_lr(std::size_t group, float lr) = 0;

  /// The optimiser's state as named tensors: PyTorch's optimizer.state_dict() flattened, with
  /// "state.<i>.<name>" for parameter i (numbered across the groups, as PyTorch numbers them;
  /// only the buffers a step has made) and "param_groups.<g>.lr" (a scheduler may have changed it).
  virtual tensor_file::NamedTensors state_dict() const = 0;
  /// Restores a state_dict saved from an optimiser of the same kind over parameters of the same
  /// sizes. Every entry is checked first (a wrong name, size or count is one error naming the
  /// entry), so a bad state_dict changes nothing.
  virtual void load_state_dict(const tensor_file::NamedTensors& state) = 0;

 protected:
  /// Derived constructors hand every parameter they update to the base, for zero_grad().
  void track(const std::vector<Tensor>& params) { params_.insert(params_.end(), params.begin(), params.end()); }

 private:
  std::vector<Tensor> params_;
};

using options::Field;
using options::Meaning;
using options::Show;

/// A parameter group: parameters with their own options (e.g. a different lr).
template <typename Options>
struct ParamGroup {
  std::vector<Tensor> params;
  Options options;
};

/// The machinery every optimiser shares: groups, options checked once, per-parameter state
/// created on first use and keyed by the parameter. `Rule` supplies
///   static void validate(const Options&), and
///   static void update(Tensor::Array& param, const Tensor::Array& grad, const Options&, State&).
template <typename OptionsT, typename State, typename RuleT>
class GroupedOptimizer : public Optimizer {
 public:
  using Options = OptionsT;
  using Rule = RuleT;
  GroupedOptimizer(std::vector<Tensor> params, Options options)
      : GroupedOptimizer(std::vector<ParamGroup<Options>>{{std::move(params), options}}) {}
  explicit GroupedOptimizer(std::vector<ParamGroup<Options>> groups) : groups_(std::move(groups)) {
    std::size_t count = 0;
    for (const auto& g : groups_) count += g.params.size();
    // torch/optim/optimizer.py: `raise ValueError("optimizer got an empty parameter list")`.
    if (count == 0) throw Error(std::string(Rule::kName) + ": optimizer got an empty parameter list");
    for (const auto& g : groups_) {
      Rule::validate(g.options);
      for (const auto& p : g.params) {
        if (!p.defined() || !p.is_leaf()) throw Error(std::string(Rule::kName) + ": can't optimize a non-leaf Tensor");
      }
      track(g.params);
    }
  }

  void step() override {
    for (const auto& group : groups_) {
      duet::optim::update_each(group.params, states_, [&group](Tensor::Array& p, const Tensor::Array& g, State& s) {
        Rule::update(p, g, group.options, s);
      });
    }
  }

  tensor_file::NamedTensors state_dict() const override {
    tensor_file::NamedTensors out;
    std::size_t index = 0;
    for (std::size_t g = 0; g < groups_.size(); ++g) {
      for (const auto& p : groups_[g].params) {
        const StateEntries entries = entries_of(states_.of(p));
        const std::string prefix = "state." + std::to_string(index++) + ".";
        for (const auto& [name, array] : entries.arrays) {
          if (array->size() > 0) out.emplace_back(prefix + name, Tensor::from_array(Shape{array->size()}, *array));
        }
        if (entries.step && *entries.step > 0) {
          out.emplace_back(prefix + "step", Tensor::scalar(static_cast<float>(*entries.step)));
        }
      }
      out.emplace_back("param_groups." + std::to_string(g) + ".lr", Tensor::scalar(groups_[g].options.lr));
    }
    return out;
  }

  void load_state_dict(const tensor_file::NamedTensors& state) override {
    std::unordered_map<std::string, const Tensor*> by_name;
    for (const auto& [name, tensor] : state) {
      if (!by_name.emplace(name, &tensor).second) fail("the entry '" + name + "' appears twice");
    }
    std::size_t used = 0;
    auto take = [&](const std::string& name) -> const Tensor* {
      const auto it = by_name.find(name);
      if (it == by_name.end()) return nullptr;
      ++used;
      return it->second;
    };
    // Build every new state and lr first; nothing changes until all of them check out.
    std::vector<State> states;
    std::vector<float> lrs;
    std::size_t index = 0;
    for (std::size_t g = 0; g < groups_.size(); ++g) {
      for (const auto& p : groups_[g].params) {
        State& s = states.emplace_back();
        const StateEntries entries = entries_of(s);
        const std::string prefix = "state." + std::to_string(index) + ".";
        for (const auto& [name, array] : entries.arrays) {
          const Tensor* t = take(prefix + name);
          if (!t) continue;
          if (t->numel() != p.numel()) {
            fail("the entry '" + prefix + name + "' has " + std::to_string(t->numel()) + " values but parameter " +
                 std::to_string(index) + " has " + std::to_string(p.numel()));
          }
          *array = t->data();
        }
        if (entries.step) {
          if (const Tensor* t = take(prefix + "step")) {
            if (t->numel() != 1 || !(t->item() >= 0)) fail("the entry '" + prefix + "step' is not a step count");
            *entries.step = static_cast<std::int64_t>(t->item());
          }
        }
        ++index;
      }
      const std::string lr_name = "param_groups." + std::to_string(g) + ".lr";
      const Tensor* lr = take(lr_name);
      if (!lr || lr->numel() != 1) fail("the entry '" + lr_name + "' is missing (is it another optimiser's state?)");
      lrs.push_back(lr->item());
    }
    if (used != state.size()) {
      for (const auto& [name, tensor] : state) {
        (void)tensor;
        if (name.rfind("param_groups.", 0) != 0 && !entry_expected(name, index)) {
          fail("the entry '" + name + "' is not a " + std::string(Rule::kName) + " state of these " +
               std::to_string(index) + " parameters");
        }
      }
      fail("it has entries for more parameter groups than the " + std::to_string(groups_.size()) + " here");
    }
    index = 0;
    for (std::size_t g = 0; g < groups_.size(); ++g) {
      for (const auto& p : groups_[g].params) states_.of(p) = std::move(states[index++]);
      groups_[g].options.lr = lrs[g];
    }
  }

  std::vector<ParamGroup<Options>>& param_groups() { return groups_; }
  std::size_t group_count() const override { return groups_.size(); }
  float lr(std::size_t group) const override { return groups_.at(group).options.lr; }
  void set_lr(std::size_t group, float value) override { groups_.at(group).options.lr = value; }

 private:
  [[noreturn]] static void fail(const std::string& what) {
    throw Error(std::string(Rule::kName) + ": cannot load this state_dict: " + what);
  }
  // Whether `name` is one of the state entries of parameters 0..count-1.
  static bool entry_expected(const std::string& name, std::size_t count) {
    State probe;
    const StateEntries entries = entries_of(probe);
    for (std::size_t i = 0; i < count; ++i) {
      const std::string prefix = "state." + std::to_string(i) + ".";
      if (entries.step && name == prefix + "step") return true;
      for (const auto& entry : entries.arrays) {
        if (name == prefix + entry.first) return true;
      }
    }
    return false;
  }

  std::vector<ParamGroup<Options>> groups_;
  /// mutable: state_dict() looks states up with of(), which makes an empty state for a parameter
  /// never stepped, the same state the first step would start from.
  mutable duet::optim::StateTable<State> states_;
};

}  // namespace duet::torch::optim
