#include "duet/compare/optimizers.h"

#include <fmt/format.h>

#include <cmath>

#include "duet/core/error.h"

namespace duet::compare {

namespace {

template <typename Descriptor>
const Descriptor& find_descriptor(const std::vector<Descriptor>& all, const std::string& side, const std::string& name) {
  std::string known;
  for (const auto& d : all) {
    if (d.name == name) return d;
    known += (known.empty() ? "" : ", ") + d.name;
  }
  throw Error(fmt::format("{}.optimizer.name: unknown optimizer '{}' ({})", side, name, known));
}

template <typename Descriptor>
OptimizerSettings settings(const Descriptor& d, const OptimizerConfig& c) {
  using options::Meaning;
  const options::Values effective = d.resolve(c.given);
  OptimizerSettings s;
  s.name = d.name;
  s.text = options::constructor_text(d.class_name, d.fields, effective);
  for (const auto& f : d.fields) {
    const options::Value& v = *options::find(effective, f.key);
    if (const auto* pair = std::get_if<std::pair<float, float>>(&v)) {
      s.beta1 = pair->first, s.beta2 = pair->second;  // the only pair: PyTorch's betas
      continue;
    }
    const float number = std::holds_alternative<float>(v) ? std::get<float>(v) : 0.0f;
    const bool flag = std::holds_alternative<bool>(v) && std::get<bool>(v);
    switch (f.meanings.front()) {
      case Meaning::learning_rate: s.learning_rate = number; break;
      case Meaning::momentum: s.momentum = number; break;
      case Meaning::dampening: s.dampening = number; break;
      case Meaning::nesterov: s.nesterov = flag; break;
      case Meaning::weight_decay: s.weight_decay = number; break;
      case Meaning::decoupled_weight_decay: s.decoupled_weight_decay = number; break;
      case Meaning::clipnorm: s.clipnorm = number; break;
      case Meaning::global_clipnorm: s.global_clipnorm = number; break;
      case Meaning::clipvalue: s.clipvalue = number; break;
      case Meaning::epsilon: s.epsilon = number; break;
      case Meaning::beta1: s.beta1 = number; break;
      case Meaning::beta2: s.beta2 = number; break;
      case Meaning::rho: s.rho = number; break;
      case Meaning::initial_accumulator: s.initial_accumulator = number; break;
      case Meaning::lr_decay: s.lr_decay = number; break;
      case Meaning::amsgrad: s.amsgrad = flag; break;
      case Meaning::centered: s.centered = flag; break;
    }
  }
  return s;
}

void put(options::Values& given, const std::string& key, options::Value value) {
  for (auto& [k, v] : given) {
    if (k == key) {
      v = std::move(value);
      return;
    }
  }
  given.emplace_back(key, std::move(value));
}

}  // namespace

const keras::optimizers::Descriptor& keras_descriptor(const std::string& name) {
  return find_descriptor(keras::optimizers::all(), "keras", name);
}
const torch::optim::Descriptor& torch_descriptor(const std::string& name) {
  return find_descriptor(torch::optim::all(), "torch", name);
}

keras::optimizers::schedules::ScheduleRef make_keras_schedule(const KerasScheduleConfig& c) {
  namespace s = keras::optimizers::schedules;
  if (c.schedule == "exponential_decay") {
    return std::make_shared<s::ExponentialDecay>(c.initial_learning_rate, c.decay_steps, c.decay_rate, c.staircase);
  }
  if (c.schedule == "inverse_time_decay") {
    return std::make_shared<s::InverseTimeDecay>(c.initial_learning_rate, c.decay_steps, c.decay_rate, c.staircase);
  }
  if (c.schedule == "cosine_decay") return std::make_shared<s::CosineDecay>(c.initial_learning_rate, c.decay_steps, c.alpha);
  if (c.schedule == "piecewise_constant_decay") return std::make_shared<s::PiecewiseConstantDecay>(c.boundaries, c.values);
  throw Error(fmt::format("keras.optimizer.learning_rate.schedule: unknown schedule '{}'", c.schedule));
}

std::shared_ptr<keras::optimizers::Optimizer> make_keras_optimizer(const OptimizerConfig& c) {
  return keras_descriptor(c.name).make(c.given, c.schedule ? make_keras_schedule(*c.schedule) : nullptr);
}

std::unique_ptr<torch::optim::lr_scheduler::LRScheduler> make_torch_scheduler(const TorchSchedulerConfig& c,
                                                                              torch::optim::Optimizer& optimizer) {
  namespace s = torch::optim::lr_scheduler;
  if (c.name == "step_lr") return std::make_unique<s::StepLR>(optimizer, c.step_size, c.gamma);
  if (c.name == "multistep_lr") return std::make_unique<s::MultiStepLR>(optimizer, c.milestones, c.gamma);
  if (c.name == "exponential_lr") return std::make_unique<s::ExponentialLR>(optimizer, c.gamma);
  throw Error(fmt::format("torch.scheduler.name: unknown scheduler '{}'", c.name));
}

std::unique_ptr<torch::optim::Optimizer> make_torch_optimizer(const OptimizerConfig& c, std::vector<Tensor> params) {
  return torch_descriptor(c.name).make(c.given, std::move(params));
}

OptimizerSettings keras_settings(const OptimizerConfig& c) {
  OptimizerSettings s = settings(keras_descriptor(c.name), c);
  if (c.schedule) {  // the schedule replaces the fixed rate: its value at step 0 and its call
    const auto schedule = make_keras_schedule(*c.schedule);
    s.learning_rate = (*schedule)(0);
    s.schedule = schedule->text();
    const auto at = s.text.find("learning_rate=");
    if (at != std::string::npos) {
      const auto end = s.text.find_first_of(",)", at);
      s.text.replace(at, end - at, "learning_rate=" + s.schedule);
    }
  }
  return s;
}
OptimizerSettings torch_settings(const OptimizerConfig& c) { return settings(torch_descriptor(c.name), c); }

namespace {
template <typename Descriptor>
void table_rows(std::string& out, const char* side, const std::vector<Descriptor>& all) {
  for (const auto& d : all) {
    std::string cells;
    for (const auto& f : d.fields) {
      const auto* number = std::get_if<float>(&f.default_value);
      const std::string value = number && std::isnan(*number) ? "required" : options::python_repr(f.default_value);
      cells += fmt::format("{}`{}` = {} ({})", cells.empty() ? "" : "; ", f.key, value, f.doc);
    }
    out += fmt::format("| `{}` | `{}` | {} | {} |\n", side, d.name, d.class_name, cells);
  }
}
}  // namespace

std::string optimizer_table_markdown() {
  std::string out = "| side | `name` | class | options: key = default (meaning) |\n|---|---|---|---|\n";
  table_rows(out, "keras", keras::optimizers::all());
  table_rows(out, "torch", torch::optim::all());
  return out;
}

bool align_torch_to_keras(const OptimizerConfig& keras, OptimizerConfig& torch, AlignedOptions which) {
  using options::Meaning;
  const auto& kd = keras_descriptor(keras.name);
  const auto& td = torch_descriptor(torch.name);
  const options::Values k = kd.resolve(keras.given), t = td.resolve(torch.given);
  // Keras' value for a meaning, or the neutral "off" (0 / false) where Keras has no such option.
  const auto keras_value = [&](Meaning m, const options::Value& like) -> options::Value {
    if (const options::FieldInfo* f = kd.field(m)) {
      const options::Value& v = *options::find(k, f->key);
      if (const auto* pair = std::get_if<std::pair<float, float>>(&v)) return m == f->meanings.front() ? pair->first : pair->second;
      return v;
    }
    return std::holds_alternative<bool>(like) ? options::Value(false) : options::Value(0.0f);
  };
  bool changed = false;
  for (const auto& f : td.fields) {
    const bool is_lr = f.meanings.front() == Meaning::learning_rate;
    if (is_lr != (which == AlignedOptions::learning_rate)) continue;
    const options::Value current = *options::find(t, f.key);
    options::Value wanted;
    if (std::holds_alternative<std::pair<float, float>>(current)) {
      wanted = std::pair{std::get<float>(keras_value(f.meanings[0], 0.0f)), std::get<float>(keras_value(f.meanings[1], 0.0f))};
    } else {
      wanted = keras_value(f.meanings.front(), current);
    }
    if (wanted == current) continue;
    put(torch.given, f.key, wanted);
    changed = true;
  }
  return changed;
}

}  // namespace duet::compare
