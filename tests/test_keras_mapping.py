"""optlib's optimizers against Keras' own, where an exact mapping exists, and the stated
difference where it does not (read from Keras 3's sources, keras/src/optimizers/*.py).

Exact mappings (constant learning rate):
    optlib.SGD(lr)                     == keras SGD(lr)
    optlib.SGDM(lr, b)                 == keras SGD(lr * (1 - b), momentum=b)
    optlib.NAG(lr, b)                  == keras SGD(lr * (1 - b), momentum=b, nesterov=True)
    optlib.AdaDelta(lr, rho, eps)      == keras Adadelta(lr, rho, eps)
    optlib.AdaGrad(lr, epsilon=0)      == keras Adagrad(lr, initial_accumulator_value=0, epsilon=0)
    optlib.RMSProp(lr, b, epsilon=0)   == keras RMSprop(lr, rho=b, epsilon=0)
    optlib.Adam(lr, b1, b2, epsilon=0) == keras Adam(lr, b1, b2, epsilon=0)   (up to rounding)
    optlib.AdamW(lr, wd, b1, b2, epsilon=0)  == keras AdamW(lr, wd, b1, b2, epsilon=0)  (as Adam)
    optlib.AMSGrad(lr, b1, b2, epsilon=0)   == keras Adam(lr, b1, b2, epsilon=0, amsgrad=True)  (as Adam)
    optlib.AdaMax(lr, b1, b2, eps)          == keras Adamax(lr, b1, b2, eps)   (any eps: u + eps in both)
    optlib.Nadam(lr, b1, b2, eps)           == keras Nadam(lr, b1, b2, eps)    (any eps: sqrt(V^) + eps in both)
    optlib.Lion(lr, b1, b2)                 == keras Lion(lr, b1, b2)          (bit for bit: no epsilon)
No exact mapping with epsilon > 0: Keras' AdaGrad and RMSProp put epsilon inside the square root
(g / sqrt(V + eps), and AdaGrad starts V at 0.1 by default); Keras' Adam uses the "epsilon hat" form
w -= lr sqrt(1-b2^t)/(1-b1^t) m / (sqrt(V) + eps_hat), which is optlib's Adam with the
step-dependent eps = eps_hat / sqrt(1 - b2^t).
"""
import keras
import numpy as np
import pytest
import tensorflow as tf

import optlib

STEPS = 6


def gradients(seed, scale=0.5, shape=(3, 4)):
    """Random gradients with no zero element (so that epsilon = 0 is safe)."""
    rng = np.random.default_rng(seed)
    g = rng.normal(scale=scale, size=(STEPS,) + shape)
    g = np.where(np.abs(g) < 1e-3 * scale, 1e-3 * scale, g)
    return g.astype(np.float32)


def run(optimizer, grads, seed=0):
    w0 = np.random.default_rng(seed + 50).normal(size=grads.shape[1:]).astype(np.float32)
    variable = tf.Variable(w0)
    trajectory = []
    for g in grads:
        optimizer.apply_gradients([(tf.constant(g), variable)])
        trajectory.append(variable.numpy().copy())
    return np.array(trajectory)


def assert_same_trajectory(a, b, rtol=1e-5, atol=1e-6):
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


def test_sgd_is_keras_sgd():
    """optlib.SGD(lr) == keras SGD(lr): w -= lr g in both."""
    grads = gradients(0)
    assert_same_trajectory(run(optlib.SGD(learning_rate=0.3), grads),
                           run(keras.optimizers.SGD(learning_rate=0.3), grads), rtol=1e-6, atol=0)


@pytest.mark.parametrize("lr, beta", [(0.1, 0.9), (0.5, 0.5), (0.2, 0.0)])
def test_sgdm_is_keras_momentum_with_scaled_rate(lr, beta):
    """optlib.SGDM(lr, b) == keras SGD(lr (1-b), momentum=b). Keras keeps v = b v - lr' g and does
    w += v; with lr' = lr (1-b), v_t = -lr m_t by induction, so both steps are -lr m_t."""
    grads = gradients(1)
    assert_same_trajectory(
        run(optlib.SGDM(learning_rate=lr, beta=beta), grads),
        run(keras.optimizers.SGD(learning_rate=lr * (1 - beta), momentum=beta), grads))


def test_sgdm_is_not_keras_momentum_with_the_same_rate():
    """The rate must be scaled: with the unscaled rate Keras steps 1/(1-b) = 10 times as far."""
    grads = gradients(1)
    ours = run(optlib.SGDM(learning_rate=0.1, beta=0.9), grads)
    theirs = run(keras.optimizers.SGD(learning_rate=0.1, momentum=0.9), grads)
    assert np.abs(ours - theirs).max() > 1e-2


@pytest.mark.parametrize("lr, beta", [(0.1, 0.9), (0.5, 0.5)])
def test_nag_is_keras_nesterov_with_scaled_rate(lr, beta):
    """optlib.NAG(lr, b) == keras SGD(lr (1-b), momentum=b, nesterov=True). Keras' nesterov step is
    w += b v_t - lr' g_t with v_t = -lr m_t, i.e. w -= lr (b m_t + (1-b) g_t): optlib's NAG."""
    grads = gradients(2)
    ours = run(optlib.NAG(learning_rate=lr, beta=beta), grads)
    assert_same_trajectory(
        ours,
        run(keras.optimizers.SGD(learning_rate=lr * (1 - beta), momentum=beta, nesterov=True), grads))
    # and NAG is not SGDM: the look-ahead changes the trajectory
    assert np.abs(ours - run(optlib.SGDM(learning_rate=lr, beta=beta), grads)).max() > 1e-3


@pytest.mark.parametrize("lr, rho, eps", [(1.0, 0.95, 1e-6), (0.5, 0.8, 1e-3)])
def test_adadelta_is_keras_adadelta(lr, rho, eps):
    """optlib.AdaDelta(lr, rho, eps) == keras Adadelta(lr, rho, eps): both put eps inside both
    square roots (Zeiler's RMS[x] = sqrt(E[x^2] + eps))."""
    grads = gradients(3)
    assert_same_trajectory(
        run(optlib.AdaDelta(learning_rate=lr, rho=rho, epsilon=eps), grads),
        run(keras.optimizers.Adadelta(learning_rate=lr, rho=rho, epsilon=eps), grads))


def test_adagrad_without_epsilon_is_keras_adagrad_from_zero():
    """optlib.AdaGrad(lr, epsilon=0) == keras Adagrad(lr, initial_accumulator_value=0, epsilon=0):
    both are w -= lr g / sqrt(sum g^2)."""
    grads = gradients(4)
    assert_same_trajectory(
        run(optlib.AdaGrad(learning_rate=0.1, epsilon=0.0), grads),
        run(keras.optimizers.Adagrad(learning_rate=0.1, initial_accumulator_value=0.0, epsilon=0.0),
            grads))


def test_adagrad_keras_defaults_differ_as_stated():
    """Keras' Adagrad: V starts at 0.1 and eps is inside the root: first step lr g / sqrt(0.1 + g^2 + eps).
    optlib's: lr g / (sqrt(g^2) + eps). Checked one step against both formulas, and they differ."""
    g = np.array([[0.01, -0.3, 2.0]], np.float32)  # one step
    lr, eps = 0.1, 1e-7
    w_keras = run(keras.optimizers.Adagrad(learning_rate=lr, epsilon=eps), g)[0]
    w_ours = run(optlib.AdaGrad(learning_rate=lr, epsilon=eps), g)[0]
    w0 = np.random.default_rng(50).normal(size=g.shape[1:]).astype(np.float32)
    g64 = g[0].astype(np.float64)
    np.testing.assert_allclose(w_keras, w0 - lr * g64 / np.sqrt(0.1 + g64 ** 2 + eps), rtol=1e-6)
    np.testing.assert_allclose(w_ours, w0 - lr * g64 / (np.sqrt(g64 ** 2) + eps), rtol=1e-6)
    assert np.abs(w_keras - w_ours).max() > 1e-2


def test_rmsprop_without_epsilon_is_keras_rmsprop():
    """optlib.RMSProp(lr, b, epsilon=0) == keras RMSprop(lr, rho=b, epsilon=0): w -= lr g / sqrt(V)."""
    grads = gradients(5)
    assert_same_trajectory(
        run(optlib.RMSProp(learning_rate=0.01, beta=0.9, epsilon=0.0), grads),
        run(keras.optimizers.RMSprop(learning_rate=0.01, rho=0.9, epsilon=0.0), grads))


@pytest.mark.parametrize("cls, keras_cls, kwargs, keras_kwargs", [
    (optlib.RMSProp, keras.optimizers.RMSprop, {"beta": 0.9}, {"rho": 0.9}),
    (optlib.AdaGrad, keras.optimizers.Adagrad, {}, {"initial_accumulator_value": 0.0}),
])
def test_epsilon_inside_versus_outside_the_root(cls, keras_cls, kwargs, keras_kwargs):
    """With eps > 0 Keras divides by sqrt(V + eps), optlib by sqrt(V) + eps. Small gradients (1e-3)
    make the difference visible; each is checked against its own NumPy formula."""
    eps, lr = 1e-5, 0.01
    grads = gradients(6, scale=1e-3)
    ours = run(cls(learning_rate=lr, epsilon=eps, **kwargs), grads)
    theirs = run(keras_cls(learning_rate=lr, epsilon=eps, **keras_kwargs), grads)
    w = np.random.default_rng(50).normal(size=grads.shape[1:])
    w_in, w_out, v = w.copy(), w.copy(), np.zeros_like(w)
    for g in grads.astype(np.float64):
        v = 0.9 * v + 0.1 * g ** 2 if "beta" in kwargs else v + g ** 2
        w_in = w_in - lr * g / np.sqrt(v + eps)
        w_out = w_out - lr * g / (np.sqrt(v) + eps)
    np.testing.assert_allclose(theirs[-1], w_in, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours[-1], w_out, rtol=1e-5, atol=1e-6)
    assert np.abs(ours[-1] - theirs[-1]).max() > 1e-3


def test_adam_without_epsilon_is_keras_adam():
    """optlib.Adam(lr, b1, b2, epsilon=0) == keras Adam(lr, b1, b2, epsilon=0) up to rounding: Keras'
    alpha form lr sqrt(1-b2^t)/(1-b1^t) m / sqrt(V) is algebraically lr m_hat / sqrt(V_hat), but
    it rounds 1 - b2^t (about 1e-3) in float32, a relative error near 1e-5 in each step of size lr:
    so the tolerance is 1e-5 * lr per step here, and optlib is checked to be the closer of the two
    to the float64 equation."""
    grads = gradients(7)
    ours = run(optlib.Adam(learning_rate=0.1, beta_1=0.9, beta_2=0.999, epsilon=0.0), grads)
    theirs = run(keras.optimizers.Adam(learning_rate=0.1, beta_1=0.9, beta_2=0.999, epsilon=0.0), grads)
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=STEPS * 1e-6)
    w = np.random.default_rng(50).normal(size=grads.shape[1:]).astype(np.float32).astype(np.float64)
    m, v = np.zeros_like(w), np.zeros_like(w)
    for t, g in enumerate(grads.astype(np.float64), start=1):
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g ** 2
        w = w - 0.1 * (m / (1 - 0.9 ** t)) / np.sqrt(v / (1 - 0.999 ** t))
    assert np.abs(ours[-1] - w).max() <= np.abs(theirs[-1] - w).max()
    np.testing.assert_allclose(ours[-1], w, rtol=0, atol=1e-6)


def test_adam_epsilon_hat_is_a_step_dependent_epsilon():
    """Keras' eps_hat at step t is optlib's eps = eps_hat / sqrt(1 - b2^t): one step from zero state
    with tiny gradients (so eps matters) matches optlib with eps_hat / sqrt(1 - b2) (3.2e-4 for
    eps_hat = 1e-5 here) and not optlib with eps = eps_hat. No constant eps maps for all steps."""
    eps_hat, b2 = 1e-5, 0.999
    g = gradients(8, scale=1e-5)[:1]
    theirs = run(keras.optimizers.Adam(learning_rate=0.1, beta_2=b2, epsilon=eps_hat), g)
    mapped = run(optlib.Adam(learning_rate=0.1, beta_2=b2, epsilon=eps_hat / np.sqrt(1 - b2)), g)
    same_eps = run(optlib.Adam(learning_rate=0.1, beta_2=b2, epsilon=eps_hat), g)
    np.testing.assert_allclose(theirs, mapped, rtol=1e-5, atol=1e-7)
    assert np.abs(theirs - same_eps).max() > 1e-2

    # at step 2 the first step's constant no longer maps
    g2 = gradients(8, scale=1e-5)[:2]
    theirs2 = run(keras.optimizers.Adam(learning_rate=0.1, beta_2=b2, epsilon=eps_hat), g2)
    mapped2 = run(optlib.Adam(learning_rate=0.1, beta_2=b2, epsilon=eps_hat / np.sqrt(1 - b2)), g2)
    assert np.abs(theirs2[-1] - mapped2[-1]).max() > 1e-4


# ------------------------------------------------------------------ AdamW, AMSGrad, AdaMax, Nadam, Lion
LONG = 30
WD = {"AdamW": 0.1}
NEW_PAIRS = {
    # name: (optlib, keras), each taking (lr, b1, b2, eps); Lion has no epsilon
    "AdamW": (lambda lr, b1, b2, eps: optlib.AdamW(lr, WD["AdamW"], b1, b2, epsilon=eps),
              lambda lr, b1, b2, eps: keras.optimizers.AdamW(lr, WD["AdamW"], b1, b2, epsilon=eps)),
    "AMSGrad": (lambda lr, b1, b2, eps: optlib.AMSGrad(lr, b1, b2, epsilon=eps),
                lambda lr, b1, b2, eps: keras.optimizers.Adam(lr, b1, b2, epsilon=eps, amsgrad=True)),
    "AdaMax": (lambda lr, b1, b2, eps: optlib.AdaMax(lr, b1, b2, epsilon=eps),
               lambda lr, b1, b2, eps: keras.optimizers.Adamax(lr, b1, b2, epsilon=eps)),
    "Nadam": (lambda lr, b1, b2, eps: optlib.Nadam(lr, b1, b2, epsilon=eps),
              lambda lr, b1, b2, eps: keras.optimizers.Nadam(lr, b1, b2, epsilon=eps)),
    "Lion": (lambda lr, b1, b2, eps: optlib.Lion(lr, b1, b2),
             lambda lr, b1, b2, eps: keras.optimizers.Lion(lr, b1, b2)),
}
HYPER = [(0.01, 0.9, 0.999), (0.3, 0.5, 0.9), (0.001, 0.99, 0.95)]


def long_gradients(seed, scale):
    """LONG gradients whose size changes from step to step (a factor e^N(0, 1)), so that V both
    grows and shrinks (AMSGrad's maximum then differs from Adam's V); no zero element."""
    rng = np.random.default_rng(seed)
    g = rng.normal(scale=scale, size=(LONG, 3, 4)) * np.exp(rng.normal(size=(LONG, 1, 1)))
    g = np.where(np.abs(g) < 1e-3 * scale, 1e-3 * scale, g)
    return g.astype(np.float32)


def keras_adam_rounding(b2):
    """Keras' Adam updates v with 1 - b2 rounded from float64, |(1 - b2) - 1e-3| ~ 0, but corrects
    it by 1 - float32(b2)**t: V^ is off by the constant factor (1 - b2) / (1 - float32(b2)), each
    step by its square root. 6.4e-6 (54 float32 ulps) for b2 = 0.999, 1.2e-7 for 0.9 and 0.95."""
    exact = np.float32(1.0 - b2)
    rounded = np.float32(1.0) - np.float32(b2)
    return abs(np.sqrt(np.float64(exact) / np.float64(rounded)) - 1.0)


@pytest.mark.parametrize("name", sorted(NEW_PAIRS))
@pytest.mark.parametrize("lr, b1, b2", HYPER)
@pytest.mark.parametrize("scale", [1e-3, 10.0])
def test_new_optimizers_equal_keras_at_every_step(name, lr, b1, b2, scale):
    """Every step of a 30-step run, epsilon = 0, gradients about 1e-3 and 10: the difference stays
    within 8 float32 ulps of the scale of the weights, |w| + t lr (the sums are formed in other
    orders, and the last bits accumulate over the steps); AdamW and AMSGrad, which are Keras'
    Adam, also within Keras' own rounding of 1 - b2 (keras_adam_rounding), t lr times it."""
    ours_make, keras_make = NEW_PAIRS[name]
    grads = long_gradients(20, scale)
    ours = run(ours_make(lr, b1, b2, 0.0), grads)
    theirs = run(keras_make(lr, b1, b2, 0.0), grads)
    t = np.arange(1, LONG + 1)[:, None, None]
    bound = 8 * np.finfo(np.float32).eps * (np.abs(theirs) + t * lr)
    if name in ("AdamW", "AMSGrad"):
        bound = bound + t * lr * keras_adam_rounding(b2)
    assert np.isfinite(ours).all()
    worst = np.abs(ours - theirs) / bound
    assert worst.max() <= 1.0, (worst.max(), np.unravel_index(worst.argmax(), worst.shape))
    assert np.abs(ours[-1] - run(optlib.Adam(lr, b1, b2, epsilon=0.0), grads)[-1]).max() > 1e-4 * lr


def test_lion_equals_keras_bit_for_bit():
    """sign() leaves no rounding to accumulate: the same weights to the last bit, and the weights
    move by exactly lr * sign per element (Lion's update has one size)."""
    grads = long_gradients(21, 1.0)
    ours = run(optlib.Lion(0.25, 0.9, 0.99), grads)
    np.testing.assert_array_equal(ours, run(keras.optimizers.Lion(0.25, 0.9, 0.99), grads))
    w0 = np.random.default_rng(50).normal(size=grads.shape[1:]).astype(np.float32)
    steps = np.abs(np.diff(np.concatenate([w0[None], ours]), axis=0))
    np.testing.assert_allclose(steps, 0.25, rtol=0, atol=4 * np.finfo(np.float32).eps * 4)


@pytest.mark.parametrize("name", ["AdaMax", "Nadam"])
@pytest.mark.parametrize("eps", [1e-3, 1e-6])
def test_adamax_and_nadam_put_epsilon_where_keras_does(name, eps):
    """Keras' Adamax divides by u + eps and its Nadam by sqrt(V^) + eps (V^ the bias-corrected V:
    not the "epsilon hat" its docstring names, the one of Keras' Adam): optlib's epsilon sits in the
    same place, so they agree for every eps. Gradients of 1e-3 make eps = 1e-3 matter: checked."""
    ours_make, keras_make = NEW_PAIRS[name]
    grads = long_gradients(22, 1e-3)
    lr = 0.01
    ours = run(ours_make(lr, 0.9, 0.999, eps), grads)
    theirs = run(keras_make(lr, 0.9, 0.999, eps), grads)
    t = np.arange(1, LONG + 1)[:, None, None]
    bound = 8 * np.finfo(np.float32).eps * (np.abs(theirs) + t * lr)
    assert (np.abs(ours - theirs) <= bound).all()
    if eps == 1e-3:
        assert np.abs(ours[-1] - run(ours_make(lr, 0.9, 0.999, 0.0), grads)[-1]).max() > lr


def test_adamw_decays_once_as_keras_does():
    """With zero gradients Adam's step is 0 / (0 + eps) = 0, so only the decay moves the weights:
    w_t = w_0 (1 - lr wd)^t, in optlib's AdamW (the decay is in its rule) and in Keras' (the base
    class applies it before the step), and not (1 - lr wd)^(2t) (applied twice)."""
    lr, wd, steps = 0.1, 0.5, 4
    grads = np.zeros((steps, 3, 4), np.float32)
    w0 = np.random.default_rng(50).normal(size=(3, 4)).astype(np.float32)
    expected = w0 * (1 - lr * wd) ** np.arange(1, steps + 1)[:, None, None]
    for optimizer in (optlib.AdamW(lr, weight_decay=wd), keras.optimizers.AdamW(lr, weight_decay=wd)):
        np.testing.assert_allclose(run(optimizer, grads), expected, rtol=1e-6)
    assert optlib.AdamW(lr, weight_decay=wd).weight_decay is None  # Keras' own decay is off
