// Golden outputs with Keras semantics from TensorFlow.js 4.22 (pure-JS CPU backend), for
// experiment files in duet-compare's format. Run by hand, not by CI:
//
//   (cd tools/golden && npm install)          # @tensorflow/tfjs 4.22.0, pure JS; never tfjs-node
//   node tools/golden/gen_keras.mjs tests/golden/scenarios/duet/*.json --out tests/golden/expected/duet
//
// Writes <name>.keras.json with predictions, history.history.loss and final weights. Where
// TensorFlow.js departs from Keras 3 (Adam adds epsilon after bias correction; centred RMSprop),
// no file is written: those cases have no Keras truth here (docs/framework-differences.md).
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import * as kerasConv from './keras_conv.mjs';
import { denseLayers, NOT_KERAS3 } from './keras_norm.mjs';
import * as lossKnobs from './keras_loss_knobs.mjs';
import * as kerasSeq from './keras_seq.mjs';

function loadExperiment(file) {
  const e = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (e.data.csv) {
    const lines = fs.readFileSync(path.join(path.dirname(file), e.data.csv), 'utf8').split('\n').filter((l) => l.trim());
    const header = lines[0].split(',').map((s) => s.trim());
    const tIdx = e.data.targets.map((t) => header.indexOf(t));
    const fIdx = header.map((_, i) => i).filter((i) => !tIdx.includes(i));
    const rows = lines.slice(1).map((l) => l.split(',').map(Number));
    e.data = { x: rows.map((r) => fIdx.map((i) => r[i])), y: rows.map((r) => tIdx.map((i) => r[i])) };
  }
  return e;
}

// --tfjs-rules: use tfjs' own Adam and centred RMSprop where they are not Keras' rules. Their
// output is never a golden; gen_keras_rules.py --check-overlap compares its Keras rules with it
// where the two rules coincide (an epsilon too small for its placement to matter).
const tfjsRules = process.argv.includes('--tfjs-rules');

// Keras parameter names -> tf.train optimisers; null where tfjs is not Keras' rule.
function optimizer(cfg) {
  const lr = cfg.learning_rate;
  switch (cfg.name) {
    case 'sgd':
      // tfjs' momentum optimiser keeps a gradient buffer (PyTorch's form); for a constant
      // learning rate it follows the same trajectory as Keras' velocity form.
      return cfg.momentum ? tf.train.momentum(lr ?? 0.01, cfg.momentum, cfg.nesterov ?? false) : tf.train.sgd(lr ?? 0.01);
    case 'rmsprop':
      // tfjs centred: sqrt(ms - (mg^2 + eps)); Keras 3: sqrt(ms - mg^2 + eps).
      if (cfg.centered && !tfjsRules) return null;
      return tf.train.rmsprop(lr ?? 0.001, cfg.rho ?? 0.9, cfg.momentum ?? 0, cfg.epsilon ?? 1e-7, cfg.centered ?? false);
    case 'adagrad':
      if (cfg.epsilon !== undefined && cfg.epsilon !== 1e-7) return null;  // tfjs fixes epsilon at 1e-7
      return tf.train.adagrad(lr ?? 0.001, cfg.initial_accumulator_value ?? 0.1);
    case 'adam':
      // tfjs: m_hat / (sqrt(v_hat) + eps); Keras: eps added before bias correction
      if (!tfjsRules) return null;
      return tf.train.adam(lr ?? 0.001, cfg.beta_1 ?? 0.9, cfg.beta_2 ?? 0.999, cfg.epsilon ?? 1e-7);
    default:
      throw new Error('unknown keras optimizer ' + cfg.name);
  }
}

function loss(cfg) {
  const knob = lossKnobs.loss(tf, cfg);  // label_smoothing / from_logits: keras_loss_knobs.mjs
  if (knob) return knob;
  const name = typeof cfg === 'string' ? cfg : cfg.name;
  const names = {
    mean_squared_error: 'meanSquaredError', mse: 'meanSquaredError',
    mean_absolute_error: 'meanAbsoluteError', mae: 'meanAbsoluteError',
    binary_crossentropy: 'binaryCrossentropy', categorical_crossentropy: 'categoricalCrossentropy',
    sparse_categorical_crossentropy: 'sparseCategoricalCrossentropy',
  };
  if (names[name]) return names[name];
  if (name === 'huber') {
    const delta = (typeof cfg === 'object' && cfg.delta) || 1.0;
    // tfjs-layers has no huber loss; tf.losses.huberLoss averages over every element, which
    // for one output column is Keras' mean over the last axis and then the batch.
    return (yTrue, yPred) => tf.losses.huberLoss(yTrue, yPred, undefined, delta);
  }
  throw new Error('unknown keras loss ' + name);
}

async function run(e) {
  const opt = optimizer(e.keras.optimizer);
  if (!opt || e.layers.some((l) => NOT_KERAS3.has(l.activation))) return null;
  if (kerasSeq.handles(e)) return kerasSeq.hasGru(e) ? null : kerasSeq.run(e, opt, loss(e.keras.loss ?? 'mean_squared_error'));  // v2: keras_seq.mjs
  if (kerasConv.handles(e)) return kerasConv.run(e, opt, loss(e.keras.loss ?? 'mean_squared_error'));  // v2: keras_conv.mjs
  const model = tf.sequential();
  e.layers.forEach((l, i) => {
    const cfg = { units: l.units, activation: l.activation ?? 'linear' };
    if (i === 0) cfg.inputShape = [e.data.x[0].length];
    denseLayers(tf, cfg).forEach((layer) => model.add(layer));
  });
  const weights = [];
  for (const w of e.initial_weights) weights.push(tf.tensor2d(w.kernel), tf.tensor1d(w.bias));
  model.setWeights(weights);
  model.compile({ optimizer: opt, loss: loss(e.keras.loss ?? 'mean_squared_error') });
  const rows = e.data.x.length;
  const batchSize = Math.min(e.keras.batch_size ?? e.batch_size ?? 32, rows);
  const history = await model.fit(tf.tensor2d(e.data.x), tf.tensor2d(e.data.y), {
    epochs: e.epochs, batchSize, shuffle: false, verbose: 0, ...lossKnobs.fitArgs(e),
  });
  const predictions = model.predict(tf.tensor2d(e.predict ?? e.data.x)).arraySync();
  const w = model.getWeights().map((t) => t.arraySync());
  const layers = [];
  for (let i = 0; i < w.length; i += 2) layers.push({ kernel: w[i], bias: w[i + 1] });
  return { predictions, loss_history: history.history.loss, weights: layers };
}

// The shortest decimal that reads back to the same float32, as duet-compare prints.
function f32(v) {
  const target = Math.fround(v);
  for (let d = 1; d <= 9; ++d) {
    const t = Number(target.toPrecision(d));
    if (Math.fround(t) === target) return t;
  }
  return target;
}
const shortest = (o) => (Array.isArray(o) ? o.map(shortest) : typeof o === 'number' ? f32(o)
  : o && typeof o === 'object' ? Object.fromEntries(Object.entries(o).map(([k, v]) => [k, shortest(v)])) : o);

async function main() {
  const args = process.argv.slice(2);
  const outIdx = args.indexOf('--out');
  if (outIdx < 0) throw new Error('usage: gen_keras.mjs SCENARIO.json... --out DIR');
  const out = args[outIdx + 1];
  const files = args.filter((a, i) => i !== outIdx && i !== outIdx + 1 && a !== '--tfjs-rules');
  await tf.setBackend('cpu');
  fs.mkdirSync(out, { recursive: true });
  for (const file of files) {
    const name = path.basename(file, '.json');
    const result = await run(loadExperiment(file));
    if (!result) {
      console.log('skip', name, '(tfjs is not Keras here)');
      continue;
    }
    const report = {
      scenario: name, side: 'keras', framework: `TensorFlow.js ${tf.version.tfjs} (tfjs-layers Keras API, backend '${tf.getBackend()}')`
        + (tfjsRules ? ", tfjs' own optimiser rules (validation only, not a golden)" : ''),
      generator: 'gen_keras.mjs', dtype: 'float32', ...shortest(result),
    };
    fs.writeFileSync(path.join(out, name + '.keras.json'), JSON.stringify(report) + '\n');
    console.log('wrote', name);
  }
}

main().catch((err) => { console.error(err.message); process.exit(1); });
