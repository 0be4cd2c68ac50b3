// Keras 3's loss knobs in TensorFlow.js, for gen_keras.mjs (issue 17; two one-line hooks).
//
// label_smoothing: tfjs-layers' loss strings take no options, so the loss is a function that
// smooths the targets exactly as keras/src/losses/losses.py does before its cross-entropy
// (categorical: y (1 - ls) + ls / C; binary: y (1 - ls) + 0.5 ls) and then calls tfjs-layers' own
// cross-entropy on probabilities (tf.metrics.*Crossentropy, the functions behind the loss strings)
// or, with from_logits, tfjs-core's softmax / sigmoid cross-entropy per sample. Either way it
// returns one loss per sample, which tfjs-layers weights and averages as Keras does.
// class_weight: tfjs-layers' own fit({classWeight}) (engine/training_utils.js standardizeWeights:
// each sample's loss times its class's weight, then the batch mean), which is Keras 3's rule.
export function loss(tf, cfg) {
  if (typeof cfg !== 'object' || (!cfg.label_smoothing && !cfg.from_logits)) return null;
  const ls = cfg.label_smoothing ?? 0;
  const none = tf.Reduction.NONE;
  if (cfg.name === 'categorical_crossentropy') {
    return (yTrue, yPred) => {
      const y = tf.add(tf.mul(yTrue, 1 - ls), ls / yTrue.shape[yTrue.shape.length - 1]);
      return cfg.from_logits ? tf.losses.softmaxCrossEntropy(y, yPred, undefined, 0, none)
        : tf.metrics.categoricalCrossentropy(y, yPred);
    };
  }
  if (cfg.name === 'binary_crossentropy') {
    return (yTrue, yPred) => {
      const y = tf.add(tf.mul(yTrue, 1 - ls), 0.5 * ls);
      return cfg.from_logits ? tf.mean(tf.losses.sigmoidCrossEntropy(y, yPred, undefined, 0, none), -1)
        : tf.metrics.binaryCrossentropy(y, yPred);
    };
  }
  throw new Error(`keras_loss_knobs.mjs: no label_smoothing / from_logits for ${cfg.name}`);
}

// fit()'s extra arguments: classWeight from keras.class_weight (class index -> weight).
export function fitArgs(e) {
  const cw = e.keras.class_weight;
  if (!cw) return {};
  return { classWeight: Object.fromEntries(Object.entries(cw).map(([k, v]) => [Number(k), v])) };
}
