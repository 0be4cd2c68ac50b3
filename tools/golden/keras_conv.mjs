// gen_keras.mjs' convolutional models (experiment format v2) in TensorFlow.js' layers API: conv1d /
// conv2d, 1-D and 2-D max and average pooling, global pooling, flatten, dense; data and kernels
// in Keras' layout (channels last, HWIO), as Keras 3 keeps them.
//
// Where tfjs is checked against Keras here: 'same' padding (TensorFlow's formula, odd pixel
// after), 'same' average pooling (divides by the valid cells) and max pooling's gradient on ties
// (the first maximum) are tfjs-core's CPU kernels, which follow TensorFlow's; the layer names,
// defaults (strides = pool_size, padding 'valid', use_bias true) and weight order (kernel, bias)
// are Keras'. One departure from TensorFlow: tfjs' gradient of 'same' average pooling divides
// every window by its full size (tfjs-backend-cpu avgPoolBackprop: 1 / (filterHeight *
// filterWidth)), while its forward pass, and TensorFlow's forward and AvgPoolGrad, divide by the
// cells inside the input; so no golden uses 'same' average pooling (make_conv_scenarios.py).
import * as tf from '@tensorflow/tfjs';
import * as norm from './keras_norm_layers.mjs';

const LAYERS = new Set(['conv1d', 'conv2d', 'max_pool1d', 'avg_pool1d', 'max_pool2d', 'avg_pool2d',
  'global_avg_pool1d', 'global_avg_pool2d', 'global_max_pool2d', 'flatten']);

// Whether the experiment has any layer besides dense, or a dense layer without bias (v1 files stay
// with gen_keras.mjs).
export function handles(e) {
  return e.layers.some((l) => (l.type ?? 'dense') !== 'dense' || l.use_bias === false);
}

export function layerOf(l, inputShape) {
  const type = l.type ?? 'dense';
  const common = inputShape ? { inputShape } : {};
  if (norm.KINDS.has(type)) return norm.layerOf(tf, l, common);  // issue 15: keras_norm_layers.mjs
  if (type !== 'dense' && !LAYERS.has(type)) throw new Error('keras_conv: unknown layer type ' + type);
  switch (type) {
    case 'dense':
      return tf.layers.dense({ ...common, units: l.units, activation: l.activation ?? 'linear', useBias: l.use_bias ?? true });
    case 'conv1d':
    case 'conv2d':
      return tf.layers[type]({
        ...common, filters: l.filters, kernelSize: l.kernel_size, strides: l.strides ?? 1, padding: l.padding ?? 'valid',
        activation: l.activation ?? 'linear', useBias: l.use_bias ?? true,
      });
    case 'max_pool1d':
    case 'avg_pool1d':
    case 'max_pool2d':
    case 'avg_pool2d': {
      const make = { max_pool1d: 'maxPooling1d', avg_pool1d: 'averagePooling1d', max_pool2d: 'maxPooling2d',
        avg_pool2d: 'averagePooling2d' }[type];
      return tf.layers[make]({ ...common, poolSize: l.pool_size, strides: l.strides ?? l.pool_size, padding: l.padding ?? 'valid' });
    }
    case 'global_avg_pool1d':
      return tf.layers.globalAveragePooling1d(common);
    case 'global_avg_pool2d':
      return tf.layers.globalAveragePooling2d(common);
    case 'global_max_pool2d':
      return tf.layers.globalMaxPooling2d(common);
    default:
      return tf.layers.flatten(common);
  }
}

// gen_keras.mjs' run() for a convolutional experiment: the same report keys, weights per layer
// ({} for layers without weights).
export async function run(e, opt, lossFn) {
  const model = tf.sequential();
  const inputShape = tf.tensor(e.data.x).shape.slice(1);
  e.layers.forEach((l, i) => model.add(layerOf(l, i === 0 ? inputShape : undefined)));
  // Per layer: a model's setWeights wants every trainable weight before the non-trainable ones.
  e.layers.forEach((l, i) => {
    const w = e.initial_weights[i];
    const ws = norm.weightNames(l).filter((name) => w[name]).map((name) => tf.tensor(w[name]));
    if (ws.length) model.layers[i].setWeights(ws);
  });
  model.compile({ optimizer: opt, loss: lossFn });
  const rows = e.data.x.length;
  const batchSize = Math.min(e.keras.batch_size ?? e.batch_size ?? 32, rows);
  const history = await model.fit(tf.tensor(e.data.x), tf.tensor2d(e.data.y), {
    epochs: e.epochs, batchSize, shuffle: false, verbose: 0,
  });
  const predictions = model.predict(tf.tensor(e.predict ?? e.data.x)).arraySync();
  const layers = model.layers.map((layer, i) => {
    const ws = layer.getWeights().map((t) => t.arraySync());
    return Object.fromEntries(norm.weightNames(e.layers[i]).slice(0, ws.length).map((n, k) => [n, ws[k]]));
  });
  return { predictions, loss_history: history.history.loss, weights: layers };
}
