// keras_conv.mjs' normalisation and activation layers (experiment format v2, issue 15) in
// TensorFlow.js: BatchNormalization(axis=-1) and LayerNormalization(axis=-1) with Keras' defaults
// (momentum 0.99, epsilon 1e-3) unless the layer's "keras" section says otherwise, and Activation.
// tfjs' batch normalisation is Keras': the moving statistics are updated with the biased batch
// variance, moving = moving * momentum + batch * (1 - momentum), and fit() trains in training
// mode while predict() uses the moving statistics. Hooks in keras_conv.mjs.
export const KINDS = new Set(['batch_norm', 'layer_norm', 'activation']);

export function layerOf(tf, l, common) {
  const opts = l.keras ?? {};
  switch (l.type) {
    case 'batch_norm':
      return tf.layers.batchNormalization({ ...common, axis: -1, momentum: opts.momentum ?? 0.99, epsilon: opts.epsilon ?? 1e-3 });
    case 'layer_norm':
      return tf.layers.layerNormalization({ ...common, axis: -1, epsilon: opts.epsilon ?? 1e-3 });
    case 'activation':
      return tf.layers.activation({ ...common, activation: l.activation });
    default:
      return null;
  }
}

// The Keras variable names of a layer, in tfjs' (and Keras') weight order.
export function weightNames(l) {
  if (l.type === 'batch_norm') return ['gamma', 'beta', 'moving_mean', 'moving_variance'];
  if (l.type === 'layer_norm') return ['gamma', 'beta'];
  return ['kernel', 'bias'];
}
