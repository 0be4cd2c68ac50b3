// Writes a state_dict with Duet's torch::save and a JSON of what it holds (values, an input and
// Duet's predictions for it), for tests/torch/pytorch_loads_duet.py to load with real PyTorch.
// Usage: checkpoint_for_pytorch OUT_DIR
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "duet/torch.h"

int main(int argc, char** argv) {
  namespace torch = duet::torch;
  namespace nn = torch::nn;
  if (argc != 2) {
    std::fprintf(stderr, "usage: checkpoint_for_pytorch OUT_DIR\n");
    return 2;
  }
  const std::filesystem::path out(argv[1]);
  std::filesystem::create_directories(out);
  torch::manual_seed(5);
  nn::Sequential model(nn::Linear(3, 4), nn::ReLU(), nn::Linear(4, 2));
  torch::save(model, out / "duet_mlp.pt");

  auto state = model->state_dict();
  state.emplace_back("steps", duet::Tensor::from_rows({{3, 16777216}}).to(torch::kLong));
  state.emplace_back("mask", duet::Tensor::from_rows({{1, 0, 1}}).to(torch::kBool));
  torch::save(state, out / "duet_mixed.pt");

  const auto x = duet::Tensor::from_rows({{0.5f, -1.0f, 2.0f}, {1.5f, 0.25f, -0.75f}});
  nlohmann::ordered_json j;
  for (const auto& [name, t] : state) {
    std::vector<double> values(t.data().begin(), t.data().end());
    j["state"][name] = {{"shape", t.shape().vec()}, {"dtype", duet::dtype_name(t.dtype())}, {"values", values}};
  }
  j["x"] = x.to_rows();
  j["y"] = model->forward(x).to_rows();
  std::ofstream(out / "duet_values.json") << j.dump(1) << "\n";
  return 0;
}
