// Links only Duet::torch from an installed Duet, as a PyTorch C++ user would. Every optimiser
// (stateful ones included: their per-parameter state is allocated inside the library and freed
// in this program, which is where a flag-dependent Eigen layout used to corrupt the heap), a
// scheduler, a DataLoader over a temporary dataset, and a state_dict round trip through a file.
#include <duet/torch.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

namespace torch = duet::torch;

namespace {

const auto kX = torch::tensor({{-1.0}, {0.0}, {1.0}, {2.0}, {3.0}, {4.0}});
const auto kY = torch::tensor({{-3.0}, {-1.0}, {1.0}, {3.0}, {5.0}, {7.0}});

float predict_at_10(torch::nn::Linear model) {
  torch::NoGradGuard no_grad;
  return model(torch::tensor({{10.0}})).item();
}

// Trains y = 2x - 1 with the given optimiser and reports whether it learned (19 at x = 10).
bool learns(const std::string& name, torch::nn::Linear model, torch::optim::Optimizer& optimizer, int epochs) {
  torch::nn::MSELoss criterion;
  for (int epoch = 0; epoch < epochs; ++epoch) {
    auto loss = criterion(model(kX), kY);
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
  }
  const float p = predict_at_10(model);
  std::printf("torch consumer %-14s %.4f\n", name.c_str(), p);
  return std::abs(p - 19.0f) < 0.1f;
}

template <typename Optimizer, typename Options>
bool learns_with(const std::string& name, Options options, int epochs) {
  torch::manual_seed(0);
  torch::nn::Linear model(1, 1);
  Optimizer optimizer(model->parameters(), options);
  return learns(name, model, optimizer, epochs);
}

bool learns_from_loader_and_round_trips() {
  namespace data = torch::utils::data;
  torch::manual_seed(0);
  torch::nn::Linear model(1, 1);
  torch::nn::MSELoss criterion;
  torch::optim::Adam optimizer(model->parameters(), {.lr = 0.1f});
  torch::optim::lr_scheduler::StepLR scheduler(optimizer, 200, 0.5f);
  // The dataset is a temporary: the loader must own (or share) it.
  data::DataLoader loader(data::TensorDataset(kX, kY), {.batch_size = 2, .shuffle = true});
  for (int epoch = 0; epoch < 600; ++epoch) {
    for (const auto& [xb, yb] : loader) {
      auto loss = criterion(model(xb), yb);
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
    }
    scheduler.step();
  }
  const auto path = std::filesystem::temp_directory_path() / "duet_torch_consumer.pt";
  torch::save(model, path);
  torch::nn::Linear restored(1, 1);
  torch::load(restored, path);
  std::filesystem::remove(path);
  const float trained = predict_at_10(model), loaded = predict_at_10(restored);
  std::printf("torch consumer %-14s %.4f (loaded %.4f)\n", "loader+Adam", trained, loaded);
  return std::abs(trained - 19.0f) < 0.1f && trained == loaded;
}

}  // namespace

int main() {
  namespace optim = torch::optim;
  bool ok = true;
  // libtorch's builders and Duet's designated initialisers, side by side.
  ok &= learns_with<optim::SGD>("SGD", optim::SGDFields{.lr = 0.05f}, 500);
  ok &= learns_with<optim::SGD>("SGD momentum", optim::SGDOptions(0.01).momentum(0.9).nesterov(true), 500);
  ok &= learns_with<optim::Adam>("Adam", optim::AdamOptions(0.1).amsgrad(true), 1000);
  ok &= learns_with<optim::AdamW>("AdamW", optim::AdamWFields{.lr = 0.1f, .weight_decay = 0.0f}, 1000);
  ok &= learns_with<optim::RMSprop>("RMSprop", optim::RMSpropOptions(0.01).momentum(0.5).centered(true), 1500);
  ok &= learns_with<optim::Adagrad>("Adagrad", optim::AdagradOptions(0.5), 1500);
  ok &= learns_from_loader_and_round_trips();
  return ok ? 0 : 1;
}
