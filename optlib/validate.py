"""Argument checks shared by the optimizers: each raises ValueError naming the argument."""
import math
import numbers


def _number(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"`{name}` must be a real number, got {value!r} ({type(value).__name__}).")
    if not math.isfinite(value):
        raise ValueError(f"`{name}` must be finite, got {value!r}.")
    return float(value)


def learning_rate(value):
    """A learning rate is a finite number >= 0, or a Keras schedule / callable of the step."""
    if callable(value):
        return value
    value = _number("learning_rate", value)
    if value < 0:
        raise ValueError(f"`learning_rate` must be >= 0, got {value!r}.")
    return value


def decay(name, value):
    """A decay rate (beta, beta_1, beta_2, rho) lies in [0, 1)."""
    value = _number(name, value)
    if not 0.0 <= value < 1.0:
        raise ValueError(f"`{name}` must be in [0, 1), got {value!r}.")
    return value


def epsilon(value):
    """epsilon is a finite number >= 0 (0 reproduces the notes' code exactly)."""
    value = _number("epsilon", value)
    if value < 0:
        raise ValueError(f"`epsilon` must be >= 0, got {value!r}.")
    return value


def positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"`{name}` must be a positive integer, got {value!r}.")
    return int(value)
