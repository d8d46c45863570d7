"""Each optimizer against its equations written out independently in NumPy (float64).

The references below are written from the notes' equations, not from optlib's code: with g the
gradient, t = 1, 2, ... and every state starting at zero,

    SGD       w -= lr g
    SGDM      m = b m + (1-b) g;                      w -= lr m
    NAG       m = b m + (1-b) g;                      w -= lr (b m + (1-b) g)
    AdaGrad   V += g^2;                               w -= lr g / (sqrt(V) + eps)
    RMSProp   V = b V + (1-b) g^2;                    w -= lr g / (sqrt(V) + eps)
    AdaDelta  V = r V + (1-r) g^2;  D0 = sqrt(D + eps) / sqrt(V + eps) g;
              D = r D + (1-r) D0^2;                   w -= lr D0
    Adam      m = b1 m + (1-b1) g;  V = b2 V + (1-b2) g^2;
              w -= lr (m / (1-b1^t)) / (sqrt(V / (1-b2^t)) + eps)

optlib runs in float32, so results are compared with a float32-sized tolerance.
"""
import numpy as np
import pytest
import tensorflow as tf

import optlib
from optlib import moments as M

SHAPE = (3, 4)
STEPS = 6
RTOL, ATOL = 2e-5, 1e-6


# ------------------------------------------------------------------ NumPy references (float64)
def ref_sgd(w, grads, lr):
    for g in grads:
        w = w - lr * g
    return w, {"m": grads[-1], "V": np.ones_like(w)}


def ref_sgdm(w, grads, lr, beta):
    m = np.zeros_like(w)
    for g in grads:
        m = beta * m + (1 - beta) * g
        w = w - lr * m
    return w, {"m": m, "V": np.ones_like(w)}


def ref_nag(w, grads, lr, beta):
    m = np.zeros_like(w)
    for g in grads:
        m = beta * m + (1 - beta) * g
        w = w - lr * (beta * m + (1 - beta) * g)
    return w, {"m": m, "V": np.ones_like(w)}


def ref_adagrad(w, grads, lr, eps):
    v = np.zeros_like(w)
    for g in grads:
        v = v + g ** 2
        w = w - lr * g / (np.sqrt(v) + eps)
    return w, {"m": grads[-1], "V": v}


def ref_rmsprop(w, grads, lr, beta, eps):
    v = np.zeros_like(w)
    for g in grads:
        v = beta * v + (1 - beta) * g ** 2
        w = w - lr * g / (np.sqrt(v) + eps)
    return w, {"m": grads[-1], "V": v}


def ref_adadelta(w, grads, lr, rho, eps):
    v = np.zeros_like(w)
    d = np.zeros_like(w)
    for g in grads:
        v = rho * v + (1 - rho) * g ** 2
        delta = np.sqrt(d + eps) / np.sqrt(v + eps) * g
        d = rho * d + (1 - rho) * delta ** 2
        w = w - lr * delta
    return w, {"m": grads[-1], "V": v, "D": d}


def ref_adam(w, grads, lr, beta_1, beta_2, eps):
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    for t, g in enumerate(grads, start=1):
        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g ** 2
        m_hat = m / (1 - beta_1 ** t)
        v_hat = v / (1 - beta_2 ** t)
        w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
    return w, {"m": m, "V": v}


# (optimizer factory, reference with the same hyper-parameters); non-default values on purpose
CASES = {
    "SGD": (lambda: optlib.SGD(learning_rate=0.3), lambda w, g: ref_sgd(w, g, 0.3)),
    "SGDM": (lambda: optlib.SGDM(learning_rate=0.3, beta=0.8), lambda w, g: ref_sgdm(w, g, 0.3, 0.8)),
    "NAG": (lambda: optlib.NAG(learning_rate=0.3, beta=0.8), lambda w, g: ref_nag(w, g, 0.3, 0.8)),
    "AdaGrad": (lambda: optlib.AdaGrad(learning_rate=0.2, epsilon=1e-3),
                lambda w, g: ref_adagrad(w, g, 0.2, 1e-3)),
    "RMSProp": (lambda: optlib.RMSProp(learning_rate=0.05, beta=0.8, epsilon=1e-3),
                lambda w, g: ref_rmsprop(w, g, 0.05, 0.8, 1e-3)),
    "AdaDelta": (lambda: optlib.AdaDelta(learning_rate=0.7, rho=0.8, epsilon=1e-3),
                 lambda w, g: ref_adadelta(w, g, 0.7, 0.8, 1e-3)),
    "Adam": (lambda: optlib.Adam(learning_rate=0.05, beta_1=0.8, beta_2=0.9, epsilon=1e-3),
             lambda w, g: ref_adam(w, g, 0.05, 0.8, 0.9, 1e-3)),
}

# The defaults, with the small epsilons the classes ship with.
DEFAULTS = {
    "SGD": (optlib.SGD, lambda w, g: ref_sgd(w, g, 0.1)),
    "SGDM": (optlib.SGDM, lambda w, g: ref_sgdm(w, g, 0.1, 0.9)),
    "NAG": (optlib.NAG, lambda w, g: ref_nag(w, g, 0.1, 0.9)),
    "AdaGrad": (optlib.AdaGrad, lambda w, g: ref_adagrad(w, g, 0.1, 1e-7)),
    "RMSProp": (optlib.RMSProp, lambda w, g: ref_rmsprop(w, g, 0.1, 0.9, 1e-7)),
    "AdaDelta": (optlib.AdaDelta, lambda w, g: ref_adadelta(w, g, 1.0, 0.95, 1e-6)),
    "Adam": (optlib.Adam, lambda w, g: ref_adam(w, g, 0.1, 0.9, 0.999, 1e-7)),
}


def gradients(seed, zero_step=True, zero_elements=True):
    """STEPS random gradients (float32-representable); step 3 is exactly zero, and one row and
    one element are zero in every step (so V stays 0 there for the adaptive optimizers)."""
    rng = np.random.default_rng(seed)
    grads = rng.normal(scale=0.5, size=(STEPS,) + SHAPE).astype(np.float32)
    if zero_elements:
        grads[:, 0, :] = 0.0
        grads[:, 2, 1] = 0.0
    if zero_step:
        grads[2] = 0.0
    return [g.astype(np.float64) for g in grads]


def initial_weights(seed=0):
    return np.random.default_rng(seed + 100).normal(size=SHAPE).astype(np.float32)


def run_optlib(optimizer, w0, grads):
    variable = tf.Variable(w0.astype(np.float32))
    for g in grads:
        optimizer.apply_gradients([(tf.constant(g, tf.float32), variable)])
    return variable


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("seed", [0, 1])
def test_optimizer_equals_numpy_reference(name, seed):
    make, reference = CASES[name]
    w0, grads = initial_weights(seed), gradients(seed)
    variable = run_optlib(make(), w0, grads)
    expected, _ = reference(w0.astype(np.float64), grads)
    assert np.isfinite(variable.numpy()).all()
    np.testing.assert_allclose(variable.numpy(), expected, rtol=RTOL, atol=ATOL)
    # the run really moved the weights, and a zero-gradient row of a plain-gradient optimizer did not
    assert not np.allclose(variable.numpy(), w0)
    if name in ("SGD", "AdaGrad", "RMSProp", "AdaDelta", "Adam"):
        np.testing.assert_array_equal(variable.numpy()[0], w0[0])


@pytest.mark.parametrize("name", sorted(DEFAULTS))
def test_default_hyperparameters_equal_numpy_reference(name):
    make, reference = DEFAULTS[name]
    w0, grads = initial_weights(3), gradients(3)
    variable = run_optlib(make(), w0, grads)
    expected, _ = reference(w0.astype(np.float64), grads)
    np.testing.assert_allclose(variable.numpy(), expected, rtol=RTOL, atol=ATOL)


def test_each_step_not_only_the_last():
    """Adam compared after every step (t enters through the bias corrections)."""
    make, reference = CASES["Adam"]
    w0, grads = initial_weights(5), gradients(5)
    optimizer, variable = make(), tf.Variable(w0)
    for k, g in enumerate(grads, start=1):
        optimizer.apply_gradients([(tf.constant(g, tf.float32), variable)])
        expected, _ = reference(w0.astype(np.float64), grads[:k])
        np.testing.assert_allclose(variable.numpy(), expected, rtol=RTOL, atol=ATOL)
        assert int(optimizer.iterations.numpy()) == k


# ------------------------------------------------------------------ epsilon = 0: the notes' code
NOTES_FORMULAS = {
    # the notes' code: divide by sqrt(V), no epsilon
    "AdaGrad": (lambda: optlib.AdaGrad(learning_rate=0.1, epsilon=0.0),
                lambda w, g: ref_adagrad(w, g, 0.1, 0.0)),
    "RMSProp": (lambda: optlib.RMSProp(learning_rate=0.1, beta=0.9, epsilon=0.0),
                lambda w, g: ref_rmsprop(w, g, 0.1, 0.9, 0.0)),
    "Adam": (lambda: optlib.Adam(learning_rate=0.1, beta_1=0.9, beta_2=0.999, epsilon=0.0),
             lambda w, g: ref_adam(w, g, 0.1, 0.9, 0.999, 0.0)),
}


@pytest.mark.parametrize("name", sorted(NOTES_FORMULAS))
def test_epsilon_zero_is_the_notes_formula(name):
    """With epsilon=0 the step is lr * m / sqrt(V) exactly as the notes' code. Gradients are small
    (1e-4) so that the default epsilon would change the result measurably: the test can tell."""
    make, reference = NOTES_FORMULAS[name]
    w0 = initial_weights(7)
    grads = [g * 1e-4 for g in gradients(7, zero_step=False, zero_elements=False)]
    variable = run_optlib(make(), w0, grads)
    expected, _ = reference(w0.astype(np.float64), grads)
    np.testing.assert_allclose(variable.numpy(), expected, rtol=RTOL, atol=ATOL)
    with_default_eps = run_optlib(DEFAULTS[name][0](), w0, grads)
    assert np.abs(with_default_eps.numpy() - variable.numpy()).max() > 1e-4


def test_first_step_without_epsilon_is_lr_times_sign():
    """The notes' AdaGrad (no epsilon): the first step is lr * sign(g) whatever |g| is."""
    g = np.array([[1e-6, -3.0, 250.0, -0.02]], np.float64)
    w0 = np.zeros((1, 4), np.float32)
    variable = run_optlib(optlib.AdaGrad(learning_rate=0.1, epsilon=0.0), w0, [g])
    np.testing.assert_allclose(variable.numpy(), -0.1 * np.sign(g), rtol=1e-6)


@pytest.mark.parametrize("make", [lambda: optlib.AdaGrad(epsilon=0.0),
                                  lambda: optlib.RMSProp(epsilon=0.0),
                                  lambda: optlib.Adam(epsilon=0.0)])
def test_epsilon_zero_and_zero_gradient_gives_nan_as_the_notes(make):
    """Without epsilon, a gradient element that is 0 while V is 0 gives 0/0 = NaN (the notes'
    RMSProp divergence); elements with a gradient stay finite."""
    g = np.array([[0.0, 0.5]])
    variable = run_optlib(make(), np.ones((1, 2), np.float32), [g])
    assert np.isnan(variable.numpy()[0, 0])
    assert np.isfinite(variable.numpy()[0, 1])


# ------------------------------------------------------------------ composed MomentOptimizer
def ref_composed(w, grads, lr, eps, first, second):
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    for t, g in enumerate(grads, start=1):
        if first[0] == "momentum":
            m = first[1] * m + (1 - first[1]) * g
            m_used = m / (1 - first[1] ** t) if first[2] else m
        elif first[0] == "nesterov":
            m = first[1] * m + (1 - first[1]) * g
            m_used = first[1] * m + (1 - first[1]) * g
        else:
            m = g
            m_used = g
        if second[0] == "sum":
            v = v + g ** 2
            v_used = v
        elif second[0] == "mean":
            v = second[1] * v + (1 - second[1]) * g ** 2
            v_used = v / (1 - second[1] ** t) if second[2] else v
        else:
            v = np.ones_like(w)
            v_used = None
        w = w - lr * (m_used if v_used is None else m_used / (np.sqrt(v_used) + eps))
    return w, m, v


COMPOSED = {
    # "AdaGrad with momentum": the notes' SGDM m with AdaGrad's V
    "momentum+sum": (M.Momentum(0.8), M.SumOfSquares(), ("momentum", 0.8, False), ("sum",)),
    "nesterov+mean-corrected": (M.Nesterov(0.7), M.MeanOfSquares(0.95, bias_correction=True),
                                ("nesterov", 0.7), ("mean", 0.95, True)),
    "momentum-corrected+constant": (M.Momentum(0.6, bias_correction=True), M.Constant(),
                                    ("momentum", 0.6, True), ("constant",)),
    "gradient+mean": (M.Gradient(), M.MeanOfSquares(0.5), ("gradient",), ("mean", 0.5, False)),
}


@pytest.mark.parametrize("name", sorted(COMPOSED))
def test_moment_optimizer_equals_its_equation(name):
    first, second, ref_first, ref_second = COMPOSED[name]
    eps = 1e-3
    optimizer = optlib.MomentOptimizer(first=first, second=second, epsilon=eps, learning_rate=0.2)
    w0, grads = initial_weights(11), gradients(11)
    variable = run_optlib(optimizer, w0, grads)
    expected, m, v = ref_composed(w0.astype(np.float64), grads, 0.2, eps, ref_first, ref_second)
    np.testing.assert_allclose(variable.numpy(), expected, rtol=RTOL, atol=ATOL)
    moments = optimizer.moments(variable)
    np.testing.assert_allclose(moments.m.numpy(), m, rtol=RTOL, atol=1e-7)
    np.testing.assert_allclose(moments.V.numpy(), v, rtol=RTOL, atol=1e-7)


def test_moment_optimizer_rebuilds_the_named_optimizers():
    """Adam is Momentum(b1, corrected) with MeanOfSquares(b2, corrected): same numbers."""
    w0, grads = initial_weights(12), gradients(12)
    composed = optlib.MomentOptimizer(M.Momentum(0.8, bias_correction=True),
                                      M.MeanOfSquares(0.9, bias_correction=True),
                                      epsilon=1e-3, learning_rate=0.05)
    a = run_optlib(composed, w0, grads).numpy()
    b = run_optlib(CASES["Adam"][0](), w0, grads).numpy()
    np.testing.assert_array_equal(a, b)


# ------------------------------------------------------------------ moments() and state()
STATE_KEYS = {
    "SGD": ("m",), "SGDM": ("m",), "NAG": ("m",),
    "AdaGrad": ("m", "v"), "RMSProp": ("m", "v"), "Adam": ("m", "v"), "AdaDelta": ("m", "v", "d"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_moments_and_state_are_the_raw_m_and_v(name):
    """m: the EMA for SGDM/NAG/Adam (raw, before Adam's bias correction), the last gradient for
    SGD/AdaGrad/RMSProp/AdaDelta; V: 1 for SGD, SGDM, NAG, else the raw second moment."""
    make, reference = CASES[name]
    w0, grads = initial_weights(13), gradients(13, zero_step=False)
    optimizer = make()
    variable = run_optlib(optimizer, w0, grads)
    _, expected = reference(w0.astype(np.float64), grads)
    moments = optimizer.moments(variable)
    assert isinstance(moments, optlib.Moments)
    assert moments.m.shape == SHAPE and moments.V.shape == SHAPE
    np.testing.assert_allclose(moments.m.numpy(), expected["m"], rtol=RTOL, atol=1e-7)
    np.testing.assert_allclose(moments.V.numpy(), expected["V"], rtol=RTOL, atol=1e-7)
    if name in ("SGD", "SGDM", "NAG"):
        np.testing.assert_array_equal(moments.V.numpy(), np.ones(SHAPE))

    state = optimizer.state(variable)
    assert tuple(state) == STATE_KEYS[name]
    assert all(value.shape == SHAPE for value in state.values())
    np.testing.assert_allclose(state["m"].numpy(), expected["m"], rtol=RTOL, atol=1e-7)
    if "v" in state:
        np.testing.assert_allclose(state["v"].numpy(), expected["V"], rtol=RTOL, atol=1e-7)
    if "d" in state:
        np.testing.assert_allclose(state["d"].numpy(), expected["D"], rtol=RTOL, atol=1e-9)


def test_state_is_per_variable():
    optimizer = optlib.AdaGrad()
    a, b = tf.Variable([1.0, 2.0]), tf.Variable([[3.0], [4.0], [5.0]])
    optimizer.apply_gradients([(tf.constant([1.0, 2.0]), a), (tf.constant([[3.0], [0.0], [1.0]]), b)])
    np.testing.assert_allclose(optimizer.state(a)["v"].numpy(), [1.0, 4.0])
    np.testing.assert_allclose(optimizer.state(b)["v"].numpy(), [[9.0], [0.0], [1.0]])


def test_state_before_any_step_raises():
    optimizer = optlib.Adam()
    with pytest.raises(ValueError, match="no state yet"):
        optimizer.state(tf.Variable([1.0]))
    with pytest.raises(ValueError, match="no state yet"):
        optimizer.moments(tf.Variable([1.0]))


def test_state_of_an_unknown_variable_raises():
    optimizer = optlib.Adam()
    optimizer.apply_gradients([(tf.constant([1.0]), tf.Variable([1.0]))])
    with pytest.raises(ValueError):
        optimizer.state(tf.Variable([2.0]))
