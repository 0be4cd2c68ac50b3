// duet::torch's libtorch-compatible surface: factories and dtypes, module holders and options,
// named_parameters, Sequential, save/load, free functions, and PyTorch-style printing. Expected
// values are closed forms or PyTorch's documented behaviour and printed forms.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "duet/torch.h"
#include "support/test_helpers.h"

namespace duet::torch {
namespace {

using test::error_of;

std::vector<float> values(const Tensor& t) { return {t.data().begin(), t.data().end()}; }
template <typename T>
std::string printed(const BasicTensor<T>& t) {
  std::ostringstream os;
  os << t;
  return os.str();
}

TEST(Factories, TensorTakesItsDtypeFromTheLiterals) {
  EXPECT_EQ(tensor({1, 2, 3}).dtype(), kLong);
  EXPECT_EQ(tensor({1.0, 2.0}).dtype(), kFloat);
  EXPECT_EQ(tensor({true, false}).dtype(), kBool);
  EXPECT_EQ(tensor({1, 2}, kFloat).dtype(), kFloat);
  EXPECT_EQ(tensor({1.0, 2.0}, dtype(kLong)).dtype(), kLong);
  EXPECT_EQ(tensor(3.5).sizes(), Shape{});
  EXPECT_EQ(tensor(3.5).item<float>(), 3.5f);
  EXPECT_EQ(tensor({{{1.0}, {2.0}}, {{3.0}, {4.0}}}).sizes(), (Shape{2, 2, 1}));
  EXPECT_EQ(values(tensor({{1.0, 2.0}, {3.0, 4.0}})), (std::vector<float>{1, 2, 3, 4}));
  EXPECT_EQ(tensor(std::vector<float>{0.5f, 1.5f}).sizes(), (Shape{2}));
  EXPECT_EQ(tensor(std::vector<std::int64_t>{4, 5}).dtype(), kLong);
  EXPECT_TRUE(tensor({1.0}, requires_grad()).requires_grad());
  EXPECT_EQ(error_of([] { tensor({{1.0, 2.0}, {3.0}}); }),
            "tensor: expected all sub-lists to have sizes [2], but sub-list 1 has sizes [1]");
  EXPECT_NE(error_of([] { tensor({1.0}, kFloat64); }).find("duet::Tensor64"), std::string::npos);
  EXPECT_NE(error_of([] { tensor({1, 2}, requires_grad()); }).find("floating point dtype"), std::string::npos);
}

TEST(Factories, FilledAndRanges) {
  EXPECT_EQ(values(zeros({2, 2})), (std::vector<float>{0, 0, 0, 0}));
  EXPECT_EQ(ones({3}, kLong).dtype(), kLong);
  EXPECT_EQ(values(full({2}, 7.5)), (std::vector<float>{7.5f, 7.5f}));
  EXPECT_EQ(values(arange(5)), (std::vector<float>{0, 1, 2, 3, 4}));
  EXPECT_EQ(arange(5).dtype(), kLong);
  EXPECT_EQ(values(arange(0.0, 1.0, 0.25)), (std::vector<float>{0, 0.25f, 0.5f, 0.75f}));
  EXPECT_EQ(arange(0.0, 1.0, 0.25).dtype(), kFloat);
  EXPECT_EQ(values(arange(1, 10, 4)), (std::vector<float>{1, 5, 9}));
  EXPECT_EQ(values(linspace(0, 1, 5)), (std::vector<float>{0, 0.25f, 0.5f, 0.75f, 1}));
  const Tensor x = linspace(-M_PI, M_PI, 2000);  // both ends exact, as PyTorch's two-sided formula
  EXPECT_EQ(x.index({0}).item<float>(), static_cast<float>(-M_PI));
  EXPECT_EQ(x.index({-1}).item<float>(), static_cast<float>(M_PI));
  const Tensor i = tensor({1, 2});
  EXPECT_EQ(zeros_like(i).dtype(), kLong);
  EXPECT_EQ(values(ones_like(i, kFloat)), (std::vector<float>{1, 1}));
  EXPECT_EQ(values(full_like(zeros({2, 1}), 3)), (std::vector<float>{3, 3}));
  EXPECT_EQ(rand_like(zeros({4, 2})).sizes(), (Shape{4, 2}));
}

TEST(Factories, RandomDrawsAreSeededAndDistributed) {
  manual_seed(7);
  const Tensor a = rand({1000});
  manual_seed(7);
  EXPECT_TRUE(a.equal(rand({1000})));
  EXPECT_GE(a.min().item<float>(), 0.0f);
  EXPECT_LT(a.max().item<float>(), 1.0f);
  EXPECT_NEAR(a.mean().item<float>(), 0.5f, 0.03f);  // sd of the mean: 0.29 / sqrt(1000) = 0.009
  const Tensor n = randn({10000});
  EXPECT_NEAR(n.mean().item<float>(), 0.0f, 0.04f);  // sd 0.01
  EXPECT_NEAR((n * n).mean().sqrt().item<float>(), 1.0f, 0.04f);
  const Tensor r = randint(3, 6, {1000});
  EXPECT_EQ(r.dtype(), kLong);
  EXPECT_EQ(r.min().item<std::int64_t>(), 3);
  EXPECT_EQ(r.max().item<std::int64_t>(), 5);
  EXPECT_NE(error_of([] { randn({2}, kLong); }).find("did you mean torch::randint"), std::string::npos);
}

TEST(Factories, FromBlobCopiesTheMemory) {
  std::vector<float> v{1, 2, 3, 4, 5, 6};
  const Tensor t = from_blob(v.data(), {2, 3});
  v[0] = 100;  // Duet copied the values; the tensor does not see later writes
  EXPECT_EQ(values(t), (std::vector<float>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(t.sizes(), (Shape{2, 3}));
  std::vector<std::int64_t> ids{3, 1, 4};
  EXPECT_EQ(values(from_blob(ids.data(), {3}, kLong)), (std::vector<float>{3, 1, 4}));
  bool flags[2] = {true, false};
  EXPECT_EQ(from_blob(flags, {2}, kBool).dtype(), kBool);
}

TEST(Functions, JoinAndReduce) {
  const Tensor a = tensor({{1.0, 2.0}}), b = tensor({{3.0, 4.0}});
  EXPECT_EQ(values(duet::torch::cat({a, b}, 0)), (std::vector<float>{1, 2, 3, 4}));
  EXPECT_EQ(duet::torch::cat({a, b}, 1).sizes(), (Shape{1, 4}));
  EXPECT_EQ(stack({a, b}, 0).sizes(), (Shape{2, 1, 2}));
  EXPECT_EQ(values(stack({a, b}, -1)), (std::vector<float>{1, 3, 2, 4}));
  const auto [v, i] = duet::torch::max(tensor({{1.0, 9.0}, {8.0, 2.0}}), 1);
  EXPECT_EQ(values(v), (std::vector<float>{9, 8}));
  EXPECT_EQ(values(i), (std::vector<float>{1, 0}));
  EXPECT_EQ(values(addmm(tensor({10.0}), tensor({{1.0, 2.0}}), tensor({{3.0}, {4.0}}))), (std::vector<float>{21}));
  EXPECT_NE(error_of([&] { stack({a, tensor({1.0})}); }).find("equal size"), std::string::npos);
}

class SquareImpl : public nn::Module {
 public:
  // libtorch style: forward takes its Tensor by value and is not an override.
  Tensor forward(Tensor x) { return x * x; }
};
TORCH_MODULE(Square);

TEST(Holders, ShareTheirModule) {
  nn::Linear a(2, 1);
  nn::Linear b = a;  // a copy of the handle
  EXPECT_TRUE(b->weight.same_as(a->weight));
  EXPECT_EQ(a(zeros({4, 2})).sizes(), (Shape{4, 1}));
  nn::Linear empty{nullptr};
  EXPECT_FALSE(static_cast<bool>(empty));
  EXPECT_NE(error_of([&] { empty->forward(zeros({1, 2})); }).find("Accessing empty ModuleHolder"), std::string::npos);
  EXPECT_EQ(nn::Linear(nn::LinearOptions(3, 2).bias(false))->parameters().size(), 1u);
  Square sq;
  EXPECT_EQ(values(sq(tensor({3.0}))), (std::vector<float>{9}));
  EXPECT_EQ(sq->type_name(), "Square");  // the holder's name, not SquareImpl
}

TEST(Holders, RegisterModuleKeepsTheChildAlive) {
  struct Parent : nn::Module {
    Parent() { fc = register_module("fc", nn::Linear(1, 1)); }
    nn::Linear fc{nullptr};
  };
  nn::Linear kept{nullptr};
  {
    Parent p;
    kept = p.fc;
    EXPECT_TRUE(p.named_parameters()["fc.weight"].same_as(kept->weight));
  }
  EXPECT_EQ(kept->weight.sizes(), (Shape{1, 1}));  // the parent is gone; the layer is not
}

TEST(Sequential, HoldersUserModulesAndIndexing) {
  nn::Sequential seq(nn::Linear(3, 1), nn::Flatten(nn::FlattenOptions().start_dim(0).end_dim(1)));
  EXPECT_EQ(seq->forward(ones({5, 3})).sizes(), (Shape{5}));
  EXPECT_NE(seq[0]->as<nn::Linear>(), nullptr);
  EXPECT_EQ(seq[1]->as<nn::Linear>(), nullptr);
  EXPECT_EQ(seq->at<nn::LinearImpl>(0).in_features(), 3);
  nn::Sequential user;
  user->push_back(Square());
  user->push_back(std::make_shared<SquareImpl>());
  EXPECT_EQ(values(user(tensor({2.0}))), (std::vector<float>{16}));  // (2^2)^2 through the user forward
  EXPECT_NE(error_of([&] { seq[2]; }).find("index 2 is out of range for 2 modules"), std::string::npos);
}

TEST(Options, BuildersMatchTheStringForms) {
  const Tensor p = tensor({{1.0}, {2.0}}), y = tensor({{0.0}, {0.0}});
  EXPECT_FLOAT_EQ(nn::MSELoss(nn::MSELossOptions().reduction(kSum))(p, y).item<float>(), 5.0f);
  EXPECT_FLOAT_EQ(nn::MSELoss(kSum)(p, y).item<float>(), nn::MSELoss("sum")(p, y).item<float>());
  EXPECT_FLOAT_EQ(nn::MSELoss()(p, y).item<float>(), 2.5f);
  EXPECT_EQ(nn::MSELoss(kNone)(p, y).sizes(), (Shape{2, 1}));
  // Huber(delta=2) on d = 1, 2: 0.5 + 2, summed
  EXPECT_FLOAT_EQ(nn::HuberLoss(nn::HuberLossOptions().reduction(kSum).delta(2))(p, y).item<float>(), 2.5f);
  EXPECT_EQ(nn::FlattenOptions().start_dim(), 1);
  EXPECT_EQ(nn::FlattenOptions().start_dim(0).end_dim(1).end_dim(), 1);
  EXPECT_EQ(nn::Flatten()->extra_repr(), "start_dim=1, end_dim=-1");
  EXPECT_DOUBLE_EQ(nn::Dropout(0.2)->options.p(), 0.2);
}

TEST(NamedParameters, AreADictInRegistrationOrder) {
  nn::Sequential seq(nn::Linear(2, 3), nn::ReLU(), nn::Linear(3, 1));
  const auto params = seq->named_parameters();
  EXPECT_EQ(params.keys(), (std::vector<std::string>{"0.weight", "0.bias", "2.weight", "2.bias"}));
  EXPECT_EQ(params["2.weight"].sizes(), (Shape{1, 3}));
  EXPECT_EQ(params[1].key(), "0.bias");
  EXPECT_TRUE(params.contains("0.bias"));
  EXPECT_EQ(params.find("1.weight"), nullptr);
  EXPECT_EQ(error_of([&] { params["1.weight"]; }), "OrderedDict: Key '1.weight' is not defined");
  std::size_t n = 0;
  for (const auto& [name, p] : params) n += name.empty() ? 0 : static_cast<std::size_t>(p.numel());
  EXPECT_EQ(n, 6u + 3u + 3u + 1u);
}

TEST(SaveLoad, ModulesAndTensorsRoundTrip) {
  test::TempDir dir("duet_torch_api");
  manual_seed(1);
  auto a = std::make_shared<nn::SequentialImpl>(nn::Linear(2, 2), nn::Tanh());
  nn::Sequential b(nn::Linear(2, 2), nn::Tanh());
  save(a, dir / "a.pt");
  load(b, dir / "a.pt");
  for (const auto& item : a->named_parameters()) EXPECT_TRUE(item.value().equal(b->named_parameters()[item.key()]));
  nn::Linear wrong(3, 2);
  EXPECT_NE(error_of([&] { load(wrong, dir / "a.pt"); }).find("Missing key(s) in state_dict"), std::string::npos);
  const Tensor ids = tensor({4, 2, 7});
  save(ids, dir / "ids.pt");
  Tensor back;
  load(back, dir / "ids.pt");
  EXPECT_EQ(back.dtype(), kLong);
  EXPECT_TRUE(back.equal(ids));
}

TEST(Printing, TensorsLookLikePyTorchs) {
  EXPECT_EQ(printed(tensor({{1.0, 2.0}, {3.0, 4.0}})), "tensor([[1., 2.],\n        [3., 4.]])");
  EXPECT_EQ(printed(tensor({0.5, 1.25})), "tensor([0.5000, 1.2500])");
  EXPECT_EQ(printed(tensor({-0.5, 10.0})), "tensor([-0.5000, 10.0000])");
  EXPECT_EQ(printed(tensor({1, 2, 3})), "tensor([1, 2, 3])");
  EXPECT_EQ(printed(tensor({true, false})), "tensor([ True, False])");
  EXPECT_EQ(printed(tensor({1e-5, 1.0})), "tensor([1.0000e-05, 1.0000e+00])");
  EXPECT_EQ(printed(tensor(3.5)), "tensor(3.5000)");
  EXPECT_EQ(printed(tensor({0.0, NAN})), "tensor([0., nan])");
  EXPECT_EQ(printed(zeros({2}, requires_grad())), "tensor([0., 0.], requires_grad=True)");
  EXPECT_EQ(printed(ones({2}, requires_grad()) * 2), "tensor([2., 2.], grad_fn=<MulBackward0>)");
  EXPECT_EQ(printed(arange(8.0).reshape({2, 2, 2})),
            "tensor([[[0., 1.],\n         [2., 3.]],\n\n        [[4., 5.],\n         [6., 7.]]])");
  EXPECT_EQ(printed(arange(30.0)),
            "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n"
            "        14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25., 26., 27.,\n"
            "        28., 29.])");
  // Over 1000 elements the middle is elided; the format comes from the shown values.
  EXPECT_EQ(printed(arange(1001.0)), "tensor([   0.,    1.,    2.,  ...,  998.,  999., 1000.])");
  EXPECT_EQ(printed(arange(2000.0)),  // 1999 / 1 > 1000: scientific, 6 per line
            "tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n"
            "        1.9990e+03])");
  EXPECT_EQ(printed(zeros({0})), "tensor([])");
  EXPECT_EQ(printed(Tensor64::from_data({1}, {0.5})), "tensor([0.5000], dtype=torch.float64)");
}

TEST(Printing, FmtFormatsTensorsShapesAndModules) {
  const Tensor x = tensor({{1.0, 2.0}});
  EXPECT_EQ(fmt::format("{}", x), "tensor([[1., 2.]])");
  EXPECT_EQ(fmt::format("{}", x.sizes()), "[1, 2]");
  EXPECT_EQ(fmt::format("{}", x.dtype()), "Float");
  nn::Linear fc(2, 1);
  EXPECT_EQ(fmt::format("{}", fc), "Linear(in_features=2, out_features=1, bias=True)");
  EXPECT_EQ(fmt::format("{}", *fc), "Linear(in_features=2, out_features=1, bias=True)");
  nn::Sequential seq(nn::Linear(1, 1), nn::Flatten(nn::FlattenOptions().start_dim(0).end_dim(1)));
  std::ostringstream os;
  os << seq;
  EXPECT_EQ(os.str(),
            "Sequential(\n  (0): Linear(in_features=1, out_features=1, bias=True)\n"
            "  (1): Flatten(start_dim=0, end_dim=1)\n)");
}

}  // namespace
}  // namespace duet::torch
