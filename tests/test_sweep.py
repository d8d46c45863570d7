"""optlib.sweep: the best rate is the lowest mean final loss among rates no seed diverged at."""
import numpy as np
import pytest

import optlib


@pytest.fixture(scope="module")
def result():
    return optlib.sweep.run({"SGD": optlib.SGD}, [0.01, 0.3], seeds=[0, 1], epochs=5)


def test_runs_are_train_calls_at_each_rate(result):
    alone = optlib.train(optlib.SGD(0.3), epochs=5, seeds=[0, 1])
    np.testing.assert_array_equal(result.runs["SGD"][1].loss, alone.loss)


def test_best_rate_is_the_lowest_mean_final_loss(result):
    loss = result.mean_final_loss("SGD")
    assert result.best_rate("SGD") == 0.3 and loss[1] < loss[0]
    assert result.best("SGD") is result.runs["SGD"][1]


class Final:
    def __init__(self, *final_loss):
        self.final_loss = np.array(final_loss)


def test_a_rate_where_one_seed_diverged_is_never_best():
    """The lowest mean of the finite seeds would be rate 1; one NaN seed rules it out."""
    runs = {"X": [Final(0.5, 0.5), Final(0.1, np.nan), Final(0.3, 0.2)]}
    result = optlib.sweep.Sweep(np.array([0.1, 1.0, 10.0]), runs)
    np.testing.assert_array_equal(result.mean_final_loss("X"), [0.5, np.inf, 0.25])
    assert result.best_rate("X") == 10.0
    assert result.window("X", factor=2.0) == (0.1, 10.0)


def test_window_holds_the_rates_within_the_factor(result):
    loss = result.mean_final_loss("SGD")
    assert result.window("SGD", factor=1.0) == (0.3, 0.3)
    wide = loss[0] / loss[1] * 1.01
    assert result.window("SGD", factor=wide) == (0.01, 0.3)


@pytest.mark.parametrize("rates", [[], [0.1, -1.0], [[0.1]]])
def test_bad_rates_are_refused(rates):
    with pytest.raises(ValueError, match="`rates`"):
        optlib.sweep.run({"SGD": optlib.SGD}, rates, seeds=[0], epochs=1)
