// gen_keras.mjs' sequence models (experiment format v2, issue 16) in TensorFlow.js' layers API:
// embedding, simple_rnn, lstm, dense, with weights in Keras' layout (kernel [in][G*u],
// recurrent_kernel [u][G*u], bias [G*u]; LSTM gates i, f, c, o as Keras packs them).
//
// Where tfjs is not Keras 3 (set explicitly or left to the re-implementation):
// - tfjs' LSTM and GRU default to recurrentActivation 'hardSigmoid'; Keras 3's is 'sigmoid', so it
//   is given explicitly.
// - tfjs' GRU has no reset_after=True (Keras 3's default, the only form PyTorch has): no golden
//   is written here for a model with a GRU; gen_keras_rules.py (keras3_sequence.py) writes it.
import * as tf from '@tensorflow/tfjs';
import * as norm from './keras_norm_layers.mjs';
import * as conv from './keras_conv.mjs';

const KINDS = new Set(['embedding', 'simple_rnn', 'lstm', 'gru']);
// 1-D convolution, pooling and flatten between recurrent layers (layout_scenarios.py): as keras_conv.mjs builds them.
const CONV_KINDS = new Set(['conv1d', 'max_pool1d', 'avg_pool1d', 'global_avg_pool1d', 'flatten']);

export function handles(e) {
  return e.layers.some((l) => KINDS.has(l.type));
}

export const hasGru = (e) => e.layers.some((l) => l.type === 'gru');

function layerOf(l, inputShape) {
  const common = inputShape ? { inputShape } : {};
  const type = l.type ?? 'dense';
  if (type === 'layer_norm') return norm.layerOf(tf, l, common);  // issue 15: keras_norm_layers.mjs
  if (CONV_KINDS.has(type)) return conv.layerOf(l, inputShape);
  switch (type) {
    case 'embedding':
      return tf.layers.embedding({ ...common, inputDim: l.input_dim, outputDim: l.output_dim });
    case 'simple_rnn':
      return tf.layers.simpleRNN({ ...common, units: l.units, activation: l.activation ?? 'tanh',
        returnSequences: l.return_sequences ?? false, useBias: l.use_bias ?? true });
    case 'lstm':
      return tf.layers.lstm({ ...common, units: l.units, activation: 'tanh', recurrentActivation: 'sigmoid',
        returnSequences: l.return_sequences ?? false, useBias: l.use_bias ?? true });
    case 'dense':
      return tf.layers.dense({ ...common, units: l.units, activation: l.activation ?? 'linear', useBias: l.use_bias ?? true });
    default:
      throw new Error('keras_seq: unknown layer type ' + type);
  }
}

const NAMES = { embedding: ['embeddings'], simple_rnn: ['kernel', 'recurrent_kernel', 'bias'],
  lstm: ['kernel', 'recurrent_kernel', 'bias'], dense: ['kernel', 'bias'], layer_norm: ['gamma', 'beta'],
  conv1d: ['kernel', 'bias'], max_pool1d: [], avg_pool1d: [], global_avg_pool1d: [], flatten: [] };

// gen_keras.mjs' run() for a sequence experiment: the same report keys.
export async function run(e, opt, lossFn) {
  const model = tf.sequential();
  const inputShape = tf.tensor(e.data.x).shape.slice(1);
  e.layers.forEach((l, i) => model.add(layerOf(l, i === 0 ? inputShape : undefined)));
  const weights = [];
  e.layers.forEach((l, i) => {
    for (const name of NAMES[l.type ?? 'dense']) {
      if (e.initial_weights[i][name] !== undefined) weights.push(tf.tensor(e.initial_weights[i][name]));
    }
  });
  model.setWeights(weights);
  model.compile({ optimizer: opt, loss: lossFn });
  const rows = e.data.x.length;
  const batchSize = Math.min(e.keras.batch_size ?? e.batch_size ?? 32, rows);
  const history = await model.fit(tf.tensor(e.data.x), tf.tensor2d(e.data.y), {
    epochs: e.epochs, batchSize, shuffle: false, verbose: 0,
  });
  const predictions = model.predict(tf.tensor(e.predict ?? e.data.x)).arraySync();
  const layers = model.layers.map((layer, i) => {
    const ws = layer.getWeights().map((t) => t.arraySync());
    return Object.fromEntries(NAMES[e.layers[i].type ?? 'dense'].slice(0, ws.length).map((n, k) => [n, ws[k]]));
  });
  return { predictions, loss_history: history.history.loss, weights: layers };
}
