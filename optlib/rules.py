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
        n = len(self.first.slots)
        m = M.raw(self.first, state[:n], "m")
        v = M.raw(self.second, state[n:], "v")
        return m, tf.ones_like(like) if v is None else v

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


@dataclasses.dataclass(frozen=True)
class SignRule:
    """direction = m_t / sqrt(V_t) with V_t = m_t**2: the sign of the first moment's value
    (Lion, with ``first`` = moments.Interpolation). It is computed as sign(m_t), so that it is
    0 where m_t = 0 (0/0 in the quotient) and exact where m_t**2 would leave float32's range.

    The state is the first moment's, and V_t = m_t**2 of the last step, kept (like Gradient's m)
    only so that ``moments`` can show it; no epsilon: |direction| is 1 or 0.
    """

    first: object

    @property
    def slots(self):
        return tuple(self.first.slots) + ("v",)

    def apply(self, state, g, t):
        first_state, m = self.first.update(tuple(state[:-1]), g, t)
        return first_state + (tf.square(m),), tf.sign(m)

    def moments(self, state, like):
        return M.raw(self.first, state[:-1], "m"), state[-1]

    def get_config(self):
        return {"first": M.serialize(self.first)}


@dataclasses.dataclass(frozen=True)
class DecoupledWeightDecay:
    """Loshchilov & Hutter's decoupled weight decay around any rule: direction = d_t + lambda * w,
    with d_t the wrapped rule's direction, so the step is w <- w - lr * d_t - lr * lambda * w
    (AdamW). The decay acts on the weight, not through the gradient: it never enters m or V.

    Keras applies its ``weight_decay`` option the same way, w <- w - lr * lambda * w just before
    the update step; here it lives in the rule, so optlib.train and surfaces.path apply it too.
    """

    rule: object
    weight_decay: float = 0.004
    takes_weights = True

    def __post_init__(self):
        object.__setattr__(self, "weight_decay", validate.non_negative("weight_decay", self.weight_decay))

    @property
    def slots(self):
        return self.rule.slots

    def apply(self, state, g, t, w):
        state, direction = step(self.rule, state, g, t, w)
        return state, direction + tf.cast(self.weight_decay, g.dtype) * tf.cast(w, g.dtype)

    def moments(self, state, like):
        return self.rule.moments(state, like)

    def get_config(self):
        return {"rule": self.rule.get_config(), "weight_decay": self.weight_decay}
