#include "duet/torch/optim/registry.h"

#include <type_traits>
#include <utility>

#include "duet/torch/optim/adagrad.h"
#include "duet/torch/optim/adam.h"
#include "duet/torch/optim/rmsprop.h"
#include "duet/torch/optim/sgd.h"

namespace duet::torch::optim {

namespace {
template <typename Opt>
Descriptor describe(std::string name) {
  return options::describe<std::unique_ptr<Optimizer>, typename Opt::Options, typename Opt::Rule, std::vector<Tensor>>(
      std::move(name), [](const typename Opt::Options& o, std::vector<Tensor> params) -> std::unique_ptr<Optimizer> {
        return std::make_unique<Opt>(std::move(params), o);
      });
}
}  // namespace

const std::vector<Descriptor>& all() {
  static const std::vector<Descriptor> list{describe<SGD>("sgd"), describe<Adam>("adam"), describe<AdamW>("adamw"),
                                            describe<RMSprop>("rmsprop"), describe<Adagrad>("adagrad")};
  return list;
}

}  // namespace duet::torch::optim
