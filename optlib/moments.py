"""The two halves of every optimizer in the notes: a first moment m and a second moment V.

Each rule is a small pure function of its state and the gradient g at step t = 1, 2, ...:
``update(state, g, t) -> (new_state, value)``. ``state`` is a tuple of tensors shaped like the
parameter (named by ``slots``), ``value`` is the m or V that enters

    w <- w - lr * m / (sqrt(V) + epsilon)

The same rules drive the Keras optimizers (``optlib.MomentOptimizer``) and the compiled
training loop (``optlib.train``), so both run one piece of code per equation.
"""
import dataclasses

import tensorflow as tf

from optlib import validate


def _cast(x, like):
    return tf.cast(x, like.dtype)


def _bias_correction(beta, t, like):
    """1 - beta**t, the factor that undoes an EMA's pull towards its zero start."""
    return 1.0 - tf.pow(_cast(beta, like), _cast(t, like))


# ---------------------------------------------------------------- first moments (m)
@dataclasses.dataclass(frozen=True)
class Gradient:
    """m_t = g_t (SGD, AdaGrad, RMSProp). The last gradient is kept so that m can be inspected."""

    slots = ("m",)

    def update(self, state, g, t):
        return (g,), g


@dataclasses.dataclass(frozen=True)
class Momentum:
    """m_t = beta * m_{t-1} + (1 - beta) * g_t, an exponential moving average (EMA) of gradients.

    With ``bias_correction`` the value used is m_t / (1 - beta**t) (Adam's m-hat).
    """

    beta: float = 0.9
    bias_correction: bool = False
    slots = ("m",)

    def __post_init__(self):
        object.__setattr__(self, "beta", validate.decay("beta", self.beta))

    def update(self, state, g, t):
        (m,) = state
        beta = _cast(self.beta, g)
        m = beta * m + (1.0 - beta) * g
        value = m / _bias_correction(self.beta, t, g) if self.bias_correction else m
        return (m,), value


@dataclasses.dataclass(frozen=True)
class Nesterov:
    """m_t = beta * m_{t-1} + (1 - beta) * g_t as in Momentum, but the step uses the look-ahead
    beta * m_t + (1 - beta) * g_t (Nesterov's accelerated gradient, NAG, in EMA form)."""

    beta: float = 0.9
    slots = ("m",)

    def __post_init__(self):
        object.__setattr__(self, "beta", validate.decay("beta", self.beta))

    def update(self, state, g, t):
        (m,) = state
        beta = _cast(self.beta, g)
        m = beta * m + (1.0 - beta) * g
        return (m,), beta * m + (1.0 - beta) * g


@dataclasses.dataclass(frozen=True)
class ScheduledNesterov:
    """Nadam's first moment (Dozat 2016): Nesterov's look-ahead on a bias-corrected EMA whose
    momentum follows the schedule mu_t = beta * (1 - 0.5 * 0.96**(momentum_decay * t)):

        m_t = beta * m_{t-1} + (1 - beta) * g_t;   P_t = mu_1 * mu_2 * ... * mu_t
        value = mu_{t+1} * m_t / (1 - P_t * mu_{t+1}) + (1 - mu_t) * g_t / (1 - P_t)

    ``momentum_decay=1`` is Keras' Nadam (0.96**t: mu_t is within 1% of beta after about 70
    steps); 0.004 is Dozat's paper and PyTorch's NAdam (0.96**(t / 250)). The running product
    P_t is a slot shaped like the parameter (Keras keeps one scalar per optimizer, PyTorch one per
    parameter): every element holds the same number, so the rule stays element-wise. The slot
    starts at zero like every slot; at t = 1 it is read as the empty product, 1.
    """

    beta: float = 0.9
    momentum_decay: float = 1.0
    slots = ("m", "mu_product")

    def __post_init__(self):
        object.__setattr__(self, "beta", validate.decay("beta", self.beta))
        object.__setattr__(self, "momentum_decay",
                           validate.non_negative("momentum_decay", self.momentum_decay))

    def update(self, state, g, t):
        m, product = state
        beta, base = _cast(self.beta, g), _cast(0.96, g)
        t, psi = _cast(t, g), _cast(self.momentum_decay, g)
        mu = beta * (1.0 - 0.5 * tf.pow(base, t * psi))
        mu_next = beta * (1.0 - 0.5 * tf.pow(base, (t + 1.0) * psi))
        product = tf.where(t <= 1.0, tf.ones_like(product), product)  # P_0 = 1
        product = product * beta * (1.0 - 0.5 * tf.pow(base, t * psi))  # Keras' order of products
        m = beta * m + (1.0 - beta) * g
        value = mu_next * m / (1.0 - product * mu_next) + (1.0 - mu) * g / (1.0 - product)
        return (m, product), value


@dataclasses.dataclass(frozen=True)
class Interpolation:
    """Lion's first moment (Chen et al. 2023): the state is the EMA m_t = beta_2 * m_{t-1} +
    (1 - beta_2) * g_t; the value used is beta_1 * m_{t-1} + (1 - beta_1) * g_t, between the
    previous EMA and the new gradient. NAG's look-ahead (Nesterov) is the case beta_1 = beta**2,
    beta_2 = beta: beta * m_t + (1 - beta) * g_t = beta**2 * m_{t-1} + (1 - beta**2) * g_t.
    """

    beta_1: float = 0.9
    beta_2: float = 0.99
    slots = ("m",)

    def __post_init__(self):
        object.__setattr__(self, "beta_1", validate.decay("beta_1", self.beta_1))
        object.__setattr__(self, "beta_2", validate.decay("beta_2", self.beta_2))

    def update(self, state, g, t):
        (m,) = state
        beta_1, beta_2 = _cast(self.beta_1, g), _cast(self.beta_2, g)
        value = beta_1 * m + (1.0 - beta_1) * g
        m = beta_2 * m + (1.0 - beta_2) * g
        return (m,), value


# ---------------------------------------------------------------- second moments (V)
@dataclasses.dataclass(frozen=True)
class Constant:
    """V_t = 1: no scaling (SGD, SGDM, NAG). Its value is None, which the step reads as 'divide by 1'."""

    slots = ()

    def update(self, state, g, t):
        return (), None


@dataclasses.dataclass(frozen=True)
class SumOfSquares:
    """V_t = V_{t-1} + g_t**2, the running sum of squared gradients (AdaGrad)."""

    slots = ("v",)

    def update(self, state, g, t):
        (v,) = state
        v = v + tf.square(g)
        return (v,), v


@dataclasses.dataclass(frozen=True)
class MeanOfSquares:
    """V_t = beta * V_{t-1} + (1 - beta) * g_t**2, an EMA of squared gradients (RMSProp).

    With ``bias_correction`` the value used is V_t / (1 - beta**t) (Adam's V-hat).
    """

    beta: float = 0.9
    bias_correction: bool = False
    slots = ("v",)

    def __post_init__(self):
        object.__setattr__(self, "beta", validate.decay("beta", self.beta))

    def update(self, state, g, t):
        (v,) = state
        beta = _cast(self.beta, g)
        v = beta * v + (1.0 - beta) * tf.square(g)
        value = v / _bias_correction(self.beta, t, g) if self.bias_correction else v
        return (v,), value


@dataclasses.dataclass(frozen=True)
class MaxOfMeanOfSquares:
    """AMSGrad's second moment (Reddi et al. 2018): the EMA v_t = beta * v_{t-1} + (1 - beta) * g_t**2
    of MeanOfSquares, and V_t = max(V_{t-1}, v_t), its running maximum, so that V never shrinks.

    With ``bias_correction`` the value used is V_t / (1 - beta**t): the maximum of the raw EMA,
    then corrected, as Keras' and PyTorch's amsgrad do (the paper's algorithm corrects neither).
    """

    beta: float = 0.999
    bias_correction: bool = False
    slots = ("v", "v_max")

    def __post_init__(self):
        object.__setattr__(self, "beta", validate.decay("beta", self.beta))

    def update(self, state, g, t):
        v, v_max = state
        beta = _cast(self.beta, g)
        v = beta * v + (1.0 - beta) * tf.square(g)
        v_max = tf.maximum(v_max, v)
        value = v_max / _bias_correction(self.beta, t, g) if self.bias_correction else v_max
        return (v, v_max), value

    def raw(self, state):
        """The V that enters the step (before correction): the running maximum, not the EMA."""
        return state[1]


@dataclasses.dataclass(frozen=True)
class InfinityNorm:
    """AdaMax's second moment (Kingma & Ba 2015, section 7.1): u_t = max(beta * u_{t-1}, |g_t|),
    an exponentially weighted infinity norm of the gradients, and V_t = u_t**2, so sqrt(V_t) = u_t.

    u is the limit p -> infinity of (EMA of |g|**p)**(1/p); it needs no bias correction. In
    float32, sqrt(u * u) is u exactly wherever u * u is a normal number (1.1e-19 < u < 1.8e19),
    the range in which any V = g**2 is exact (Adam's too).
    """

    beta: float = 0.999
    slots = ("u",)

    def __post_init__(self):
        object.__setattr__(self, "beta", validate.decay("beta", self.beta))

    def update(self, state, g, t):
        (u,) = state
        u = tf.maximum(_cast(self.beta, g) * u, tf.abs(g))
        return (u,), tf.square(u)

    def raw(self, state):
        """V = u**2, the square of the kept norm."""
        return tf.square(state[0])


FIRST_MOMENTS = {cls.__name__: cls for cls in (Gradient, Momentum, Nesterov, ScheduledNesterov,
                                               Interpolation)}
SECOND_MOMENTS = {cls.__name__: cls for cls in (Constant, SumOfSquares, MeanOfSquares,
                                                MaxOfMeanOfSquares, InfinityNorm)}


def raw(rule, state, name):
    """The raw m or V (``name`` "m" or "v") that ``rule`` keeps in ``state``: the slot of that name,
    unless the rule says otherwise (``rule.raw``); None when it keeps none."""
    if hasattr(rule, "raw"):
        return rule.raw(tuple(state))
    return dict(zip(rule.slots, state)).get(name)


def serialize(rule):
    return {"class_name": type(rule).__name__, "config": dataclasses.asdict(rule)}


def deserialize(config, kinds):
    if not isinstance(config, dict):
        return config
    try:
        cls = kinds[config["class_name"]]
    except KeyError:
        raise ValueError(
            f"Unknown moment rule {config.get('class_name')!r}; known: {sorted(kinds)}."
        ) from None
    return cls(**config.get("config", {}))
