"""Update rules: how a pair (m, V) becomes the step. ``w <- w - lr * direction``.

A rule is pure: ``apply(state, g, t) -> (new_state, direction)`` with ``state`` a tuple of tensors
shaped like the parameter, named by ``slots``. ``moments(state)`` gives (m, V) for inspection.
A rule whose direction also depends on the weight w itself (decoupled weight decay) sets
``takes_weights = True`` and is called ``apply(state, g, t, w)``; callers go through ``step``.
"""
import dataclasses

import tensorflow as tf

from optlib import moments as M
from optlib import validate


def step(rule, state, g, t, w):
    """(new_state, direction) of ``rule`` at step t for gradient g and current weight w."""
    if getattr(rule, "takes_weights", False):
        return rule.apply(state, g, t, w)
    return rule.apply(state, g, t)


@dataclasses.dataclass(frozen=True)
class MomentRule:
    """direction = m_t / (sqrt(V_t) + epsilon), or m_t alone when V_t = 1 (the notes' framework)."""

    first: object
    second: object
    epsilon: float = 1e-7

    def __post_init__(self):
        object.__setattr__(self, "epsilon", validate.epsilon(self.epsilon))

    @property
    def slots(self):
        return tuple(self.first.slots) + tuple(self.second.slots)

    def apply(self, state, g, t):
        n = len(self.first.slots)
        first_state, m = self.first.update(tuple(state[:n]), g, t)
        second_state, v = self.second.update(tuple(state[n:]), g, t)
        if v is None:
            direction = m
        else:
            direction = m / (tf.sqrt(v) + tf.cast(self.epsilon, g.dtype))
        return first_state + second_state, direction

    def moments(self, state, like):
        """(m, V) as kept in the state: raw (before any bias correction); V = 1 when not kept."""
        named = dict(zip(self.slots, state))
        m = named.get("m")
        v = named.get("v", tf.ones_like(like))
        return m, v

    def get_config(self):
        return {
            "first": M.serialize(self.first),
            "second": M.serialize(self.second),
            "epsilon": self.epsilon,
        }


@dataclasses.dataclass(frozen=True)
class AdaDeltaRule:
    """Zeiler's AdaDelta, epsilon inside both square roots:

    V_t = rho V_{t-1} + (1-rho) g_t^2;  Delta_t = sqrt(D_{t-1} + eps) / sqrt(V_t + eps) * g_t;
    D_t = rho D_{t-1} + (1-rho) Delta_t^2;  direction = Delta_t.
    m is the gradient (as in RMSProp); D, the EMA of squared updates, replaces a learning rate.
    """

    rho: float = 0.95
    epsilon: float = 1e-6
    slots = ("m", "v", "d")

    def __post_init__(self):
        object.__setattr__(self, "rho", validate.decay("rho", self.rho))
        object.__setattr__(self, "epsilon", validate.epsilon(self.epsilon))

    def apply(self, state, g, t):
        _, v, d = state
        rho = tf.cast(self.rho, g.dtype)
        eps = tf.cast(self.epsilon, g.dtype)
        v = rho * v + (1.0 - rho) * tf.square(g)
        delta = tf.sqrt(d + eps) / tf.sqrt(v + eps) * g
        d = rho * d + (1.0 - rho) * tf.square(delta)
        return (g, v, d), delta

    def moments(self, state, like):
        m, v, _ = state
        return m, v

    def get_config(self):
        return {"rho": self.rho, "epsilon": self.epsilon}
