// An L2 regulariser trained in TensorFlow.js 4.22 (issue 15), for
// tests/keras/regularizer_golden_test.cpp: Dense(4, relu) with kernel L2(0.05) and bias L2(0.02),
// then Dense(1) with kernel L2(0.05); SGD 0.1, batches of 5 in order, 4 epochs, mse. tfjs'
// l2 regulariser is Keras 3's (l2 * sum(w^2), no 1/2), added once per batch to the mean loss it
// minimises and reports, as keras/src/trainers do. Not recorded: tfjs' evaluate(), which leaves the
// penalty out (Keras 3's evaluate includes it).
//
//   node tools/golden/keras_l2_regularizer.mjs > tests/golden/keras_l2_regularizer.json
import * as tf from '@tensorflow/tfjs';

function seeded(seed) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return Math.round((s / 2147483648 * 2 - 1) * 1e4) / 1e4;
  };
}

async function main() {
  await tf.setBackend('cpu');
  const r = seeded(15);
  const x = Array.from({ length: 10 }, () => [r(), r(), r()]);
  const y = x.map((row) => [Math.round((row[0] - 0.5 * row[1] + row[2] * row[2]) * 1e4) / 1e4]);
  const initial = [Array.from({ length: 3 }, () => [r(), r(), r(), r()]), [0.1, -0.05, 0.02, 0.0],
    Array.from({ length: 4 }, () => [r()]), [0.05]];
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [3], units: 4, activation: 'relu',
    kernelRegularizer: tf.regularizers.l2({ l2: 0.05 }), biasRegularizer: tf.regularizers.l2({ l2: 0.02 }) }));
  model.add(tf.layers.dense({ units: 1, kernelRegularizer: tf.regularizers.l2({ l2: 0.05 }) }));
  model.setWeights(initial.map((w) => tf.tensor(w)));
  model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
  const h = await model.fit(tf.tensor(x), tf.tensor(y), { epochs: 4, batchSize: 5, shuffle: false, verbose: 0 });
  const out = {
    framework: `TensorFlow.js ${tf.version.tfjs} (tfjs-layers Keras API, backend '${tf.getBackend()}')`,
    generator: 'keras_l2_regularizer.mjs',
    l2: { kernel: 0.05, bias_first_layer: 0.02 }, learning_rate: 0.1, batch_size: 5, epochs: 4,
    x, y, initial_weights: initial,
    loss_history: h.history.loss,
    predictions: model.predict(tf.tensor(x.slice(0, 4))).arraySync(),
    final_weights: model.getWeights().map((t) => t.arraySync()),
  };
  console.log(JSON.stringify(out));
}

main();
