"""The notes' loop with a Keras optimizer doing the update, recording every step: the helper the
optimizer chapters share when they look inside a run (gradients, steps, moments).

    rec = optlib.recorded.run(optlib.RMSProp(0.1, epsilon=0.0), epochs=100)
    rec.epoch_loss        # (epochs,)   the notes' epoch loss, the mean of its batch losses
    rec.grad_w1           # (steps, 4, 3) g_t of w1, at the weights before step t
    rec.change_w1         # (steps, 4, 3) w1 after step t minus w1 before it
    rec.m_w1, rec.V_w1    # (steps, 4, 3) optimizer.moments(w1) after step t (NaN for a Keras
                          #   optimizer of its own, which does not expose its moments)
    rec.w1, rec.b1        # (steps, 4, 3), (steps, 3) the weights after step t

The network, batches and loss are the notes' (optlib.notes_loop): y = softmax(x @ w1 + b1), the mean
squared error against the one-hot label, batches of 32 rows in the data's order. One epoch is one
call of a tf.function, so a 100-epoch run takes about a second; ``optlib.train`` is the fast way to
get losses and accuracies only.
"""
import dataclasses

import keras
import numpy as np
import tensorflow as tf

from optlib import iris
from optlib.optimizer import RuleOptimizer
from optlib.tasks.iris_task import NOTES_SEED, notes_initial_weights


@dataclasses.dataclass(frozen=True)
class Recording:
    epoch_loss: np.ndarray
    step_loss: np.ndarray
    grad_w1: np.ndarray
    change_w1: np.ndarray
    w1: np.ndarray
    b1: np.ndarray
    m_w1: np.ndarray
    V_w1: np.ndarray

    @property
    def steps(self):
        return len(self.step_loss)


def run(optimizer, epochs, data=None, seed=NOTES_SEED, batch_size=32):
    """Train the notes' network from seed's initial weights with ``optimizer.apply_gradients``;
    return a Recording of every step (see the module's doc). ``data`` defaults to the notes' split.
    ``optimizer`` is any Keras optimizer (Keras' own ones too, to compare with optlib's)."""
    if not isinstance(optimizer, keras.optimizers.Optimizer):
        raise TypeError(f"optlib.recorded.run() needs a Keras optimizer (optlib.SGD(), "
                        f"keras.optimizers.Adam(), ...), got {type(optimizer).__name__}")
    if not isinstance(epochs, (int, np.integer)) or isinstance(epochs, bool) or epochs < 1:
        raise ValueError(f"epochs must be a whole number of at least 1, got {epochs!r}")
    data = iris.load() if data is None else data
    w_init, b_init = notes_initial_weights(seed)
    w1, b1 = tf.Variable(w_init), tf.Variable(b_init)
    optimizer.build([w1, b1])
    has_moments = isinstance(optimizer, RuleOptimizer)
    n_classes = w_init.shape[1]
    batches = [(tf.constant(data.x_train[i:i + batch_size]),
                tf.one_hot(data.y_train[i:i + batch_size], depth=n_classes))
               for i in range(0, len(data.x_train), batch_size)]

    @tf.function
    def epoch():
        records = []
        for x, y_true in batches:
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(y_true - tf.nn.softmax(tf.matmul(x, w1) + b1)))
            grads = tape.gradient(loss, [w1, b1])
            before = tf.identity(w1)
            optimizer.apply_gradients(zip(grads, [w1, b1]))
            if has_moments:
                m, v = optimizer.moments(w1)
            else:
                m = v = tf.fill(tf.shape(w1), float("nan"))
            records.append((loss, grads[0], w1 - before, tf.identity(w1), tf.identity(b1),
                            tf.convert_to_tensor(m) * tf.ones_like(w1),
                            tf.convert_to_tensor(v) * tf.ones_like(w1)))
        return [tf.stack(column) for column in zip(*records)]

    parts = [[t.numpy() for t in epoch()] for _ in range(epochs)]
    columns = [np.concatenate(column) for column in zip(*parts)]
    step_loss = columns[0]
    epoch_loss = step_loss.astype(np.float64).reshape(epochs, len(batches)).mean(axis=1)
    return Recording(epoch_loss, step_loss, *columns[1:])
