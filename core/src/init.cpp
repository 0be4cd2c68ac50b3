#include "duet/core/init.h"

#include <fmt/format.h>

#include <Eigen/QR>

#include <algorithm>
#include <cmath>

#include "duet/core/error.h"

namespace duet::init {

namespace {
// The stddev of a unit normal truncated to [-2, 2]; Keras divides by it so the truncated
// draw keeps the intended variance (keras/src/initializers/random_initializers.py).
constexpr float kTruncatedStdCorrection = 0.87962566103423978f;

void require_fan(std::int64_t fan, const char* name) {
  if (fan <= 0) throw Error(fmt::format("{}: fan must be positive, got {}", name, fan));
}
}  // namespace

Tensor zeros(const Shape& shape) { return Tensor::zeros(shape); }
Tensor ones(const Shape& shape) { return Tensor::ones(shape); }
Tensor constant(const Shape& shape, float value) { return Tensor::full(shape, value); }

Tensor uniform(const Shape& shape, float low, float high, Generator& gen) {
  if (!(low <= high)) throw Error(fmt::format("uniform: low {:g} must not exceed high {:g}", low, high));
  Tensor::Array v(shape.numel());
  for (Eigen::Index i = 0; i < v.size(); ++i) v[i] = gen.uniform(low, high);
  return Tensor::from_array(shape, std::move(v));
}

Tensor normal(const Shape& shape, float mean, float stddev, Generator& gen) {
  Tensor::Array v(shape.numel());
  for (Eigen::Index i = 0; i < v.size(); ++i) v[i] = static_cast<float>(mean + stddev * gen.normal());
  return Tensor::from_array(shape, std::move(v));
}

Tensor truncated_normal(const Shape& shape, float mean, float stddev, Generator& gen) {
  Tensor::Array v(shape.numel());
  for (Eigen::Index i = 0; i < v.size(); ++i) {
    double z;
    do z = gen.normal(); while (std::abs(z) > 2.0);
    v[i] = static_cast<float>(mean + stddev * z);
  }
  return Tensor::from_array(shape, std::move(v));
}

Tensor glorot_uniform(const Shape& shape, Fans fans, Generator& gen, float gain) {
  require_fan(fans.fan_in + fans.fan_out, "glorot_uniform");
  const float limit = gain * std::sqrt(6.0f / static_cast<float>(fans.fan_in + fans.fan_out));
  return uniform(shape, -limit, limit, gen);
}

Tensor glorot_normal_truncated(const Shape& shape, Fans fans, Generator& gen) {
  require_fan(fans.fan_in + fans.fan_out, "glorot_normal");
  const float stddev = std::sqrt(2.0f / static_cast<float>(fans.fan_in + fans.fan_out)) / kTruncatedStdCorrection;
  return truncated_normal(shape, 0.0f, stddev, gen);
}

Tensor xavier_normal(const Shape& shape, Fans fans, Generator& gen, float gain) {
  require_fan(fans.fan_in + fans.fan_out, "xavier_normal");
  return normal(shape, 0.0f, gain * std::sqrt(2.0f / static_cast<float>(fans.fan_in + fans.fan_out)), gen);
}

namespace {
float leaky_relu_gain(float a) { return std::sqrt(2.0f / (1.0f + a * a)); }
}  // namespace

Tensor kaiming_uniform(const Shape& shape, std::int64_t fan, float a, Generator& gen) {
  require_fan(fan, "kaiming_uniform");
  const float bound = leaky_relu_gain(a) * std::sqrt(3.0f / static_cast<float>(fan));
  return uniform(shape, -bound, bound, gen);
}

Tensor kaiming_normal(const Shape& shape, std::int64_t fan, float a, Generator& gen) {
  require_fan(fan, "kaiming_normal");
  return normal(shape, 0.0f, leaky_relu_gain(a) / std::sqrt(static_cast<float>(fan)), gen);
}

Tensor he_uniform(const Shape& shape, Fans fans, Generator& gen) {
  require_fan(fans.fan_in, "he_uniform");
  const float limit = std::sqrt(6.0f / static_cast<float>(fans.fan_in));
  return uniform(shape, -limit, limit, gen);
}

Tensor he_normal(const Shape& shape, Fans fans, Generator& gen) {
  require_fan(fans.fan_in, "he_normal");
  return truncated_normal(shape, 0.0f, std::sqrt(2.0f / static_cast<float>(fans.fan_in)) / kTruncatedStdCorrection, gen);
}

Tensor lecun_uniform(const Shape& shape, Fans fans, Generator& gen) {
  require_fan(fans.fan_in, "lecun_uniform");
  const float limit = std::sqrt(3.0f / static_cast<float>(fans.fan_in));
  return uniform(shape, -limit, limit, gen);
}

Tensor lecun_normal(const Shape& shape, Fans fans, Generator& gen) {
  require_fan(fans.fan_in, "lecun_normal");
  return truncated_normal(shape, 0.0f, std::sqrt(1.0f / static_cast<float>(fans.fan_in)) / kTruncatedStdCorrection, gen);
}

Tensor orthogonal(const Shape& shape, Generator& gen, float gain) {
  if (shape.rank() < 2) {
    throw Error(fmt::format("orthogonal: the tensor to initialize must be at least two-dimensional, got shape {}",
                            shape.str()));
  }
  const std::int64_t cols = shape[shape.rank() - 1], rows = shape.numel() / std::max<std::int64_t>(cols, 1);
  const std::int64_t tall = std::max(rows, cols), narrow = std::min(rows, cols);
  using Matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  Matrix a(tall, narrow);
  for (Eigen::Index i = 0; i < a.size(); ++i) a.data()[i] = gen.normal();  // row-major draw order
  const Eigen::HouseholderQR<Matrix> qr(a);
  Matrix q = qr.householderQ() * Matrix::Identity(tall, narrow);  // the thin Q: [tall, narrow]
  const Matrix r = qr.matrixQR().topRows(narrow).triangularView<Eigen::Upper>();
  // q *= sign(diag(r)): column j by the sign of r[j, j] (sign(0) = 0, as ops.sign / torch.sign).
  for (Eigen::Index j = 0; j < narrow; ++j) {
    const double d = r(j, j);
    q.col(j) *= static_cast<double>((d > 0) - (d < 0));
  }
  if (rows < cols) q.transposeInPlace();
  Tensor::Array v(shape.numel());
  for (Eigen::Index i = 0; i < v.size(); ++i) v[i] = static_cast<float>(gain * q.data()[i]);
  return Tensor::from_array(shape, std::move(v));
}

}  // namespace duet::init
