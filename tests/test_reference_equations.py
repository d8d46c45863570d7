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
    AdamW     Adam's m, V;  w -= lr (m^ / (sqrt(V^) + eps) + wd w)       (Loshchilov & Hutter)
    AMSGrad   Adam's m, V;  Vmax = max(Vmax, V);
              w -= lr (m / (1-b1^t)) / (sqrt(Vmax / (1-b2^t)) + eps)     (Reddi et al.)
    AdaMax    Adam's m;  u = max(b2 u, |g|);  w -= lr (m / (1-b1^t)) / (u + eps)   (Kingma & Ba)
    Nadam     mu_t = b1 (1 - 0.5 * 0.96^(psi t)),  P_t = mu_1 ... mu_t;  Adam's m, V;
              w -= lr (mu_{t+1} m / (1 - P_t mu_{t+1}) + (1 - mu_t) g / (1 - P_t)) / (sqrt(V^) + eps)
              (Dozat; psi = 1 in Keras, 0.004 in the paper and PyTorch)
    Lion      c = b1 m + (1-b1) g;  w -= lr sign(c);  m = b2 m + (1-b2) g  (Chen et al.)

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


def ref_adamw(w, grads, lr, weight_decay, beta_1, beta_2, eps):
    """Loshchilov & Hutter (2019), Algorithm 2: w_t = w_{t-1} - eta_t (alpha m^_t / (sqrt(V^_t) + eps)
    + lambda w_{t-1}). Keras and PyTorch scale the decay by the learning rate: alpha = lr, eta_t = 1
    and the paper's lambda = lr * weight_decay."""
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    lam = lr * weight_decay
    for t, g in enumerate(grads, start=1):
        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g ** 2
        m_hat = m / (1 - beta_1 ** t)
        v_hat = v / (1 - beta_2 ** t)
        w = w - (lr * m_hat / (np.sqrt(v_hat) + eps) + lam * w)
    return w, {"m": m, "V": v}


def ref_amsgrad(w, grads, lr, beta_1, beta_2, eps):
    """Reddi et al. (2018), Algorithm 2 (AMSGrad): v^_t = max(v^_{t-1}, v_t) of the raw EMA, with
    Adam's bias corrections as Keras and PyTorch add them (the paper's algorithm has none)."""
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    v_max = np.zeros_like(w)
    for t, g in enumerate(grads, start=1):
        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g ** 2
        v_max = np.maximum(v_max, v)
        w = w - lr * (m / (1 - beta_1 ** t)) / (np.sqrt(v_max / (1 - beta_2 ** t)) + eps)
    return w, {"m": m, "V": v_max, "v": v, "v_max": v_max}


def ref_adamax(w, grads, lr, beta_1, beta_2, eps):
    """Kingma & Ba (2015), Algorithm 2 (AdaMax): u_t = max(b2 u_{t-1}, |g_t|),
    w -= (lr / (1 - b1^t)) m_t / u_t; the paper has no eps (Keras adds it to u)."""
    m = np.zeros_like(w)
    u = np.zeros_like(w)
    for t, g in enumerate(grads, start=1):
        m = beta_1 * m + (1 - beta_1) * g
        u = np.maximum(beta_2 * u, np.abs(g))
        w = w - (lr / (1 - beta_1 ** t)) * m / (u + eps)
    return w, {"m": m, "V": u ** 2, "u": u}


def ref_nadam(w, grads, lr, beta_1, beta_2, eps, momentum_decay=1.0):
    """Dozat (2016), Algorithm 2 as Keras writes it (momentum_decay = 1: Keras' 0.96^t)."""
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    product = 1.0
    for t, g in enumerate(grads, start=1):
        mu = beta_1 * (1 - 0.5 * 0.96 ** (momentum_decay * t))
        mu_next = beta_1 * (1 - 0.5 * 0.96 ** (momentum_decay * (t + 1)))
        product = product * mu
        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g ** 2
        m_hat = mu_next * m / (1 - product * mu_next) + (1 - mu) * g / (1 - product)
        w = w - lr * m_hat / (np.sqrt(v / (1 - beta_2 ** t)) + eps)
    return w, {"m": m, "V": v, "mu_product": np.full_like(w, product)}


def ref_nadam_pytorch(w, grads, lr, beta_1, beta_2, eps, momentum_decay=0.004):
    """PyTorch's torch.optim.NAdam (_single_tensor_nadam, weight_decay=0), in NumPy as PyTorch
    writes it: mu_product per parameter, and the step as two addcdiv terms over one denominator."""
    exp_avg = np.zeros_like(w)
    exp_avg_sq = np.zeros_like(w)
    mu_product = np.ones_like(w)
    for step, grad in enumerate(grads, start=1):
        bias_correction2 = 1 - beta_2 ** step
        mu = beta_1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
        mu_next = beta_1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
        mu_product = mu_product * mu
        exp_avg = exp_avg + (grad - exp_avg) * (1 - beta_1)  # lerp_
        exp_avg_sq = exp_avg_sq * beta_2 + (1 - beta_2) * grad * grad
        denom = np.sqrt(exp_avg_sq / bias_correction2) + eps
        w = w + (-lr * (1.0 - mu) / (1.0 - mu_product)) * grad / denom
        w = w + ((-lr * mu_next) / (1.0 - mu_product * mu_next)) * exp_avg / denom
    return w


def ref_lion(w, grads, lr, beta_1, beta_2):
    """Chen et al. (2023), Algorithm 2 (Lion) without weight decay."""
    m = np.zeros_like(w)
    c = np.zeros_like(w)
    for g in grads:
        c = beta_1 * m + (1 - beta_1) * g
        w = w - lr * np.sign(c)
        m = beta_2 * m + (1 - beta_2) * g
    return w, {"m": m, "V": c ** 2}


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
    "AdamW": (lambda: optlib.AdamW(learning_rate=0.05, weight_decay=0.3, beta_1=0.8, beta_2=0.9,
                                   epsilon=1e-3),
              lambda w, g: ref_adamw(w, g, 0.05, 0.3, 0.8, 0.9, 1e-3)),
    "AMSGrad": (lambda: optlib.AMSGrad(learning_rate=0.05, beta_1=0.8, beta_2=0.9, epsilon=1e-3),
                lambda w, g: ref_amsgrad(w, g, 0.05, 0.8, 0.9, 1e-3)),
    "AdaMax": (lambda: optlib.AdaMax(learning_rate=0.05, beta_1=0.8, beta_2=0.9, epsilon=1e-3),
               lambda w, g: ref_adamax(w, g, 0.05, 0.8, 0.9, 1e-3)),
    "Nadam": (lambda: optlib.Nadam(learning_rate=0.05, beta_1=0.8, beta_2=0.9, epsilon=1e-3),
              lambda w, g: ref_nadam(w, g, 0.05, 0.8, 0.9, 1e-3)),
    "Lion": (lambda: optlib.Lion(learning_rate=0.03, beta_1=0.7, beta_2=0.95),
             lambda w, g: ref_lion(w, g, 0.03, 0.7, 0.95)),
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
    "AdamW": (optlib.AdamW, lambda w, g: ref_adamw(w, g, 0.1, 0.004, 0.9, 0.999, 1e-7)),
    "AMSGrad": (optlib.AMSGrad, lambda w, g: ref_amsgrad(w, g, 0.1, 0.9, 0.999, 1e-7)),
    "AdaMax": (optlib.AdaMax, lambda w, g: ref_adamax(w, g, 0.1, 0.9, 0.999, 1e-7)),
    "Nadam": (optlib.Nadam, lambda w, g: ref_nadam(w, g, 0.1, 0.9, 0.999, 1e-7)),
    "Lion": (optlib.Lion, lambda w, g: ref_lion(w, g, 0.01, 0.9, 0.99)),
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
    if name in ("SGD", "AdaGrad", "RMSProp", "AdaDelta", "Adam", "AMSGrad", "AdaMax", "Nadam", "Lion"):
        np.testing.assert_array_equal(variable.numpy()[0], w0[0])
    if name == "AdamW":  # the decay moves a weight that never has a gradient: w (1 - lr wd)^t
        np.testing.assert_allclose(variable.numpy()[0], w0[0] * (1 - 0.05 * 0.3) ** STEPS, rtol=RTOL)


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
    "AdamW": ("m", "v"), "AMSGrad": ("m", "v", "v_max"), "AdaMax": ("m", "u"),
    "Nadam": ("m", "mu_product", "v"), "Lion": ("m", "v"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_moments_and_state_are_the_raw_m_and_v(name):
    """m: the EMA for SGDM/NAG/Adam (raw, before Adam's bias correction), the last gradient for
    SGD/AdaGrad/RMSProp/AdaDelta; V: 1 for SGD, SGDM, NAG, else the raw second moment: AMSGrad's
    running maximum (not its EMA), AdaMax's u^2, Lion's c^2 of the last step."""
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
    for key, value in state.items():  # a slot the reference names, else v is V and d is D
        ref = expected[key] if key in expected else expected[{"v": "V", "d": "D"}[key]]
        np.testing.assert_allclose(value.numpy(), ref, rtol=RTOL, atol=1e-9 if key == "d" else 1e-7)


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


# ------------------------------------------------------------------ AdamW, AMSGrad, AdaMax, Nadam, Lion
@pytest.mark.parametrize("name", ["AdamW", "AMSGrad", "AdaMax", "Nadam", "Lion"])
def test_new_optimizers_at_each_step(name):
    """Every step, not only the last: t enters Nadam's schedule and every bias correction."""
    make, reference = CASES[name]
    w0, grads = initial_weights(21), gradients(21)
    optimizer, variable = make(), tf.Variable(w0)
    for k, g in enumerate(grads, start=1):
        optimizer.apply_gradients([(tf.constant(g, tf.float32), variable)])
        expected, _ = reference(w0.astype(np.float64), grads[:k])
        np.testing.assert_allclose(variable.numpy(), expected, rtol=RTOL, atol=ATOL)


def test_amsgrad_is_adam_until_v_shrinks():
    """AMSGrad's V is Adam's while the EMA of g^2 grows (a constant gradient: V_t = (1 - b2^t) g^2);
    once the gradients get smaller it keeps the maximum, and its steps differ from Adam's."""
    w0 = initial_weights(22)
    g = gradients(22, False, False)[0]
    grads = [g] * 3 + [g * 0.1] * 3
    amsgrad = run_optlib(optlib.AMSGrad(0.05, 0.8, 0.9, 1e-3), w0, grads[:3]).numpy()
    np.testing.assert_allclose(amsgrad, run_optlib(optlib.Adam(0.05, 0.8, 0.9, 1e-3), w0, grads[:3]).numpy(),
                               rtol=1e-6)
    ams = run_optlib(optlib.AMSGrad(0.05, 0.8, 0.9, 1e-3), w0, grads).numpy()
    adam = run_optlib(optlib.Adam(0.05, 0.8, 0.9, 1e-3), w0, grads).numpy()
    assert np.abs(ams - adam).max() > 1e-3


def test_adamax_first_step_is_lr_times_sign():
    """u_1 = |g_1| and m^_1 = g_1: the first step is lr * sign(g), whatever |g| is (eps = 0)."""
    g = np.array([[1e-6, -3.0, 250.0, -0.02]], np.float64)
    variable = run_optlib(optlib.AdaMax(learning_rate=0.1, epsilon=0.0), np.zeros((1, 4), np.float32), [g])
    np.testing.assert_allclose(variable.numpy(), -0.1 * np.sign(g), rtol=1e-6)


def test_lion_is_the_sign_of_nag_with_squared_beta():
    """Lion's interpolation with beta_1 = b^2, beta_2 = b is NAG's look-ahead b m_t + (1-b) g_t:
    Lion then moves every weight by lr in the direction NAG steps."""
    b, lr = 0.8, 0.1
    w0, grads = initial_weights(23), gradients(23, zero_step=False, zero_elements=False)
    lion = optlib.Lion(lr, beta_1=b ** 2, beta_2=b)
    variable = tf.Variable(w0)
    _, nag_reference = CASES["NAG"]
    m = np.zeros(SHAPE)
    for g in grads:
        before = variable.numpy().copy()
        lion.apply_gradients([(tf.constant(g, tf.float32), variable)])
        m = b * m + (1 - b) * g
        np.testing.assert_allclose(before - variable.numpy(), lr * np.sign(b * m + (1 - b) * g), atol=1e-6)


# ------------------------------------------------------------------ Nadam: Keras against PyTorch
def pytorch_nadam(epsilon=1e-3):
    """PyTorch's NAdam schedule in optlib: the same moment rules, momentum_decay = 0.004."""
    return optlib.MomentOptimizer(M.ScheduledNesterov(0.8, momentum_decay=0.004),
                                  M.MeanOfSquares(0.9, bias_correction=True), epsilon=epsilon,
                                  learning_rate=0.05)


def test_pytorch_nadam_formula_is_keras_with_another_schedule():
    """PyTorch's NAdam and Keras' Nadam are the same equation (Dozat's Algorithm 2): the same
    bias corrections of the look-ahead (mu_{t+1} / (1 - P_t mu_{t+1}) on m, (1 - mu_t) / (1 - P_t)
    on g), the same V^ = V / (1 - b2^t) and eps in the same place, sqrt(V^) + eps (PyTorch writes
    sqrt(V) / sqrt(1 - b2^t) + eps in its foreach path, the same number). They differ only in the
    momentum schedule: 0.96^(0.004 t) (Dozat's 0.96^(t/250)) in PyTorch, 0.96^t in Keras. With
    PyTorch's momentum_decay = 1 the two NumPy versions agree to float64 rounding; with its default
    0.004, optlib's ScheduledNesterov(momentum_decay=0.004) reproduces PyTorch."""
    w0, grads = initial_weights(24), gradients(24)
    w64 = w0.astype(np.float64)
    keras_form, _ = ref_nadam(w64, grads, 0.05, 0.8, 0.9, 1e-3)
    np.testing.assert_allclose(ref_nadam_pytorch(w64, grads, 0.05, 0.8, 0.9, 1e-3, momentum_decay=1.0),
                               keras_form, rtol=1e-12, atol=1e-14)
    torch_default = ref_nadam_pytorch(w64, grads, 0.05, 0.8, 0.9, 1e-3)
    np.testing.assert_allclose(run_optlib(pytorch_nadam(), w0, grads).numpy(), torch_default,
                               rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(ref_nadam(w64, grads, 0.05, 0.8, 0.9, 1e-3, momentum_decay=0.004)[0],
                               torch_default, rtol=1e-12, atol=1e-14)


def test_size_of_the_keras_pytorch_nadam_difference():
    """How far the two schedules part (b1 = 0.9, b2 = 0.999, lr = 0.01, eps = 0, 30 unit-normal
    gradients). mu_t, the momentum in the look-ahead: Keras 0.468 at t = 1, 0.768 at t = 30, 0.892
    at t = 100, PyTorch 0.450, 0.452, 0.457 (it reaches 0.518 at t = 1000: about half Keras' 0.9
    for any realistic run). The first step is lr * 1.0628 sign(g) in Keras, lr * 1.0565 sign(g) in
    PyTorch (0.6 %); after 30 steps the weights differ by up to 0.014 = 1.4 lr, 11 % of the
    distance they moved."""
    mu = lambda t, psi: 0.9 * (1 - 0.5 * 0.96 ** (psi * t))  # noqa: E731
    np.testing.assert_allclose([mu(t, 1.0) for t in (1, 30, 100)], [0.468, 0.7677, 0.8924], atol=1e-4)
    np.testing.assert_allclose([mu(t, 0.004) for t in (1, 30, 100, 1000)],
                               [0.45007, 0.45220, 0.45729, 0.51779], atol=1e-5)
    g = np.ones((1, 1))
    keras_first, _ = ref_nadam(np.zeros((1, 1)), [g], 1.0, 0.9, 0.999, 0.0)
    torch_first = ref_nadam_pytorch(np.zeros((1, 1)), [g], 1.0, 0.9, 0.999, 0.0)
    np.testing.assert_allclose([-keras_first[0, 0], -torch_first[0, 0]], [1.06279, 1.05645], atol=1e-5)

    rng = np.random.default_rng(0)
    w0 = rng.normal(size=SHAPE)
    grads = rng.normal(size=(30,) + SHAPE)
    keras_w, _ = ref_nadam(w0, grads, 0.01, 0.9, 0.999, 0.0)
    torch_w = ref_nadam_pytorch(w0, grads, 0.01, 0.9, 0.999, 0.0)
    gap, moved = np.abs(keras_w - torch_w).max(), np.abs(keras_w - w0).max()
    assert 0.01 < gap < 0.02 and 0.08 < gap / moved < 0.15, (gap, moved)
    # and optlib's two schedules in float32 show the same gap
    ours_keras = run_optlib(optlib.Nadam(0.01, 0.9, 0.999, 0.0), w0.astype(np.float32), grads).numpy()
    ours_torch = run_optlib(optlib.MomentOptimizer(M.ScheduledNesterov(0.9, momentum_decay=0.004),
                                                   M.MeanOfSquares(0.999, bias_correction=True), 0.0, 0.01),
                            w0.astype(np.float32), grads).numpy()
    np.testing.assert_allclose(ours_keras, keras_w, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(ours_torch, torch_w, rtol=RTOL, atol=ATOL)
