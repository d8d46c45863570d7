"""optlib.recorded.run: the notes' loop with a Keras optimizer, recording every step."""
import keras
import numpy as np
import pytest

import optlib
from optlib.notes_loop import notes_loop


def test_sgd_run_is_the_notes_loop():
    rec = optlib.recorded.run(optlib.SGD(0.1), epochs=5)
    notes_loss, _ = notes_loop("sgd", epoch=5)
    np.testing.assert_allclose(rec.epoch_loss, notes_loss, rtol=0, atol=1e-5)
    assert rec.steps == 20 and rec.grad_w1.shape == rec.change_w1.shape == rec.V_w1.shape == (20, 4, 3)


def test_sgd_step_is_minus_lr_times_the_recorded_gradient():
    rec = optlib.recorded.run(optlib.SGD(0.1), epochs=2)
    np.testing.assert_allclose(rec.change_w1, -0.1 * rec.grad_w1, rtol=1e-5, atol=1e-8)
    np.testing.assert_array_equal(rec.V_w1, 1.0)  # SGD keeps no second moment


def test_recorded_second_moment_is_the_ema_of_the_recorded_gradients():
    rec = optlib.recorded.run(optlib.RMSProp(0.01, beta=0.9), epochs=3)
    v = np.zeros((4, 3))
    for t, g in enumerate(rec.grad_w1.astype(np.float64)):
        v = 0.9 * v + 0.1 * g**2
        np.testing.assert_allclose(rec.V_w1[t], v, rtol=1e-5)
    np.testing.assert_allclose(np.cumsum(rec.change_w1, axis=0)[-1], rec.w1[-1] - rec.w1[0] + rec.change_w1[0],
                               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("epochs", [0, -1, 2.5, True, "3"])
def test_bad_epochs_are_value_errors(epochs):
    with pytest.raises(ValueError, match="epochs must be a whole number"):
        optlib.recorded.run(optlib.SGD(), epochs=epochs)


def test_keras_own_optimizer_is_recorded_without_moments():
    ours = optlib.recorded.run(optlib.SGD(0.1), epochs=2)
    theirs = optlib.recorded.run(keras.optimizers.SGD(0.1), epochs=2)
    np.testing.assert_allclose(theirs.w1, ours.w1, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(theirs.b1, ours.b1, rtol=1e-6, atol=1e-7)
    assert np.isnan(theirs.V_w1).all() and np.isnan(theirs.m_w1).all()
    assert theirs.b1.shape == (8, 3)


def test_something_else_than_an_optimizer_is_a_type_error():
    with pytest.raises(TypeError, match="needs a Keras optimizer"):
        optlib.recorded.run("adam", epochs=1)
