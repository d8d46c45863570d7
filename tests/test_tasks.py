"""optlib.tasks: the shipped digits data, the digits network against a plain Keras loop, and a
task written outside the library, trained without changing ``train``."""
import keras
import numpy as np
import pytest
import tensorflow as tf

import optlib
from optlib.tasks import Task

EPOCHS = 3


@pytest.fixture(scope="module")
def digits():
    return optlib.tasks.digits()


# ------------------------------------------------------------------ the data
def test_digits_csv_is_scikit_learns_copy():
    """1,797 images of 64 pixel counts 0-16, the class counts of sklearn's load_digits()."""
    x, y = optlib.digits.raw()
    assert x.shape == (1797, 64) and y.shape == (1797,)
    assert x.min() == 0 and x.max() == 16 and np.array_equal(x, np.round(x))
    assert np.bincount(y).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    # the first image is sklearn's first digit, a 0
    assert y[0] == 0 and x[0, :8].tolist() == [0, 0, 5, 13, 9, 1, 0, 0]


def test_digits_split_is_fixed_scaled_and_disjoint():
    split = optlib.digits.load()
    assert split.x_train.shape == (1437, 64) and split.x_test.shape == (360, 64)
    assert split.x_train.dtype == np.float32
    assert split.x_train.min() == 0 and split.x_train.max() == 1
    x, _ = optlib.digits.raw()
    order = np.random.RandomState(0).permutation(1797)
    np.testing.assert_array_equal(split.x_test, (x[order[-360:]] / 16).astype(np.float32))
    assert np.array_equal(optlib.digits.load().y_test, split.y_test)  # the same every call
    assert set(np.unique(split.y_test)) == set(range(10))


# ------------------------------------------------------------------ the network
def test_digits_initialisation_is_keras_glorot_uniform_and_zero_biases(digits):
    w = digits.initial_weights([0, 1])
    assert {k: v.shape for k, v in w.items()} == {
        "w1": (2, 64, 32), "b1": (2, 32), "w2": (2, 32, 10), "b2": (2, 10)}
    for name, (fan_in, fan_out) in (("w1", (64, 32)), ("w2", (32, 10))):
        limit = np.sqrt(6 / (fan_in + fan_out))
        assert np.abs(w[name]).max() <= limit and np.abs(w[name]).max() > 0.95 * limit
        # uniform: the variance of U(-a, a) is a^2 / 3
        assert abs(w[name].var() / (limit**2 / 3) - 1) < 0.1
    assert not w["b1"].any() and not w["b2"].any()
    assert not np.allclose(w["w1"][0], w["w1"][1])
    np.testing.assert_array_equal(digits.initial_weights([1])["w1"][0], w["w1"][1])
    model = digits.keras_model(1)
    for got, name in zip(model.get_weights(), digits.shapes):
        np.testing.assert_array_equal(got, w[name][1])


def keras_tape_loop(model, optimizer, data, epochs, batch_size=32, loss=None):
    """The plain loop: batches of 32 in the data's order, each batch's mean cross-entropy, the
    epoch loss the mean of the batch losses, the optlib optimizer through apply_gradients."""
    cross_entropy = loss or keras.losses.CategoricalCrossentropy()
    batches = tf.data.Dataset.from_tensor_slices(
        (data.x_train, tf.one_hot(data.y_train, 10))).batch(batch_size)
    losses = []
    for _ in range(epochs):
        batch_losses = []
        for xb, yb in batches:
            with tf.GradientTape() as tape:
                loss = cross_entropy(yb, model(xb))
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
            batch_losses.append(float(loss))
        losses.append(np.mean(batch_losses))
    return np.array(losses)


@pytest.mark.parametrize("make", [
    lambda: optlib.SGD(0.1), lambda: optlib.SGDM(0.1), lambda: optlib.AdaGrad(0.05),
    lambda: optlib.RMSProp(0.001), lambda: optlib.Adam(0.001),
], ids=["SGD", "SGDM", "AdaGrad", "RMSProp", "Adam"])
def test_train_on_digits_equals_a_plain_keras_loop(digits, make):
    history = optlib.train(make(), task=digits, epochs=EPOCHS)
    model = digits.keras_model(digits.default_seed)
    loop = keras_tape_loop(model, make(), digits.data, EPOCHS)
    np.testing.assert_allclose(history.loss, loop, rtol=0, atol=1e-4)
    assert history.loss[-1] < history.loss[0]  # it learns
    for got, name in zip(model.get_weights(), digits.shapes):
        np.testing.assert_allclose(history.weights[name], got, rtol=0, atol=1e-4)
    predicted = model.predict(digits.data.x_test, verbose=0).argmax(axis=1)
    assert history.test_accuracy[-1] == pytest.approx(np.mean(predicted == digits.data.y_test), abs=1 / 360)


def test_digits_with_the_notes_mse_equals_a_plain_keras_loop():
    task = optlib.tasks.digits(loss="mse")
    history = optlib.train(optlib.SGD(0.5), task=task, epochs=EPOCHS)
    model = task.keras_model(0)
    loop = keras_tape_loop(model, optlib.SGD(0.5), task.data, EPOCHS, loss=keras.losses.MeanSquaredError())
    np.testing.assert_allclose(history.loss, loop, rtol=0, atol=1e-4)
    cross_entropy = optlib.train(optlib.SGD(0.5), task=optlib.tasks.digits(), epochs=EPOCHS)
    assert abs(cross_entropy.loss[0] - history.loss[0]) > 0.1  # another loss, not the same program


def test_stacked_digits_models_are_independent(digits):
    together = optlib.train(optlib.Adam(0.01), task=digits, epochs=EPOCHS, seeds=[0, 5])
    alone = optlib.train(optlib.Adam(0.01), task=digits, epochs=EPOCHS, seeds=[5])
    np.testing.assert_allclose(together.loss[1], alone.loss[0], rtol=0, atol=1e-5)
    assert together.weights["w2"].shape == (2, 32, 10)
    assert abs(together.loss[0, -1] - together.loss[1, -1]) > 1e-4


def test_iris_task_is_the_default(digits):
    np.testing.assert_array_equal(
        optlib.train(optlib.Adam(), epochs=5, task=optlib.tasks.iris()).loss,
        optlib.train(optlib.Adam(), epochs=5).loss)


def test_digits_history_and_initial_weights_round_trip(digits):
    first = optlib.train(optlib.SGD(0.1), task=digits, epochs=2)
    more = optlib.train(optlib.SGD(0.1), task=digits, epochs=1, initial_weights=first.weights)
    assert more.loss.shape == (1,) and more.loss[0] < first.loss[0]


@pytest.mark.parametrize("kwargs, error, message", [
    ({"task": "digits"}, TypeError, "optlib task"),
    ({"task": optlib.tasks.digits(), "data": optlib.iris.load()}, ValueError, r"\(n, 64\)"),
    ({"task": optlib.tasks.digits(), "initial_weights": optlib.initial_weights()}, ValueError,
     r"\(w1, b1, w2, b2\)"),
])
def test_bad_task_arguments_are_refused(kwargs, error, message):
    with pytest.raises(error, match=message):
        optlib.train(optlib.SGD(), epochs=1, **kwargs)


def test_an_unknown_loss_is_refused():
    with pytest.raises(ValueError, match="`loss` must be one of"):
        optlib.tasks.digits(loss="hinge")


@pytest.mark.parametrize("hidden", [0, 2.5, True])
def test_bad_hidden_sizes_are_refused(hidden):
    with pytest.raises(ValueError, match="`hidden` must be a positive integer"):
        optlib.tasks.digits(hidden=hidden)


# ------------------------------------------------------------------ a third task
class Xor(Task):
    """A task written outside optlib: XOR's four points, logistic-free linear softmax (it cannot
    be solved, which does not matter here), mean squared error."""

    name = "xor"
    features, classes = 2, 2
    shapes = {"w": (2, 2)}
    data = optlib.iris.Split(*(np.array(a, np.float32) if i % 2 == 0 else np.array(a) for i, a in
                               enumerate(([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0],
                                          [[0, 1]], [1]))))

    def initial_weights(self, seeds):
        return {"w": np.stack([np.full((2, 2), 0.1 * (s + 1), np.float32) for s in seeds])}

    def outputs(self, x, weights):
        return tf.einsum("bf,fcs->bcs", x, weights[0])

    def loss(self, onehot, outputs):
        return tf.reduce_mean(tf.square(onehot[:, :, None] - outputs), axis=[0, 1])


def test_a_new_task_trains_without_changing_train():
    history = optlib.train(optlib.SGD(0.5), task=Xor(), epochs=4, seeds=[0, 1])
    w = np.full((2, 2), 0.1)
    x = Xor.data.x_train.astype(np.float64)
    onehot = np.eye(2)[Xor.data.y_train]
    losses = []
    for _ in range(4):  # one batch of 4: plain gradient descent on the MSE, in NumPy
        error = x @ w - onehot
        losses.append(np.mean(error**2))
        w -= 0.5 * x.T @ error * 2 / error.size
    np.testing.assert_allclose(history.loss[0], losses, rtol=1e-5)
    np.testing.assert_allclose(history.weights["w"][0], w, rtol=1e-5)
