// TensorFlow.js layers for the activations of issue 15, with Keras 3's function defaults, for
// gen_keras.mjs (one-line hook). tfjs' own names: gelu (exact, with erf), swish (x sigmoid(x)),
// elu, selu, softplus. leaky_relu has no activation string in tfjs: a LeakyReLU layer with
// alpha 0.2 (keras.activations.leaky_relu's default, not the layer's 0.3) follows the Dense.
// hard_sigmoid: tfjs computes clip(0.2 x + 0.5, 0, 1) (Keras 2), not Keras 3's relu6(x + 3) / 6,
// so no golden is written here; gen_keras_rules.py supplies it.
export const NOT_KERAS3 = new Set(['hard_sigmoid']);

const TFJS_NAMES = { elu: 'elu', selu: 'selu', gelu: 'gelu', softplus: 'softplus', swish: 'swish', silu: 'swish' };

// The tfjs layers for one Dense layer of the scenario (cfg: units, inputShape, activation).
export function denseLayers(tf, cfg) {
  const act = cfg.activation;
  if (act === 'leaky_relu') {
    return [tf.layers.dense({ ...cfg, activation: 'linear' }), tf.layers.leakyReLU({ alpha: 0.2 })];
  }
  return [tf.layers.dense({ ...cfg, activation: TFJS_NAMES[act] ?? act })];
}
