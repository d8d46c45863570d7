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


FIRST_MOMENTS = {cls.__name__: cls for cls in (Gradient, Momentum, Nesterov)}
SECOND_MOMENTS = {cls.__name__: cls for cls in (Constant, SumOfSquares, MeanOfSquares)}


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
