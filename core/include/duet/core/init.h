/// @file
/// Weight initialisers: pure functions of a shape, the fans and a generator. Registering a
/// parameter and initialising it are separate steps; each front-end picks its framework's
/// default here and passes its own fans (Keras kernels are [in, out], PyTorch weights [out, in]).
#pragma once

#include <cstdint>

#include "duet/core/random.h"
#include "duet/core/tensor.h"

namespace duet::init {

struct Fans {
  std::int64_t fan_in = 1;
  std::int64_t fan_out = 1;
};

Tensor zeros(const Shape& shape);
Tensor ones(const Shape& shape);
Tensor constant(const Shape& shape, float value);
Tensor uniform(const Shape& shape, float low, float high, Generator& gen);
Tensor normal(const Shape& shape, float mean, float stddev, Generator& gen);
/// Normal, values beyond two standard deviations redrawn (Keras' TruncatedNormal).
Tensor truncated_normal(const Shape& shape, float mean, float stddev, Generator& gen);

/// Glorot/Xavier (Glorot & Bengio 2010): limit = gain * sqrt(6 / (fan_in + fan_out)).
Tensor glorot_uniform(const Shape& shape, Fans fans, Generator& gen, float gain = 1.0f);
/// Keras' glorot_normal draws truncated normal with stddev sqrt(2 / (fan_in + fan_out)) / 0.8796;
/// PyTorch's xavier_normal_ plain normal with gain * sqrt(2 / (fan_in + fan_out)).
Tensor glorot_normal_truncated(const Shape& shape, Fans fans, Generator& gen);
Tensor xavier_normal(const Shape& shape, Fans fans, Generator& gen, float gain = 1.0f);

/// He/Kaiming (He et al. 2015) for a leaky-relu slope `a` (PyTorch's kaiming_*_ with
/// nonlinearity leaky_relu): gain = sqrt(2 / (1 + a^2)), bound = gain * sqrt(3 / fan).
/// PyTorch's nn.Linear uses kaiming_uniform with a = sqrt(5) on fan_in, i.e. bound 1/sqrt(fan_in).
Tensor kaiming_uniform(const Shape& shape, std::int64_t fan, float a, Generator& gen);
Tensor kaiming_normal(const Shape& shape, std::int64_t fan, float a, Generator& gen);
/// Keras' he_uniform (limit sqrt(6 / fan_in)) and he_normal (truncated, sqrt(2 / fan_in) / 0.8796).
Tensor he_uniform(const Shape& shape, Fans fans, Generator& gen);
Tensor he_normal(const Shape& shape, Fans fans, Generator& gen);
/// Keras' lecun_uniform (limit sqrt(3 / fan_in)) and lecun_normal (truncated, sqrt(1 / fan_in) / 0.8796).
Tensor lecun_uniform(const Shape& shape, Fans fans, Generator& gen);
Tensor lecun_normal(const Shape& shape, Fans fans, Generator& gen);

/// An orthogonal matrix (Saxe et al. 2014), both frameworks' algorithm: `shape` read as
/// [rows = product of all but the last dim, cols = last dim]; a standard normal matrix
/// [max(rows, cols), min(rows, cols)] is QR-factorised, each column of Q multiplied by the sign of
/// R's diagonal entry (so Q is uniformly distributed, not biased by the factorisation), Q transposed
/// when rows < cols, times `gain`. Keras 3 keras/src/initializers/random_initializers.py Orthogonal;
/// PyTorch torch/nn/init.py orthogonal_. Needs rank >= 2.
Tensor orthogonal(const Shape& shape, Generator& gen, float gain = 1.0f);

}  // namespace duet::init
