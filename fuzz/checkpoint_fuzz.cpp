// libFuzzer target: PyTorch checkpoint files (zip archive + restricted unpickler + storages),
// through torch::load's byte form and load_state_dict. A rejected file must leave the model
// unchanged; nothing may crash, leak or allocate beyond the input's size.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "duet/core/error.h"
#include "duet/torch.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace torch = duet::torch;
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  torch::manual_seed(0);
  torch::nn::Sequential model(torch::nn::Linear(3, 4), torch::nn::ReLU(), torch::nn::Linear(4, 2));
  const auto before = model->state_dict();
  try {
    model->load_state_dict(torch::load_state_dict_bytes(bytes, "fuzz.pt"));
  } catch (const duet::Error&) {
    const auto after = model->state_dict();
    for (std::size_t i = 0; i < before.size(); ++i) {
      if (!(before[i].second.data() == after[i].second.data()).all()) std::abort();  // half-loaded
    }
  }
  return 0;
}
