"""The notes' task: iris, a one-layer softmax network, the mean squared error. The default of train."""
import functools
import threading

import keras
import numpy as np
import tensorflow as tf

from optlib import iris as iris_data
from optlib.tasks.base import Task

NOTES_SEED = 116
# The notes draw their weights through TensorFlow's global seed (set it, then draw): two threads
# doing so at once would swap or mix their draws, so every set-then-draw holds this lock.
_GLOBAL_SEED_LOCK = threading.RLock()


def notes_initial_weights(seed=NOTES_SEED):
    """The notes' initialisation: after ``tf.random.set_seed(seed)``, w1 (4, 3) then b1 (3,)
    from ``tf.random.truncated_normal(..., stddev=0.1, seed=1)``. Resets TF's global seed."""
    with _GLOBAL_SEED_LOCK:
        tf.random.set_seed(seed)
        w1 = tf.random.truncated_normal([4, 3], stddev=0.1, seed=1)
        b1 = tf.random.truncated_normal([3], stddev=0.1, seed=1)
        return w1.numpy(), b1.numpy()


@functools.lru_cache(maxsize=None)
def _cached_initial_weights(seed):
    """``notes_initial_weights(seed)``, computed once per seed: each call resets TF's global seed,
    which also clears TensorFlow's eager kernel cache, and costs ~10 ms (far more on a busy
    machine), which made the set-up of a 100-seed run take longer than the training."""
    return notes_initial_weights(seed)


class Iris(Task):
    """y = softmax(x @ w1 + b1) on the 4 iris measurements; loss = mean((one_hot - y)^2) over the
    batch and the 3 classes (the notes' MSE)."""

    name = "iris"
    features, classes = 4, 3
    default_seed = NOTES_SEED
    shapes = {"w1": (4, 3), "b1": (3,)}

    def __init__(self, data=None):
        self.data = iris_data.load() if data is None else self.check_data(data)

    def initial_weights(self, seeds):
        """The notes' draw for every seed; TensorFlow's random state is left as after the last
        seed's draw, as a loop of the notes' code would leave it."""
        inits = [_cached_initial_weights(int(s)) for s in seeds]
        notes_initial_weights(int(seeds[-1]))
        return {"w1": np.stack([w for w, _ in inits]), "b1": np.stack([b for _, b in inits])}

    def outputs(self, x, weights):
        """softmax(x @ w + b) for stacked models: x (B, 4), w (4, 3, S), b (3, S) -> (B, 3, S).

        The softmax over the 3 classes runs element-wise along S. For one model the product is
        written out as 4 broadcast products, which XLA fuses (a tiny matmul costs a library
        call); for many, one matmul (4, 3*S) does the arithmetic better. The max subtracted for
        stability is held constant (softmax does not depend on it), which spares XLA the
        gradient of a max.
        """
        w, b = weights
        if w.shape[-1] == 1:
            logits = b + sum(x[:, k, None, None] * w[k] for k in range(w.shape[0]))
        else:
            features, classes = w.shape[0], w.shape[1]
            product = tf.matmul(x, tf.reshape(w, [features, -1]))
            logits = tf.reshape(product, [-1, classes, w.shape[2]]) + b
        exp = tf.exp(logits - tf.stop_gradient(tf.reduce_max(logits, axis=1, keepdims=True)))
        return exp / tf.reduce_sum(exp, axis=1, keepdims=True)

    def loss(self, onehot, outputs):
        """mean over the batch and the classes of (one_hot - y)^2, per model."""
        return tf.reduce_mean(tf.square(onehot[:, :, None] - outputs), axis=[0, 1])

    def keras_model(self, seed=NOTES_SEED):
        w1, b1 = notes_initial_weights(seed)
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
        model.set_weights([w1, b1])
        return model


def iris(data=None):
    """The notes' experiment (``optlib.train``'s default): ``data`` defaults to the notes' split."""
    return Iris(data)
