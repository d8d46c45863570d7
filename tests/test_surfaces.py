"""optlib.surfaces: the test functions are right, and path() runs the optimizers' own rules."""
import dataclasses
import warnings

import numpy as np
import pytest

import optlib
from optlib import compiled
from optlib import surfaces as S

import keras  # noqa: E402  (after optlib, which quiets TensorFlow)
import tensorflow as tf  # noqa: E402


def numeric_gradient(f, x, y, h=1e-6):
    return np.array([(f(x + h, y) - f(x - h, y)) / (2 * h), (f(x, y + h) - f(x, y - h)) / (2 * h)])


def test_registry_names_the_four_surfaces():
    assert S.SURFACES == {"quadratic": S.QUADRATIC, "rosenbrock": S.ROSENBROCK,
                          "beale": S.BEALE, "saddle": S.SADDLE}
    for name, surface in S.SURFACES.items():
        assert surface.name == name
        assert isinstance(surface.label, str) and surface.label
        (x0, x1), (y0, y1) = surface.xlim, surface.ylim
        assert x0 < surface.start[0] < x1 and y0 < surface.start[1] < y1, name
        assert x0 < surface.minimum[0] < x1 and y0 < surface.minimum[1] < y1, name


def test_surface_is_frozen_and_checks_its_points():
    with pytest.raises(dataclasses.FrozenInstanceError):
        S.QUADRATIC.start = (0.0, 0.0)
    with pytest.raises(ValueError, match="pair of finite numbers"):
        S.Surface("bad", "bad", lambda x, y: x, (0, 0), 0.0, (0, float("nan")), (-1, 1), (-1, 1))


@pytest.mark.parametrize("name", sorted(S.SURFACES))
def test_minimum_value_and_zero_gradient_at_the_minimum(name):
    surface = S.SURFACES[name]
    x, y = surface.minimum
    assert surface.f(x, y) == pytest.approx(surface.minimum_value, abs=1e-12)
    np.testing.assert_allclose(numeric_gradient(surface.f, x, y), 0.0, atol=1e-6)
    # A global minimum: nothing on a grid over the window is lower.
    gx, gy = np.meshgrid(np.linspace(*surface.xlim, 201), np.linspace(*surface.ylim, 201))
    assert np.min(surface.f(gx, gy)) >= surface.minimum_value - 1e-12


@pytest.mark.parametrize("name", sorted(S.SURFACES))
def test_f_gives_the_same_values_on_tensors_and_arrays(name):
    surface = S.SURFACES[name]
    rng = np.random.default_rng(0)
    x = rng.uniform(*surface.xlim, size=50)
    y = rng.uniform(*surface.ylim, size=50)
    on_tensors = surface.f(tf.constant(x), tf.constant(y)).numpy()
    np.testing.assert_allclose(on_tensors, surface.f(x, y), rtol=1e-12)


def test_known_values_off_the_minimum():
    assert S.QUADRATIC.f(-5.0, -2.0) == pytest.approx(0.1 * 25 + 2 * 4)
    assert S.ROSENBROCK.f(0.0, 0.0) == pytest.approx(1.0)
    assert S.BEALE.f(1.0, 1.5) == pytest.approx(2.0 ** 2 + 3.5 ** 2 + 5.0 ** 2)
    assert S.BEALE.f(-1.0, -1.0) == pytest.approx(3.5 ** 2 + 2.25 ** 2 + 4.625 ** 2)  # odd power of y < 0
    assert S.SADDLE.f(1.0, 2.0) == pytest.approx(1 + 4 - 2)


def test_saddle_is_a_saddle_between_two_minima():
    f = S.SADDLE.f
    np.testing.assert_allclose(numeric_gradient(f, 0.0, 0.0), 0.0, atol=1e-9)
    for h in (1e-2, 1e-1, 0.5):
        assert f(h, 0.0) > f(0.0, 0.0) and f(-h, 0.0) > f(0.0, 0.0)  # up along x
        assert f(0.0, h) < f(0.0, 0.0) and f(0.0, -h) < f(0.0, 0.0)  # down along y
    assert S.SADDLE.minimum == (0.0, 1.0)
    assert f(0.0, -1.0) == pytest.approx(-0.25) and S.SADDLE.minimum_value == pytest.approx(-0.25)


def test_path_shape_dtype_and_start():
    points = S.path(optlib.SGD(0.1), S.QUADRATIC, steps=7)
    assert points.shape == (8, 2) and points.dtype == np.float64
    np.testing.assert_array_equal(points[0], S.QUADRATIC.start)
    other = S.path(optlib.SGD(0.1), S.QUADRATIC, start=[1.0, 2.5], steps=7)
    np.testing.assert_array_equal(other[0], [1.0, 2.5])
    np.testing.assert_array_equal(S.path(optlib.SGD(0.1), S.QUADRATIC, start=np.array([-5, -2]), steps=7),
                                  points)


@pytest.mark.parametrize("lr", [0.1, 0.3])
def test_sgd_on_the_quadratic_is_the_closed_form(lr):
    steps = 30
    points = S.path(optlib.SGD(lr), S.QUADRATIC, steps=steps)
    t = np.arange(steps + 1)
    expected = np.stack([-5.0 * (1 - lr * 2 * 0.1) ** t, -2.0 * (1 - lr * 2 * 2.0) ** t], axis=1)
    np.testing.assert_allclose(points, expected, rtol=1e-5, atol=1e-7)


def rosenbrock_gradient(w):
    x, y = w
    return np.array([-2 * (1 - x) - 400 * x * (y - x ** 2), 200 * (y - x ** 2)])


def test_adam_path_equals_numpy_adam():
    lr, b1, b2, eps, steps = 0.05, 0.9, 0.999, 1e-7, 8
    w = np.array(S.ROSENBROCK.start)
    m = np.zeros(2)
    v = np.zeros(2)
    expected = [w]
    for t in range(1, steps + 1):
        g = rosenbrock_gradient(w)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g ** 2
        w = w - lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
        expected.append(w)
    points = S.path(optlib.Adam(lr, beta_1=b1, beta_2=b2, epsilon=eps), S.ROSENBROCK, steps=steps)
    np.testing.assert_allclose(points, np.array(expected), rtol=1e-5, atol=1e-6)
    assert not np.allclose(points[1], points[0])


def test_sgdm_path_equals_numpy_momentum():
    lr, beta, steps = 0.2, 0.9, 12
    w = np.array(S.QUADRATIC.start)
    m = np.zeros(2)
    expected = [w]
    for _ in range(steps):
        g = np.array([0.2, 4.0]) * w
        m = beta * m + (1 - beta) * g
        w = w - lr * m
        expected.append(w)
    points = S.path(optlib.SGDM(lr, beta=beta), S.QUADRATIC, steps=steps)
    np.testing.assert_allclose(points, np.array(expected), rtol=1e-5, atol=1e-6)


def test_learning_rate_schedule_is_read_at_step_t_minus_1():
    schedule = keras.optimizers.schedules.ExponentialDecay(0.4, decay_steps=1, decay_rate=0.5)
    steps = 6
    points = S.path(optlib.SGD(schedule), S.QUADRATIC, steps=steps)
    lrs = 0.4 * 0.5 ** np.arange(steps)  # lr at t = 1..steps is schedule(t - 1)
    factors = 1 - np.outer(lrs, [0.2, 4.0])
    expected = np.vstack([S.QUADRATIC.start, S.QUADRATIC.start * np.cumprod(factors, axis=0)])
    np.testing.assert_allclose(points, expected, rtol=1e-5, atol=1e-7)
    # differs from the constant rate 0.4
    assert not np.allclose(points, S.path(optlib.SGD(0.4), S.QUADRATIC, steps=steps))


def test_a_learning_rate_sweep_reuses_one_compiled_function():
    steps = 17  # a step count no other test uses, so this test owns its cache entry
    before = compiled.cache_size()
    first = S.path(optlib.SGD(0.1), S.SADDLE, steps=steps)
    assert compiled.cache_size() == before + 1
    (key,) = [k for k in compiled._CACHE if k[2] is S.SADDLE and k[3] == steps]
    run = compiled._CACHE[key][0]
    second = S.path(optlib.SGD(0.05), S.SADDLE, steps=steps)
    third = S.path(optlib.SGD(0.05), S.SADDLE, start=(1.0, -0.5), steps=steps)
    assert compiled.cache_size() == before + 1
    assert run.experimental_get_tracing_count() == 1
    assert not np.allclose(first, second)
    np.testing.assert_allclose(second[:, 0], -1.5 * (1 - 0.05 * 2) ** np.arange(steps + 1), rtol=1e-5)
    np.testing.assert_array_equal(third[0], [1.0, -0.5])
    # another optimizer is another rule: a new entry
    S.path(optlib.Adam(0.1), S.SADDLE, steps=steps)
    assert compiled.cache_size() == before + 2


def test_plain_sgd_lingers_at_the_saddle_then_leaves():
    points = S.path(optlib.SGD(0.1), S.SADDLE, steps=150)
    x, y = points[30]
    assert abs(x) < 0.01 and 0 < y < 0.05  # next to the saddle point (0, 0) after 30 steps
    assert S.values(S.SADDLE, points[30]) > -0.01
    np.testing.assert_allclose(points[-1], S.SADDLE.minimum, atol=1e-3)  # found the minimum in the end


def test_divergence_is_returned_not_raised():
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no overflow warnings from values()
        points = S.path(optlib.SGD(1.1), S.QUADRATIC, steps=100)
        f = S.values(S.QUADRATIC, points)
    assert points.shape == (101, 2)
    y = np.abs(points[:, 1])
    finite = np.isfinite(y)
    assert not finite.all()  # became inf/NaN (float32 overflows near 3.4e38)
    k = int(np.argmin(finite))
    assert np.all(np.diff(y[:k]) > 0)  # |y| grows by |1 - 1.1 * 4| = 3.4 per step until then
    np.testing.assert_allclose(y[1:6] / y[:5], 3.4, rtol=1e-5)
    assert f[k - 1] > 1e30 and not np.isfinite(f[-1])


def test_values_along_a_path():
    points = S.path(optlib.SGD(0.1), S.QUADRATIC, steps=20)
    f = S.values(S.QUADRATIC, points)
    assert f.shape == (21,)
    np.testing.assert_allclose(f, 0.1 * points[:, 0] ** 2 + 2 * points[:, 1] ** 2)
    assert np.all(np.diff(f) < 0)
    with pytest.raises(ValueError, match=r"\(\.\.\., 2\)"):
        S.values(S.QUADRATIC, np.zeros((3, 3)))
    with pytest.raises(TypeError, match="Surface"):
        S.values("quadratic", points)


@pytest.mark.parametrize("steps", [0, -3, 2.5, True, "10", None])
def test_bad_steps(steps):
    with pytest.raises(ValueError, match="steps"):
        S.path(optlib.SGD(0.1), S.QUADRATIC, steps=steps)


@pytest.mark.parametrize("start", [(1.0,), (1.0, 2.0, 3.0), (float("nan"), 0.0), (0.0, float("inf")),
                                   "ab", ("a", 1.0), (True, 1.0), 3.0, [[1.0], [2.0, 3.0]]])
def test_bad_start(start):
    with pytest.raises(ValueError, match="start.*pair of finite numbers"):
        S.path(optlib.SGD(0.1), S.QUADRATIC, start=start)


def test_bad_surface_and_optimizer():
    with pytest.raises(TypeError, match="Surface"):
        S.path(optlib.SGD(0.1), "quadratic")
    with pytest.raises(TypeError, match="optlib optimizer"):
        S.path(keras.optimizers.SGD(0.1), S.QUADRATIC)
