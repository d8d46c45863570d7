"""Argument checks shared by the optimizers: each raises ValueError naming the argument and its range.

optlib computes in float32, so a number must also survive the cast: a value that overflows float32
(inf), a decay rate that rounds to 1.0 or a positive epsilon that float32 flushes to 0 would turn
the update into inf or 0/0 = NaN, and is refused like any other value out of range.
"""
import math
import numbers

import numpy as np

_FLOAT32_MAX = float(np.finfo(np.float32).max)
_FLOAT32_TINY = float(np.finfo(np.float32).tiny)  # smallest normal float32, about 1.18e-38
_BELOW_ONE = float(np.nextafter(np.float32(1.0), np.float32(0.0)))  # 1 - 2**-24, the largest float32 < 1


def _number(name, value, allowed):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"`{name}` must be a real number {allowed}, got {value!r} ({type(value).__name__}).")
    if not math.isfinite(value) or abs(value) > _FLOAT32_MAX:
        overflow = "" if not math.isfinite(value) else f", which is inf in float32 (largest {_FLOAT32_MAX:.4g})"
        raise ValueError(f"`{name}` must be a finite number {allowed}, got {value!r}{overflow}.")
    return float(value)


def learning_rate(value):
    """A learning rate is a finite number >= 0, or a Keras schedule / callable of the step."""
    if callable(value):
        return value
    allowed = ">= 0 (or a Keras learning-rate schedule)"
    value = _number("learning_rate", value, allowed)
    if value < 0:
        raise ValueError(f"`learning_rate` must be {allowed}, got {value!r}.")
    return value


def decay(name, value):
    """A decay rate (beta, beta_1, beta_2, rho) lies in [0, 1)."""
    value = _number(name, value, "in [0, 1)")
    if not 0.0 <= value < 1.0:
        raise ValueError(f"`{name}` must be in [0, 1), got {value!r}.")
    if np.float32(value) == 1.0:
        raise ValueError(f"`{name}` must be in [0, 1), got {value!r}, which is 1.0 in float32 "
                         f"(the largest usable value is {_BELOW_ONE!r}).")
    return value


def epsilon(value):
    """epsilon is a finite number >= 0 (0 reproduces the notes' code exactly)."""
    value = _number("epsilon", value, ">= 0")
    if value < 0:
        raise ValueError(f"`epsilon` must be >= 0, got {value!r}.")
    if 0 < value < _FLOAT32_TINY:
        raise ValueError(f"`epsilon` must be >= 0, got {value!r}, which float32 treats as 0: use 0 or "
                         f"at least {_FLOAT32_TINY!r} (float32's smallest normal number).")
    return value


def non_negative(name, value):
    """A coefficient such as weight_decay or momentum_decay: a finite number >= 0."""
    value = _number(name, value, ">= 0")
    if value < 0:
        raise ValueError(f"`{name}` must be >= 0, got {value!r}.")
    return value


def positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"`{name}` must be a positive integer, got {value!r}.")
    return int(value)
