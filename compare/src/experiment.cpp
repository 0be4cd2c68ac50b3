// Reading an experiment file: strict (an unknown key is an error, so a typo never falls back to
// a default silently) and specific (every message names the key path, value or position).
#include "duet/compare/experiment.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include <cmath>
#include <functional>
#include <nlohmann/json.hpp>
#include <map>
#include <set>

#include "duet/compare/csv.h"
#include "strict_json.h"
#include "duet/core/checks.h"
#include "duet/core/error.h"
#include "duet/compare/torch_losses.h"
#include "layers/layer_kind.h"
#include "loss_options.h"
#include "duet/keras/losses.h"
#include "duet/core/excerpt.h"
#include "duet/core/file_io.h"
#include "duet/core/sequence.h"
#include "duet/keras/optimizers.h"
#include "duet/torch/optim/registry.h"

namespace duet::compare {

using nlohmann::json;

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw Error(fmt::format("experiment: {}: {}", path, what));
}

std::string join(const std::string& path, const std::string& key) {
  return path.empty() ? excerpt(key) : path + "." + excerpt(key);
}

void require_object(const json& j, const std::string& path) {
  if (!j.is_object()) fail(path.empty() ? "top level" : path, fmt::format("must be an object, got {}", j.type_name()));
}

void check_keys(const json& j, const std::set<std::string>& allowed, const std::string& path) {
  require_object(j, path);
  for (const auto& [key, _] : j.items()) {
    if (!allowed.count(key)) {
      std::string known;
      for (const auto& a : allowed) known += (known.empty() ? "" : ", ") + a;
      fail(join(path, key), fmt::format("unknown key (known here: {})", known));
    }
  }
}

double number(const json& j, const std::string& path) {
  if (!j.is_number()) fail(path, fmt::format("must be a number, got {} {}", j.type_name(), quote(j)));
  const double v = j.get<double>();
  if (!std::isfinite(v)) fail(path, "must be finite");
  // Every number read here becomes a float32; past its range it would silently become inf.
  if (std::abs(v) > std::numeric_limits<float>::max()) {
    fail(path, fmt::format("{} is too large for float32 (the largest is {:g})", quote(j), std::numeric_limits<float>::max()));
  }
  return v;
}

float positive_or_zero(const json& j, const std::string& path) {
  const double v = number(j, path);
  if (v < 0) fail(path, fmt::format("must not be negative, got {}", quote(j)));
  return static_cast<float>(v);
}

int integer(const json& j, const std::string& path) {
  if (!j.is_number_integer()) fail(path, fmt::format("must be an integer, got {}", quote(j)));
  const auto v = j.get<std::int64_t>();
  if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) fail(path, "is out of range");
  return static_cast<int>(v);
}

bool boolean(const json& j, const std::string& path) {
  if (!j.is_boolean()) fail(path, fmt::format("must be true or false, got {}", quote(j)));
  return j.get<bool>();
}

std::string string(const json& j, const std::string& path) {
  if (!j.is_string()) fail(path, fmt::format("must be a string, got {}", quote(j)));
  return j.get<std::string>();
}

// A list of equally long lists of numbers -> [rows, cols].
Tensor matrix(const json& j, const std::string& path) {
  if (!j.is_array() || j.empty()) fail(path, "must be a non-empty list of rows, e.g. [[1.0], [2.0]]");
  std::vector<std::vector<float>> rows;
  for (std::size_t r = 0; r < j.size(); ++r) {
    const std::string row_path = fmt::format("{}[{}]", path, r);
    if (!j[r].is_array() || j[r].empty()) fail(row_path, "must be a non-empty list of numbers");
    std::vector<float> row;
    for (std::size_t c = 0; c < j[r].size(); ++c) {
      row.push_back(static_cast<float>(number(j[r][c], fmt::format("{}[{}]", row_path, c))));
    }
    if (!rows.empty() && row.size() != rows.front().size()) {
      fail(row_path, fmt::format("has {} values but row 0 has {}", row.size(), rows.front().size()));
    }
    rows.push_back(std::move(row));
  }
  return Tensor::from_rows(rows);
}

// Nested lists of numbers -> a tensor of the nesting's rank (between min_rank and max_rank),
// every list at one depth as long as the first (the message names the first ragged one).
Tensor nested(const json& j, const std::string& path, int min_rank, int max_rank, const char* example) {
  Shape shape;
  const json* probe = &j;
  while (probe->is_array()) {
    if (probe->empty()) fail(path, fmt::format("must not hold empty lists, e.g. {}", example));
    if (shape.rank() == max_rank) fail(path, fmt::format("is nested more than {} deep, e.g. {}", max_rank, example));
    shape.push_back(static_cast<std::int64_t>(probe->size()));
    probe = &(*probe)[0];
  }
  if (shape.rank() < min_rank) {
    fail(path, fmt::format("must be nested {} deep (got {}), e.g. {}", min_rank, shape.rank(), example));
  }
  std::vector<float> values;
  values.reserve(static_cast<std::size_t>(shape.numel()));
  const std::function<void(const json&, int, const std::string&)> walk = [&](const json& v, int depth,
                                                                            const std::string& at) {
    if (depth == shape.rank()) {
      values.push_back(static_cast<float>(number(v, at)));
      return;
    }
    if (!v.is_array()) fail(at, fmt::format("must be a list, got {}", quote(v)));
    if (static_cast<std::int64_t>(v.size()) != shape[depth]) {
      fail(at, fmt::format("has {} values but the first list at this depth has {}", v.size(), shape[depth]));
    }
    for (std::size_t i = 0; i < v.size(); ++i) walk(v[i], depth + 1, fmt::format("{}[{}]", at, i));
  };
  walk(j, 0, path);
  return Tensor::from_data(shape, std::move(values));
}

// Rows of samples: a matrix (with the row-wise messages of v1 files), or deeper nesting for
// sequences (rank 3) and images (rank 4).
Tensor samples(const json& j, const std::string& path, const char* example) {
  const bool deeper = j.is_array() && !j.empty() && j[0].is_array() && !j[0].empty() && j[0][0].is_array();
  return deeper ? nested(j, path, 2, 4, example) : matrix(j, path);
}


void parse_data(const json& j, const std::filesystem::path& base_dir, Experiment& e) {
  require_object(j, "data");
  if (j.contains("csv")) {
    check_keys(j, {"csv", "targets"}, "data");
    const auto file = string(j["csv"], "data.csv");
    if (!j.contains("targets")) fail("data", "a CSV data set needs \"targets\": the names of the target columns");
    const auto& t = j["targets"];
    if (!t.is_array() || t.empty()) fail("data.targets", "must be a non-empty list of column names");
    std::vector<std::string> targets;
    for (std::size_t i = 0; i < t.size(); ++i) targets.push_back(string(t[i], fmt::format("data.targets[{}]", i)));
    const auto path = std::filesystem::path(file).is_absolute() ? std::filesystem::path(file) : base_dir / file;
    split_columns(read_csv(path), targets, path.string(), e.x, e.y);
    return;
  }
  check_keys(j, {"x", "y"}, "data");
  if (!j.contains("x") || !j.contains("y")) fail("data", "needs \"x\" and \"y\" (or \"csv\" and \"targets\")");
  e.x = samples(j["x"], "data.x", "[[1.0], [2.0]] (rows of features; sequences and images nest deeper)");
  e.y = matrix(j["y"], "data.y");
  if (e.x.shape()[0] != e.y.shape()[0]) {
    fail("data", fmt::format("x has {} rows but y has {}", e.x.shape()[0], e.y.shape()[0]));
  }
}

LayerValue option_value(const json& v, const OptionSpec& o, const std::string& at) {
  const auto in_range = [&](double x) {
    if (o.minimum && x < *o.minimum) fail(at, fmt::format("must be at least {:g}, got {}", *o.minimum, quote(v)));
    if (o.maximum && x > *o.maximum) {
      fail(at, fmt::format("{:.0f} is more than the {:.0f} {} a layer may have", x, *o.maximum, o.key));
    }
  };
  switch (o.type) {
    case OptionType::integer: {
      if (!v.is_number_integer()) fail(at, fmt::format("must be an integer, got {}", quote(v)));
      const double x = v.get<double>();
      in_range(x);
      return x;
    }
    case OptionType::number: {
      const double x = number(v, at);
      in_range(x);
      return x;
    }
    case OptionType::flag:
      return boolean(v, at);
    case OptionType::text: {
      std::string t = string(v, at);
      if (!o.choices.empty() && std::find(o.choices.begin(), o.choices.end(), t) == o.choices.end()) {
        fail(at, fmt::format("unknown {} '{}' ({})", o.key, excerpt(t), fmt::join(o.choices, ", ")));
      }
      return t;
    }
    case OptionType::int_pair: {
      std::vector<std::int64_t> ints;
      const auto one = [&](const json& x, const std::string& where) {
        if (!x.is_number_integer()) fail(where, fmt::format("must be an integer, got {}", quote(x)));
        const double d = x.get<double>();
        in_range(d);
        ints.push_back(x.get<std::int64_t>());
      };
      if (v.is_array()) {
        if (v.size() != 2) fail(at, fmt::format("must be an integer or a list of two, got {}", quote(v)));
        one(v[0], at + "[0]");
        one(v[1], at + "[1]");
      } else {
        one(v, at);
      }
      return ints;
    }
  }
  fail(at, "has an unknown option type");
}

// Fills `out` from `obj`'s keys among `specs`, with the defaults of those not given; `path` is
// the object's key path. Keys outside specs (and `extra`) are errors listing the known ones.
void parse_options(const json& obj, const std::vector<OptionSpec>& specs, const std::set<std::string>& extra,
                   const std::string& path, const std::string& type, std::map<std::string, LayerValue>& out) {
  std::set<std::string> allowed = extra;
  for (const auto& o : specs) allowed.insert(o.key);
  check_keys(obj, allowed, path);
  for (const auto& o : specs) {
    if (obj.contains(o.key)) {
      out[o.key] = option_value(obj[o.key], o, join(path, o.key));
    } else if (o.required) {
      fail(path, fmt::format("a {} layer needs \"{}\"", type, o.key));
    } else {
      out[o.key] = o.default_value;
    }
  }
}

void parse_layers(const json& j, Experiment& e) {
  if (!j.is_array() || j.empty()) fail("layers", "must be a non-empty list of layers, e.g. [{\"units\": 1}]");
  for (std::size_t i = 0; i < j.size(); ++i) {
    const std::string path = fmt::format("layers[{}]", i);
    require_object(j[i], path);
    LayerSpec layer;
    if (j[i].contains("type")) layer.type = string(j[i]["type"], path + ".type");
    const LayerKind* kind = nullptr;
    try {
      kind = &layer_kind(layer.type);
    } catch (const Error& err) {
      fail(path + ".type", err.what());
    }
    parse_options(j[i], kind->shared_options(), {"type", "keras", "torch"}, path, layer.type, layer.shared);
    parse_options(j[i].contains("keras") ? j[i]["keras"] : json::object(), kind->keras_options(), {}, path + ".keras",
                  layer.type, layer.keras);
    parse_options(j[i].contains("torch") ? j[i]["torch"] : json::object(), kind->torch_options(), {}, path + ".torch",
                  layer.type, layer.torch);
    e.layers.push_back(std::move(layer));
  }
  // Shapes through the model, checked layer by layer before anything of their size exists.
  double parameters = 0;
  try {
    walk_layers(sample_shape(e.x), e.layers, false, [&](const LayerKind& kind, const LayerSpec& spec, const LayerContext& ctx) {
      parameters += kind.parameter_count(spec, ctx);
      if (parameters > static_cast<double>(kMaxParameters)) {
        const auto options = kind.shared_options();
        fail(options.empty() ? ctx.path : join(ctx.path, options.front().key),
             fmt::format("the layers up to this one have {:.0f} parameters, more than the {} allowed", parameters,
                         kMaxParameters));
      }
      e.layer_inputs.push_back(ctx.input);
      e.output_shape = kind.output_shape(spec, ctx);
    });
  } catch (const Error& err) {
    const std::string what = err.what();
    if (what.rfind("experiment: ", 0) == 0) throw;
    throw Error("experiment: " + what);
  }
  if (e.output_shape.rank() != 1) {
    fail("layers", fmt::format("the model's output per sample has shape {}; the losses need one axis of outputs (end "
                               "with a flatten, a global pooling or a dense layer)",
                               e.output_shape.str()));
  }
}

// With an embedding first, x and predict hold token ids: whole numbers in [0, input_dim), named
// by row and step when one is not (issue 16's bad input).
void check_token_ids(const Experiment& e) {
  if (e.layers.empty() || e.layers.front().type != "embedding") return;
  const std::int64_t rows = e.layers.front().integer("input_dim");
  for (const auto& [ids, path] : {std::pair{&e.x, "data.x"}, std::pair{&e.predict, "predict"}}) {
    try {
      (void)token_indices(*ids, rows, path);
    } catch (const Error& err) {
      throw Error(fmt::format("experiment: {} (layers[0] is an embedding with input_dim {})", err.what(), rows));
    }
  }
}

void parse_initial_weights(const json& j, Experiment& e) {
  if (!j.is_array()) fail("initial_weights", "must be a list with one object of weights per layer ({} for none)");
  if (j.size() != e.layers.size()) {
    fail("initial_weights", fmt::format("has {} entries for {} layers", j.size(), e.layers.size()));
  }
  std::vector<NamedWeights> weights;
  walk_layers(sample_shape(e.x), e.layers, false, [&](const LayerKind& kind, const LayerSpec& spec, const LayerContext& ctx) {
    const std::string path = fmt::format("initial_weights[{}]", ctx.index);
    const auto expected = kind.weight_shapes(spec, ctx);
    std::set<std::string> names;
    for (const auto& [name, _] : expected) names.insert(name);
    check_keys(j[ctx.index], names, path);
    NamedWeights layer;
    for (const auto& [name, shape] : expected) {
      if (!j[ctx.index].contains(name)) {
        fail(path, fmt::format("needs \"{}\" (layer {} is {} with weights {})", name, ctx.index, spec.type,
                               fmt::join(names, ", ")));
      }
      const std::string at = join(path, name);
      Tensor t = nested(j[ctx.index][name], at, 1, Shape::kMaxRank, "[[0.5], [-0.2]]");
      if (!(t.shape() == shape)) {
        fail(at, fmt::format("has shape {} but layer {} ({}) needs {} (Keras layout, see docs/experiment-format.md)",
                             t.shape().str(), ctx.index, spec.type, shape.str()));
      }
      layer.emplace_back(name, std::move(t));
    }
    weights.push_back(std::move(layer));
  });
  e.initial_weights = std::move(weights);
}

// Keys that belong to the other side, or to another place on this side: one error that says
// where they go, instead of "unknown key".
void reject_misplaced(const json& j, const std::string& path, const std::map<std::string, std::string>& hints) {
  if (!j.is_object()) return;
  for (const auto& [key, where] : hints) {
    if (j.contains(key)) fail(join(path, key), where);
  }
}

std::int64_t positive_integer(const json& j, const std::string& path) {
  const int v = integer(j, path);
  if (v <= 0) fail(path, fmt::format("must be a positive integer, got {}", v));
  return v;
}

const json& required(const json& j, const std::string& key, const std::string& path, const std::string& what) {
  if (!j.contains(key)) fail(path, fmt::format("needs \"{}\" ({})", key, what));
  return j[key];
}

// A Keras learning-rate schedule in place of a number: {"schedule": "exponential_decay", ...}.
KerasScheduleConfig parse_keras_schedule(const json& j, const std::string& path) {
  static const std::vector<std::string> kinds{"exponential_decay", "piecewise_constant_decay", "cosine_decay",
                                              "inverse_time_decay"};
  if (j.contains("name") && !j.contains("schedule")) {
    fail(path, fmt::format("a Keras schedule names its kind under \"schedule\" ({}); {{\"name\": ...}} is how a "
                           "PyTorch scheduler is written, and that goes in torch.scheduler",
                           fmt::join(kinds, ", ")));
  }
  KerasScheduleConfig c;
  c.schedule = string(required(j, "schedule", path, fmt::format("{}", fmt::join(kinds, ", "))), path + ".schedule");
  const std::string at = path + ".";
  if (c.schedule == "piecewise_constant_decay") {
    check_keys(j, {"schedule", "boundaries", "values"}, path);
    const json& b = required(j, "boundaries", path, "the steps where the rate changes");
    const json& v = required(j, "values", path, "one rate more than boundaries");
    if (!b.is_array() || b.empty()) fail(at + "boundaries", fmt::format("must be a non-empty list of steps, got {}", quote(b)));
    if (!v.is_array()) fail(at + "values", fmt::format("must be a list of learning rates, got {}", quote(v)));
    for (std::size_t i = 0; i < b.size(); ++i) {
      const std::string bi = fmt::format("{}boundaries[{}]", at, i);
      const int step = integer(b[i], bi);
      if (step < 0) fail(bi, fmt::format("must not be negative, got {}", step));
      if (i > 0 && step <= c.boundaries.back()) {
        fail(bi, fmt::format("{} does not come after {}: boundaries must increase strictly, got {}", step,
                             c.boundaries.back(), quote(b)));
      }
      c.boundaries.push_back(step);
    }
    for (std::size_t i = 0; i < v.size(); ++i) {
      c.values.push_back(positive_or_zero(v[i], fmt::format("{}values[{}]", at, i)));
    }
    if (c.values.size() != c.boundaries.size() + 1) {
      fail(at + "values", fmt::format("has {} rates for {} boundaries; it needs {} (one before the first boundary and "
                                      "one after each)",
                                      c.values.size(), c.boundaries.size(), c.boundaries.size() + 1));
    }
    return c;
  }
  if (c.schedule == "cosine_decay") {
    check_keys(j, {"schedule", "initial_learning_rate", "decay_steps", "alpha"}, path);
    if (j.contains("alpha")) {
      c.alpha = positive_or_zero(j["alpha"], at + "alpha");
      if (c.alpha > 1) fail(at + "alpha", fmt::format("must be in [0, 1] (the final fraction of the rate), got {}", quote(j["alpha"])));
    }
  } else if (c.schedule == "exponential_decay" || c.schedule == "inverse_time_decay") {
    check_keys(j, {"schedule", "initial_learning_rate", "decay_steps", "decay_rate", "staircase"}, path);
    c.decay_rate = positive_or_zero(required(j, "decay_rate", path, "the decay per decay_steps"), at + "decay_rate");
    if (j.contains("staircase")) c.staircase = boolean(j["staircase"], at + "staircase");
  } else {
    fail(at + "schedule", fmt::format("unknown schedule '{}' ({})", excerpt(c.schedule), fmt::join(kinds, ", ")));
  }
  c.initial_learning_rate =
      positive_or_zero(required(j, "initial_learning_rate", path, "the rate at step 0"), at + "initial_learning_rate");
  c.decay_steps = positive_integer(required(j, "decay_steps", path, "steps per decay period"), at + "decay_steps");
  return c;
}

// torch.scheduler: a torch.optim.lr_scheduler stepped after every epoch.
TorchSchedulerConfig parse_torch_scheduler(const json& j, const std::string& path) {
  static const std::vector<std::string> names{"step_lr", "multistep_lr", "exponential_lr"};
  require_object(j, path);
  if (j.contains("schedule")) {
    fail(join(path, "schedule"), "is how a Keras schedule is written, and that goes in keras.optimizer.learning_rate; a "
                                 "PyTorch scheduler is {\"name\": \"step_lr\" | \"multistep_lr\" | \"exponential_lr\", ...}");
  }
  TorchSchedulerConfig c;
  c.name = string(required(j, "name", path, fmt::format("{}", fmt::join(names, ", "))), path + ".name");
  const std::string at = path + ".";
  if (c.name == "step_lr") {
    check_keys(j, {"name", "step_size", "gamma"}, path);
    c.step_size = static_cast<int>(positive_integer(required(j, "step_size", path, "epochs per decay"), at + "step_size"));
  } else if (c.name == "multistep_lr") {
    check_keys(j, {"name", "milestones", "gamma"}, path);
    const json& m = required(j, "milestones", path, "the epochs where the rate drops");
    if (!m.is_array() || m.empty()) fail(at + "milestones", fmt::format("must be a non-empty list of epochs, got {}", quote(m)));
    for (std::size_t i = 0; i < m.size(); ++i) {
      const std::string mi = fmt::format("{}milestones[{}]", at, i);
      const int epoch = static_cast<int>(positive_integer(m[i], mi));
      if (i > 0 && epoch <= c.milestones.back()) {
        fail(mi, fmt::format("{} does not come after {}: milestones must increase strictly, got {}", epoch,
                             c.milestones.back(), quote(m)));
      }
      c.milestones.push_back(epoch);
    }
  } else if (c.name == "exponential_lr") {
    check_keys(j, {"name", "gamma"}, path);
    required(j, "gamma", path, "the factor per epoch");
  } else {
    fail(at + "name", fmt::format("unknown scheduler '{}' ({})", excerpt(c.name), fmt::join(names, ", ")));
  }
  if (j.contains("gamma")) c.gamma = positive_or_zero(j["gamma"], at + "gamma");
  return c;
}

// An optimiser from the front-end's own list: its name, then each option by the kind the
// descriptor gives (number, flag or pair); the front-end's constructor checks the values, with
// their wording, so no rule is repeated here.
template <typename Descriptor>
OptimizerConfig parse_optimizer(const json& o, const std::vector<Descriptor>& all, const std::string& path,
                                bool keras_side) {
  require_object(o, path);
  if (keras_side) {
    reject_misplaced(o, path, {{"clip_grad_norm", "PyTorch's clip_grad_norm_ goes in the torch section; Keras clips "
                                                  "inside the optimiser with clipnorm (per variable) or global_clipnorm"},
                               {"clip_grad_value", "PyTorch's clip_grad_value_ goes in the torch section; Keras' "
                                                   "optimiser takes clipvalue"}});
  } else {
    reject_misplaced(o, path, {{"clipnorm", "is a Keras optimiser option; PyTorch clips between backward and step: "
                                            "give torch.clip_grad_norm (max_norm)"},
                               {"global_clipnorm", "is a Keras optimiser option; PyTorch's global clip is "
                                                   "torch.clip_grad_norm (max_norm)"},
                               {"clipvalue", "is a Keras optimiser option; PyTorch's is torch.clip_grad_value"}});
  }
  std::string names;
  for (const auto& d : all) names += (names.empty() ? "" : ", ") + d.name;
  if (!o.contains("name")) fail(path, fmt::format("needs \"name\" ({})", names));
  OptimizerConfig c{string(o["name"], path + ".name"), {}, std::nullopt};
  const Descriptor* d = nullptr;
  for (const auto& candidate : all) d = candidate.name == c.name ? &candidate : d;
  if (!d) fail(path + ".name", fmt::format("unknown optimizer '{}' ({})", excerpt(c.name), names));
  std::set<std::string> allowed{"name"};
  for (const auto& f : d->fields) allowed.insert(f.key);
  check_keys(o, allowed, path);
  for (const auto& f : d->fields) {
    const std::string at = join(path, f.key);
    if (!o.contains(f.key)) {
      const auto* number = std::get_if<float>(&f.default_value);
      if (number && std::isnan(*number)) fail(at, fmt::format("is required ({} has no default)", d->class_name));
      continue;
    }
    const json& v = o[f.key];
    if (f.meanings.front() == options::Meaning::learning_rate && v.is_object()) {
      if (!keras_side) {
        fail(at, "a learning rate that changes is a scheduler on the PyTorch side: give lr as a number and "
                 "torch.scheduler {\"name\": ...} (a Keras schedule {\"schedule\": ...} goes in "
                 "keras.optimizer.learning_rate)");
      }
      c.schedule = parse_keras_schedule(v, at);
      continue;
    }
    if (std::holds_alternative<float>(f.default_value)) {
      c.given.emplace_back(f.key, positive_or_zero(v, at));
    } else if (std::holds_alternative<bool>(f.default_value)) {
      c.given.emplace_back(f.key, boolean(v, at));
    } else {
      if (!v.is_array() || v.size() != 2) fail(at, "must be a list of two numbers, e.g. [0.9, 0.999]");
      c.given.emplace_back(f.key, std::pair{positive_or_zero(v[0], at + "[0]"), positive_or_zero(v[1], at + "[1]")});
    }
  }
  try {
    d->resolve(c.given);
  } catch (const Error& e) {
    fail(path, e.what());
  }
  return c;
}

float unit_interval(const json& j, const std::string& path) {
  const double v = number(j, path);
  if (v < 0 || v > 1) fail(path, fmt::format("must be in [0, 1], got {}", quote(j)));
  return static_cast<float>(v);
}

// A list of non-negative numbers (class or column weights).
std::vector<float> weight_list(const json& j, const std::string& path) {
  if (!j.is_array() || j.empty()) fail(path, fmt::format("must be a non-empty list of numbers, got {}", quote(j)));
  std::vector<float> out;
  for (std::size_t i = 0; i < j.size(); ++i) out.push_back(positive_or_zero(j[i], fmt::format("{}[{}]", path, i)));
  return out;
}

// keras.class_weight: {"0": 1.0, "1": 3.0}, class indices as keys (JSON keys are strings).
std::map<std::int64_t, float> parse_class_weight(const json& j, const std::string& path) {
  require_object(j, path);
  if (j.empty()) fail(path, "must name at least one class, e.g. {\"0\": 1.0, \"1\": 3.0}");
  std::map<std::int64_t, float> out;
  for (const auto& [key, value] : j.items()) {
    const std::string at = join(path, key);
    std::size_t used = 0;
    long long cls = -1;
    try {
      cls = std::stoll(key, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != key.size() || key.empty() || cls < 0) {
      fail(at, fmt::format("\"{}\" is not a class index (a whole number from 0)", excerpt(key)));
    }
    out[cls] = positive_or_zero(value, at);
  }
  return out;
}

// A loss object's options from its side's table (compare/src/loss_options.cpp): an option of
// another loss is "<loss> takes no <key> (<the losses that do>)"; each value is checked by its kind.
template <typename Config>
void read_loss_options(const json& l, const std::vector<LossOption<Config>>& options, const std::string& loss,
                       const std::string& at, Config& config) {
  for (const auto& o : options) {
    if (l.contains(o.key) && !loss_takes(o, loss)) {
      fail(join(at, o.key), fmt::format("{} takes no {} ({})", excerpt(loss), o.key, losses_that_do(o.losses)));
    }
  }
  for (const auto& o : options) {
    if (!l.contains(o.key)) continue;
    const json& v = l[o.key];
    const std::string path = join(at, o.key);
    std::visit(
        [&](auto member) {
          auto& field = config.*member;
          using Field = std::decay_t<decltype(field)>;
          if constexpr (std::is_same_v<Field, float>) {
            field = o.value == LossValue::unit_interval ? unit_interval(v, path) : positive_or_zero(v, path);
          } else if constexpr (std::is_same_v<Field, bool>) {
            field = boolean(v, path);
          } else if constexpr (std::is_same_v<Field, std::string>) {
            field = string(v, path);
            if (field != "mean" && field != "sum") fail(path, fmt::format("must be \"mean\" or \"sum\", got \"{}\"", excerpt(field)));
          } else {
            field = weight_list(v, path);
          }
        },
        o.member);
  }
}

void parse_keras(const json& j, KerasConfig& k) {
  reject_misplaced(j, "keras",
                   {{"scheduler", "PyTorch's epoch schedulers go in torch.scheduler; a Keras schedule is the "
                                  "optimizer's learning_rate: {\"schedule\": \"exponential_decay\", ...}"},
                    {"clip_grad_norm", "is PyTorch's clip_grad_norm_ (torch section); Keras clips inside the "
                                       "optimizer: keras.optimizer.clipnorm or global_clipnorm"},
                    {"clip_grad_value", "is PyTorch's clip_grad_value_ (torch section); Keras' is "
                                        "keras.optimizer.clipvalue"}});
  check_keys(j, {"optimizer", "loss", "class_weight", "batch_size", "shuffle"}, "keras");
  if (j.contains("class_weight")) k.class_weight = parse_class_weight(j["class_weight"], "keras.class_weight");
  if (j.contains("optimizer")) k.optimizer = parse_optimizer(j["optimizer"], keras::optimizers::all(), "keras.optimizer", true);
  if (j.contains("loss")) {
    const auto& l = j["loss"];
    if (l.is_object()) {
      reject_misplaced(l, "keras.loss", {{"weight", "PyTorch's per-class weight; Keras weighs classes with "
                                                    "keras.class_weight (fit's class_weight)"},
                                         {"pos_weight", "is BCEWithLogitsLoss' (torch.loss.pos_weight); Keras has "
                                                        "keras.class_weight"}});
      const auto keys = keras_loss_keys();  // the loss options table (compare/src/loss_options.cpp)
      check_keys(l, std::set<std::string>(keys.begin(), keys.end()), "keras.loss");
      if (!l.contains("name")) fail("keras.loss", "needs \"name\"");
      k.loss = string(l["name"], "keras.loss.name");
      read_loss_options(l, keras_loss_options(), k.loss, "keras.loss", k);
    } else {
      k.loss = string(l, "keras.loss");
    }
    const auto& known = keras::losses::identifiers();
    if (std::find(known.begin(), known.end(), k.loss) == known.end()) {
      fail("keras.loss", fmt::format("unknown loss '{}' ({})", excerpt(k.loss), fmt::join(known, ", ")));
    }
  }
  if (j.contains("batch_size")) k.batch_size = integer(j["batch_size"], "keras.batch_size");
  if (j.contains("shuffle")) k.shuffle = boolean(j["shuffle"], "keras.shuffle");
}

void parse_torch(const json& j, TorchConfig& t) {
  reject_misplaced(j, "torch",
                   {{"clipnorm", "is Keras' per-variable clip inside the optimizer (keras.optimizer.clipnorm); "
                                 "PyTorch's is torch.clip_grad_norm"},
                    {"global_clipnorm", "is a Keras optimizer option; PyTorch's is torch.clip_grad_norm"},
                    {"clipvalue", "is a Keras optimizer option; PyTorch's is torch.clip_grad_value"}});
  check_keys(j, {"optimizer", "scheduler", "clip_grad_norm", "clip_grad_value", "loss", "batch_size", "shuffle"},
             "torch");
  if (!j.contains("optimizer")) fail("torch.optimizer", "is required (PyTorch's SGD needs lr)");
  t.optimizer = parse_optimizer(j["optimizer"], torch::optim::all(), "torch.optimizer", false);
  if (j.contains("scheduler")) t.scheduler = parse_torch_scheduler(j["scheduler"], "torch.scheduler");
  if (j.contains("clip_grad_norm")) t.clip_grad_norm = positive_or_zero(j["clip_grad_norm"], "torch.clip_grad_norm");
  if (j.contains("clip_grad_value")) t.clip_grad_value = positive_or_zero(j["clip_grad_value"], "torch.clip_grad_value");
  if (j.contains("loss")) {
    const auto& l = j["loss"];
    reject_misplaced(l, "torch.loss", {{"from_logits", "is a Keras loss option; PyTorch's bce_with_logits and "
                                                       "cross_entropy always take logits"}});
    const auto keys = torch_loss_keys();  // the loss table's keys (compare/src/torch_losses.cpp)
    check_keys(l, std::set<std::string>(keys.begin(), keys.end()), "torch.loss");
    if (!l.contains("name")) fail("torch.loss", "needs \"name\"");
    t.loss = string(l["name"], "torch.loss.name");
    const auto names = torch_loss_names();
    if (std::find(names.begin(), names.end(), t.loss) == names.end()) {
      fail("torch.loss.name", fmt::format("unknown loss '{}' ({})", excerpt(t.loss), fmt::join(names, ", ")));
    }
    read_loss_options(l, torch_loss_options(), t.loss, "torch.loss", t);
  }
  if (j.contains("batch_size")) t.batch_size = integer(j["batch_size"], "torch.batch_size");
  if (j.contains("shuffle")) t.shuffle = boolean(j["shuffle"], "torch.shuffle");
}

void require_positive_batch(const std::optional<int>& b, const std::string& path) {
  if (b && *b <= 0) fail(path, fmt::format("must be a positive integer, got {}", *b));
}

// Class and column weights against the model's outputs, and from_logits against its last layer.
void check_loss_weights(const Experiment& e) {
  const std::int64_t outputs = e.output_shape[0];
  const std::int64_t classes = outputs > 1 ? outputs : 2;  // one sigmoid output: classes 0 and 1
  for (const auto& [cls, weight] : e.keras.class_weight) {
    if (cls >= classes) {
      fail(fmt::format("keras.class_weight.{}", cls),
           fmt::format("class {} does not exist: the model has {} classes (0..{})", cls, classes, classes - 1));
    }
  }
  const auto& t = e.torch;
  if (!t.weight.empty() && static_cast<std::int64_t>(t.weight.size()) != outputs && !(t.loss != "cross_entropy" && t.weight.size() == 1)) {
    fail("torch.loss.weight", fmt::format("has {} values for {} {}", t.weight.size(), outputs,
                                          t.loss == "cross_entropy" ? "classes" : "output columns"));
  }
  if (!t.pos_weight.empty() && static_cast<std::int64_t>(t.pos_weight.size()) != outputs && t.pos_weight.size() != 1) {
    fail("torch.loss.pos_weight", fmt::format("has {} values for {} output columns", t.pos_weight.size(), outputs));
  }
  if (e.keras.from_logits) {
    const std::string last = layer_kind(e.layers.back().type).final_activation(e.layers.back());
    if (last == "softmax" || last == "sigmoid") {
      fail("keras.loss.from_logits", fmt::format("the last layer's activation is {}; with from_logits the model must "
                                                 "output logits (a linear last layer)",
                                                 last));
    }
  }
}

}  // namespace

bool Experiment::class_index_targets() const {
  // A one-column y for a multi-unit model holds class indices; so does any y with a sparse loss.
  return y.shape()[1] == 1 &&
         (output_shape[output_shape.rank() - 1] > 1 || keras.loss == "sparse_categorical_crossentropy");
}

int Experiment::keras_batch_size() const { return keras.batch_size.value_or(batch_size.value_or(32)); }
bool Experiment::keras_shuffle() const { return keras.shuffle.value_or(shuffle.value_or(true)); }
int Experiment::torch_batch_size() const {
  return torch.batch_size.value_or(batch_size.value_or(static_cast<int>(x.shape()[0])));
}
bool Experiment::torch_shuffle() const { return torch.shuffle.value_or(shuffle.value_or(false)); }

Experiment parse_experiment(const json& doc, const std::filesystem::path& base_dir) {
  check_keys(doc, {"name", "note", "data", "layers", "initial_weights", "seed", "epochs", "batch_size", "shuffle",
                   "keras", "torch", "predict"},
             "");
  Experiment e;
  for (const char* key : {"data", "layers", "epochs", "torch"}) {
    if (!doc.contains(key)) fail(key, "is required");
  }
  e.name = doc.contains("name") ? string(doc["name"], "name") : "experiment";
  if (doc.contains("note")) e.note = string(doc["note"], "note");
  parse_data(doc["data"], base_dir, e);
  parse_layers(doc["layers"], e);
  if (doc.contains("keras")) parse_keras(doc["keras"], e.keras);
  parse_torch(doc["torch"], e.torch);
  if (e.class_index_targets()) {
    const auto classes = e.output_shape[0];
    if (const auto bad = first_invalid_class_index(e.y, classes); bad >= 0) {
      fail(fmt::format("data.y[{}]", bad),
           fmt::format("class index {:g} is not a whole number in [0, {})", e.y.data()[bad], classes));
    }
  } else if (e.output_shape[0] != e.y.shape()[1]) {
    fail("layers", fmt::format("the last layer has {} units but y has {} columns per row", e.output_shape[0],
                               e.y.shape()[1]));
  }
  check_loss_weights(e);
  if (doc.contains("initial_weights") && !doc["initial_weights"].is_null()) {
    parse_initial_weights(doc["initial_weights"], e);
  }
  if (doc.contains("seed")) {
    const auto& s = doc["seed"];
    if (!s.is_number_unsigned() && !(s.is_number_integer() && s.get<std::int64_t>() >= 0)) {
      fail("seed", fmt::format("must be a non-negative integer, got {}", quote(s)));
    }
    e.seed = s.get<std::uint64_t>();
  }
  e.epochs = integer(doc["epochs"], "epochs");
  if (e.epochs < 0) fail("epochs", fmt::format("must not be negative, got {}", e.epochs));
  if (e.epochs > kMaxEpochs) fail("epochs", fmt::format("{} is more than the {} a comparison allows", e.epochs, kMaxEpochs));
  if (doc.contains("batch_size")) e.batch_size = integer(doc["batch_size"], "batch_size");
  if (doc.contains("shuffle")) e.shuffle = boolean(doc["shuffle"], "shuffle");
  require_positive_batch(e.batch_size, "batch_size");
  require_positive_batch(e.keras.batch_size, "keras.batch_size");
  require_positive_batch(e.torch.batch_size, "torch.batch_size");
  if (doc.contains("predict")) {
    e.predict = samples(doc["predict"], "predict", "[[1.0], [2.0]] (rows shaped like x's)");
    if (!(sample_shape(e.predict) == sample_shape(e.x))) {
      if (e.x.rank() == 2 && e.predict.rank() == 2) {
        fail("predict", fmt::format("rows have {} values but x has {} features", e.predict.shape()[1], e.x.shape()[1]));
      }
      fail("predict", fmt::format("rows have shape {} but x's rows have shape {}", sample_shape(e.predict).str(),
                                  sample_shape(e.x).str()));
    }
  } else {
    e.predict = e.x;
  }
  check_token_ids(e);
  return e;
}

Experiment parse_experiment_text(const std::string& text, const std::filesystem::path& base_dir) {
  return parse_experiment(parse_strict_json(text, "experiment"), base_dir);
}

Experiment load_experiment(const std::filesystem::path& path) {
  const std::string text = file_io::read_regular_file(path, kMaxExperimentFileBytes, "experiment file");
  try {
    return parse_experiment_text(text, path.parent_path());
  } catch (const Error& e) {
    throw Error(fmt::format("{}: {}", path.string(), e.what()));
  }
}

Experiment article_experiment() {
  static const char* kArticle = R"({
    "name": "article",
    "note": "y = 2x - 1 on x = -1..4, one dense unit, SGD lr 0.01, 500 epochs; Keras mean squared error vs PyTorch MSELoss(reduction='sum'), each with its own default initialisers.",
    "data": {"x": [[-1], [0], [1], [2], [3], [4]], "y": [[-3], [-1], [1], [3], [5], [7]]},
    "layers": [{"units": 1, "activation": "linear"}],
    "seed": 0, "epochs": 500,
    "keras": {"optimizer": {"name": "sgd", "learning_rate": 0.01}, "loss": "mean_squared_error"},
    "torch": {"optimizer": {"name": "sgd", "lr": 0.01}, "loss": {"name": "mse", "reduction": "sum"}},
    "predict": [[10.0]]
  })";
  return parse_experiment_text(kArticle, ".");
}

}  // namespace duet::compare
