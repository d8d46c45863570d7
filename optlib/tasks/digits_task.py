"""The harder task: handwritten digits, a 64 -> hidden (ReLU) -> 10 network, cross-entropy."""
import keras
import numpy as np
import tensorflow as tf

from optlib import digits as digits_data
from optlib import validate
from optlib.tasks.base import Task

LOSSES = ("cross_entropy", "mse")


class Digits(Task):
    """h = relu(x @ w1 + b1), logits = h @ w2 + b2, y = softmax(logits) on the 64 pixels of
    scikit-learn's 8x8 digits; loss = mean over the batch of -log y[label] (cross-entropy), or
    with ``loss="mse"`` the notes' mean over the batch and the classes of (one_hot - y)^2.

    Keras' default initialisation, drawn with NumPy so that a seed gives the same weights on every
    platform: w1 then w2 uniform in +-sqrt(6 / (fan_in + fan_out)) (Glorot-uniform) from
    ``np.random.default_rng(seed)``, biases zero.
    """

    name = "digits"
    features, classes = 64, 10
    default_seed = 0

    def __init__(self, hidden=32, data=None, loss="cross_entropy"):
        self.hidden = validate.positive_int("hidden", hidden)
        if loss not in LOSSES:
            raise ValueError(f"`loss` must be one of {LOSSES}, got {loss!r}.")
        self.loss_name = loss
        self.shapes = {"w1": (64, self.hidden), "b1": (self.hidden,),
                       "w2": (self.hidden, 10), "b2": (10,)}
        self.data = digits_data.load() if data is None else self.check_data(data)

    def initial_weights(self, seeds):
        draws = [self._glorot(int(s)) for s in seeds]
        return {name: np.stack([d[name] for d in draws]) for name in self.shapes}

    def _glorot(self, seed):
        rng = np.random.default_rng(seed)
        weights = {}
        for name, shape in self.shapes.items():
            if len(shape) == 1:
                weights[name] = np.zeros(shape, np.float32)
            else:
                limit = np.sqrt(6.0 / sum(shape))
                weights[name] = rng.uniform(-limit, limit, shape).astype(np.float32)
        return weights

    def outputs(self, x, weights):
        """Logits (B, 10, S) for x (B, 64), w1 (64, H, S), b1 (H, S), w2 (H, 10, S), b2 (10, S)."""
        w1, b1, w2, b2 = weights
        features, hidden, models = w1.shape
        h = tf.matmul(x, tf.reshape(w1, [features, -1]))  # all models' first layers in one product
        h = tf.nn.relu(tf.reshape(h, [-1, hidden, models]) + b1)
        return tf.einsum("bhs,hcs->bcs", h, w2) + b2

    @property
    def signature(self):
        return super().signature + (self.loss_name,)

    def loss(self, onehot, outputs):
        """mean over the batch of -sum_c onehot_c log softmax(logits)_c, per model (or the MSE)."""
        if self.loss_name == "mse":
            return tf.reduce_mean(tf.square(onehot[:, :, None] - tf.nn.softmax(outputs, axis=1)), axis=[0, 1])
        log_y = tf.nn.log_softmax(outputs, axis=1)
        return -tf.reduce_mean(tf.reduce_sum(onehot[:, :, None] * log_y, axis=1), axis=0)

    def keras_model(self, seed=0):
        start = self._glorot(int(seed))
        model = keras.Sequential([
            keras.Input((64,)),
            keras.layers.Dense(self.hidden, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ])
        model.set_weights([start[name] for name in self.shapes])
        return model


def digits(hidden=32, data=None, loss="cross_entropy"):
    """The digits task with ``hidden`` ReLU units and ``loss`` "cross_entropy" or "mse" (the notes');
    ``data`` defaults to ``optlib.digits.load()``."""
    return Digits(hidden, data, loss)
