// libFuzzer target: the torch_like state loader (torch::load + load_state_dict) on arbitrary
// file contents. A rejected file must leave the model unchanged.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

#include "duet/core/error.h"
#include "duet/torch.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace torch = duet::torch;
  static const std::string path = "/tmp/duet_state_fuzz_" + std::to_string(::getpid()) + ".pt";
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  torch::manual_seed(0);
  torch::nn::Sequential model(torch::nn::Linear(2, 3), torch::nn::Linear(3, 1));
  const auto before = model->state_dict();
  try {
    model->load_state_dict(torch::load(path));
  } catch (const duet::Error&) {
    const auto after = model->state_dict();
    for (std::size_t i = 0; i < before.size(); ++i) {
      if (!(before[i].second.data() == after[i].second.data()).all()) std::abort();  // half-loaded
    }
  }
  return 0;
}
