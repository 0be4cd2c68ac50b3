#include "duet/compare/optimizers.h"

#include <fmt/format.h>

#include "duet/core/error.h"
#include "duet/torch/optim/adagrad.h"
#include "duet/torch/optim/adam.h"
#include "duet/torch/optim/rmsprop.h"
#include "duet/torch/optim/sgd.h"

namespace duet::compare {

namespace {

namespace ko = keras::optimizers;
namespace to = torch::optim;

ko::SGDOptions keras_sgd(const KerasOptimizerConfig& c) {
  ko::SGDOptions o;
  o.learning_rate = c.learning_rate.value_or(o.learning_rate);
  o.momentum = c.momentum.value_or(o.momentum);
  o.nesterov = c.nesterov.value_or(o.nesterov);
  return o;
}
ko::AdamOptions keras_adam(const KerasOptimizerConfig& c) {
  ko::AdamOptions o;
  o.learning_rate = c.learning_rate.value_or(o.learning_rate);
  o.beta_1 = c.beta_1.value_or(o.beta_1);
  o.beta_2 = c.beta_2.value_or(o.beta_2);
  o.epsilon = c.epsilon.value_or(o.epsilon);
  o.amsgrad = c.amsgrad.value_or(o.amsgrad);
  return o;
}
ko::RMSpropOptions keras_rmsprop(const KerasOptimizerConfig& c) {
  ko::RMSpropOptions o;
  o.learning_rate = c.learning_rate.value_or(o.learning_rate);
  o.rho = c.rho.value_or(o.rho);
  o.momentum = c.momentum.value_or(o.momentum);
  o.epsilon = c.epsilon.value_or(o.epsilon);
  o.centered = c.centered.value_or(o.centered);
  return o;
}
ko::AdagradOptions keras_adagrad(const KerasOptimizerConfig& c) {
  ko::AdagradOptions o;
  o.learning_rate = c.learning_rate.value_or(o.learning_rate);
  o.initial_accumulator_value = c.initial_accumulator_value.value_or(o.initial_accumulator_value);
  o.epsilon = c.epsilon.value_or(o.epsilon);
  return o;
}

to::SGDOptions torch_sgd(const TorchOptimizerConfig& c) {
  to::SGDOptions o;
  o.lr = c.lr.value_or(o.lr);
  o.momentum = c.momentum.value_or(o.momentum);
  o.dampening = c.dampening.value_or(o.dampening);
  o.weight_decay = c.weight_decay.value_or(o.weight_decay);
  o.nesterov = c.nesterov.value_or(o.nesterov);
  return o;
}
to::AdamOptions torch_adam(const TorchOptimizerConfig& c) {
  to::AdamOptions o;
  o.lr = c.lr.value_or(o.lr);
  o.betas = c.betas.value_or(o.betas);
  o.eps = c.eps.value_or(o.eps);
  o.weight_decay = c.weight_decay.value_or(o.weight_decay);
  o.amsgrad = c.amsgrad.value_or(o.amsgrad);
  return o;
}
to::RMSpropOptions torch_rmsprop(const TorchOptimizerConfig& c) {
  to::RMSpropOptions o;
  o.lr = c.lr.value_or(o.lr);
  o.alpha = c.alpha.value_or(o.alpha);
  o.eps = c.eps.value_or(o.eps);
  o.weight_decay = c.weight_decay.value_or(o.weight_decay);
  o.momentum = c.momentum.value_or(o.momentum);
  o.centered = c.centered.value_or(o.centered);
  return o;
}
to::AdagradOptions torch_adagrad(const TorchOptimizerConfig& c) {
  to::AdagradOptions o;
  o.lr = c.lr.value_or(o.lr);
  o.weight_decay = c.weight_decay.value_or(o.weight_decay);
  o.initial_accumulator_value = c.initial_accumulator_value.value_or(o.initial_accumulator_value);
  o.eps = c.eps.value_or(o.eps);
  return o;
}

[[noreturn]] void unknown(const std::string& side, const std::string& name) {
  throw Error(fmt::format("{}.optimizer.name: unknown optimizer '{}' (sgd, adam, rmsprop or adagrad)", side, name));
}

}  // namespace

std::shared_ptr<ko::Optimizer> make_keras_optimizer(const KerasOptimizerConfig& c) {
  if (c.name == "sgd") return std::make_shared<ko::SGD>(keras_sgd(c));
  if (c.name == "adam") return std::make_shared<ko::Adam>(keras_adam(c));
  if (c.name == "rmsprop") return std::make_shared<ko::RMSprop>(keras_rmsprop(c));
  if (c.name == "adagrad") return std::make_shared<ko::Adagrad>(keras_adagrad(c));
  unknown("keras", c.name);
}

std::unique_ptr<to::Optimizer> make_torch_optimizer(const TorchOptimizerConfig& c, std::vector<Tensor> params) {
  if (c.name == "sgd") return std::make_unique<to::SGD>(std::move(params), torch_sgd(c));
  if (c.name == "adam") return std::make_unique<to::Adam>(std::move(params), torch_adam(c));
  if (c.name == "rmsprop") return std::make_unique<to::RMSprop>(std::move(params), torch_rmsprop(c));
  if (c.name == "adagrad") return std::make_unique<to::Adagrad>(std::move(params), torch_adagrad(c));
  unknown("torch", c.name);
}

OptimizerSettings settings_of(const KerasOptimizerConfig& c) {
  OptimizerSettings s;
  s.name = c.name;
  if (c.name == "sgd") {
    const auto o = keras_sgd(c);
    s.learning_rate = o.learning_rate, s.momentum = o.momentum, s.nesterov = o.nesterov;
    s.text = fmt::format("SGD(learning_rate={:g}, momentum={:g}{})", o.learning_rate, o.momentum,
                         o.nesterov ? ", nesterov=True" : "");
  } else if (c.name == "adam") {
    const auto o = keras_adam(c);
    s.learning_rate = o.learning_rate, s.beta1 = o.beta_1, s.beta2 = o.beta_2, s.epsilon = o.epsilon, s.amsgrad = o.amsgrad;
    s.text = fmt::format("Adam(learning_rate={:g}, beta_1={:g}, beta_2={:g}, epsilon={:g}{})", o.learning_rate, o.beta_1,
                         o.beta_2, o.epsilon, o.amsgrad ? ", amsgrad=True" : "");
  } else if (c.name == "rmsprop") {
    const auto o = keras_rmsprop(c);
    s.learning_rate = o.learning_rate, s.rho = o.rho, s.momentum = o.momentum, s.epsilon = o.epsilon, s.centered = o.centered;
    s.text = fmt::format("RMSprop(learning_rate={:g}, rho={:g}, momentum={:g}, epsilon={:g}{})", o.learning_rate, o.rho,
                         o.momentum, o.epsilon, o.centered ? ", centered=True" : "");
  } else if (c.name == "adagrad") {
    const auto o = keras_adagrad(c);
    s.learning_rate = o.learning_rate, s.initial_accumulator = o.initial_accumulator_value, s.epsilon = o.epsilon;
    s.text = fmt::format("Adagrad(learning_rate={:g}, initial_accumulator_value={:g}, epsilon={:g})", o.learning_rate,
                         o.initial_accumulator_value, o.epsilon);
  } else {
    unknown("keras", c.name);
  }
  return s;
}

OptimizerSettings settings_of(const TorchOptimizerConfig& c) {
  OptimizerSettings s;
  s.name = c.name;
  if (c.name == "sgd") {
    const auto o = torch_sgd(c);
    s.learning_rate = o.lr, s.momentum = o.momentum, s.nesterov = o.nesterov, s.dampening = o.dampening;
    s.weight_decay = o.weight_decay;
    s.text = fmt::format("SGD(lr={:g}, momentum={:g}, dampening={:g}, weight_decay={:g}{})", o.lr, o.momentum,
                         o.dampening, o.weight_decay, o.nesterov ? ", nesterov=True" : "");
  } else if (c.name == "adam") {
    const auto o = torch_adam(c);
    s.learning_rate = o.lr, s.beta1 = o.betas.first, s.beta2 = o.betas.second, s.epsilon = o.eps;
    s.weight_decay = o.weight_decay, s.amsgrad = o.amsgrad;
    s.text = fmt::format("Adam(lr={:g}, betas=({:g}, {:g}), eps={:g}, weight_decay={:g}{})", o.lr, o.betas.first,
                         o.betas.second, o.eps, o.weight_decay, o.amsgrad ? ", amsgrad=True" : "");
  } else if (c.name == "rmsprop") {
    const auto o = torch_rmsprop(c);
    s.learning_rate = o.lr, s.rho = o.alpha, s.momentum = o.momentum, s.epsilon = o.eps, s.centered = o.centered;
    s.weight_decay = o.weight_decay;
    s.text = fmt::format("RMSprop(lr={:g}, alpha={:g}, eps={:g}, weight_decay={:g}, momentum={:g}{})", o.lr, o.alpha,
                         o.eps, o.weight_decay, o.momentum, o.centered ? ", centered=True" : "");
  } else if (c.name == "adagrad") {
    const auto o = torch_adagrad(c);
    s.learning_rate = o.lr, s.initial_accumulator = o.initial_accumulator_value, s.epsilon = o.eps;
    s.weight_decay = o.weight_decay;
    s.text = fmt::format("Adagrad(lr={:g}, weight_decay={:g}, initial_accumulator_value={:g}, eps={:g})", o.lr,
                         o.weight_decay, o.initial_accumulator_value, o.eps);
  } else {
    unknown("torch", c.name);
  }
  return s;
}

}  // namespace duet::compare
