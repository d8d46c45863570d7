"""optlib.train on data other than the notes' split: the compiled program is shared by shape, the data
are not (a second data set of the same shape must not reuse the first one's numbers)."""
import numpy as np
import pytest

import optlib


def _reversed_split():
    split = optlib.iris.load()
    return optlib.iris.Split(split.x_train[::-1].copy(), split.y_train[::-1].copy(), split.x_test, split.y_test)


def test_same_shapes_other_data_gives_other_results():
    notes = optlib.train(optlib.SGD(), epochs=20)
    other = optlib.train(optlib.SGD(), epochs=20, data=_reversed_split())
    assert not np.allclose(notes.loss, other.loss)
    again = optlib.train(optlib.SGD(), epochs=20)
    np.testing.assert_array_equal(notes.loss, again.loss)


def test_explicit_default_data_equals_the_default():
    np.testing.assert_array_equal(
        optlib.train(optlib.Adam(), epochs=10, data=optlib.iris.load()).loss,
        optlib.train(optlib.Adam(), epochs=10).loss,
    )


@pytest.mark.parametrize("bad, message", [
    (object(), "x_train"),
    (optlib.iris.Split(np.zeros((5, 3)), np.zeros(5), np.zeros((2, 4)), np.zeros(2)), r"\(n, 4\)"),
    (optlib.iris.Split(np.zeros((5, 4)), np.full(5, 3), np.zeros((2, 4)), np.zeros(2)), "0, 1 or 2"),
])
def test_data_that_does_not_fit_the_network_is_refused(bad, message):
    with pytest.raises(ValueError, match=message):
        optlib.train(optlib.SGD(), epochs=1, data=bad)


def test_a_training_set_smaller_than_one_batch_is_one_short_batch():
    """12 rows with batch_size 32: no full batch, one batch of 12 an epoch (it failed to compile)."""
    notes = optlib.iris.load()
    small = optlib.iris.Split(notes.x_train[:12], notes.y_train[:12], notes.x_test, notes.y_test)
    h = optlib.train(optlib.SGD(0.5), epochs=5, data=small)
    same = optlib.train(optlib.SGD(0.5), epochs=5, data=small, batch_size=12)
    np.testing.assert_array_equal(h.loss, same.loss)
    by_hand = optlib.recorded.run(optlib.SGD(0.5), epochs=5, data=small)  # the notes' loop with apply_gradients
    np.testing.assert_allclose(h.loss, by_hand.epoch_loss, rtol=0, atol=1e-6)


@pytest.mark.parametrize("field", ["x_train", "x_test"])
@pytest.mark.parametrize("bad_value", [np.nan, np.inf])
def test_data_with_nan_or_inf_is_refused_naming_the_field(field, bad_value):
    notes = optlib.iris.load()
    parts = notes._asdict()
    parts[field] = parts[field].copy()
    parts[field][3, 1] = bad_value
    with pytest.raises(ValueError, match=f"{field} must hold finite numbers"):
        optlib.train(optlib.SGD(), epochs=1, data=optlib.iris.Split(**parts))


def test_a_batch_larger_than_the_training_set_is_one_batch_of_all_rows():
    """As tf.data's batch(1000) on 120 rows: one batch of 120."""
    np.testing.assert_array_equal(optlib.train(optlib.SGD(), epochs=3, batch_size=1000).loss,
                                  optlib.train(optlib.SGD(), epochs=3, batch_size=120).loss)
