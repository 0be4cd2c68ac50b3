/// @file
/// torch.optim.Optimizer: parameter groups with their own options, zero_grad() and step().
#pragma once

#include <cmath>
#include <utility>
#include <vector>

#include "duet/core/error.h"
#include "duet/core/option_fields.h"
#include "duet/core/optimizer_loop.h"
#include "duet/core/tensor.h"

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

  std::vector<ParamGroup<Options>>& param_groups() { return groups_; }
  std::size_t group_count() const override { return groups_.size(); }
  float lr(std::size_t group) const override { return groups_.at(group).options.lr; }
  void set_lr(std::size_t group, float value) override { groups_.at(group).options.lr = value; }

 private:
  std::vector<ParamGroup<Options>> groups_;
  duet::optim::StateTable<State> states_;
};

}  // namespace duet::torch::optim
